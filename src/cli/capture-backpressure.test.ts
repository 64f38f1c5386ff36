// `wirechat capture` whose stdout nobody reads: it stops reading tcpdump instead of buffering the
// view, so the kernel drops packets and the run says so; Ctrl-C still ends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { WebSocket, WebSocketServer } from 'ws';
import { wirechatBin } from '../shared/paths.js';

const root = process.getuid?.() === 0;
const MESSAGE = 256 * 1024;
const MESSAGES = 128; // 32 MiB across the loopback, about 145 MB of -X text
/** Resident memory the capture may reach: Node itself plus a bounded view, far below the traffic. */
const RSS_BOUND = 128 * 1024 * 1024;

const rssOf = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

test(
  'capture: an unread stdout stops the reading of tcpdump (bounded memory), drops are reported, Ctrl-C ends it',
  { skip: !root && 'needs root for tcpdump' },
  async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    let messages = 0;
    server.on('connection', (ws) => ws.on('message', () => messages++));
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const capture = spawn(
      process.execPath,
      // The smallest kernel buffer (-B 1024 KiB): the traffic cannot wait there, so the kernel drops.
      [
        wirechatBin,
        'capture',
        '-i',
        'lo',
        '-X',
        '-B',
        '1024',
        '--output-buffer',
        '65536',
        'tcp',
        'port',
        String(port),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // stdout is deliberately left unread.
    let stderr = '';
    capture.stderr.setEncoding('utf8');
    capture.stderr.on('data', (s: string) => (stderr += s));
    try {
      for (let i = 0; i < 500 && !/listening on lo/.test(stderr); i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.match(stderr, /listening on lo/);
      const client = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
      await once(client, 'open');
      const payload = Buffer.alloc(MESSAGE, 'x');
      let peak = 0;
      for (let i = 0; i < MESSAGES; i++) {
        client.send(payload);
        if (i % 16 === 15) {
          // Paced (about 20 MB/s) so that tcpdump and the decoder could keep up with the traffic:
          // what piles up then is only what the unread stdout refuses.
          while (client.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 5));
          await new Promise((r) => setTimeout(r, 200));
          peak = Math.max(peak, rssOf(capture.pid!));
        }
      }
      for (let i = 0; i < 400 && messages < MESSAGES; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(messages, MESSAGES, 'the traffic itself is never slowed by a capture');
      await new Promise((r) => setTimeout(r, 300));
      peak = Math.max(peak, rssOf(capture.pid!));
      assert.ok(peak < RSS_BOUND, `capture grew to ${(peak / 1048576).toFixed(0)} MB`);
      client.terminate();

      capture.kill('SIGINT');
      const code = await new Promise<number | string>((resolve) => {
        const timer = setTimeout(() => resolve('still running'), 10_000);
        capture.once('exit', (c) => {
          clearTimeout(timer);
          resolve(c ?? 'signal');
        });
      });
      assert.equal(code, 0, stderr);
      assert.match(stderr, /summary: \d+ packets/);
      const dropped = /(\d+) packets? dropped by kernel/.exec(stderr);
      assert.ok(dropped && Number(dropped[1]) > 0, stderr);
      assert.match(stderr, /WARNING: the kernel dropped [\d,]+ packets: .*the view's reader did not keep up/);
    } finally {
      capture.kill('SIGKILL');
      await new Promise((r) => server.close(r));
    }
  },
);
