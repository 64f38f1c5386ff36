// `wirechat tap` as a user runs it: a child process, real WebSocket clients and server, Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { startChildCommand } from '../testing/child-command.js';
import { freePort } from '../shared/free-port.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import type { WireEvent } from '../wire/events.js';
import { tshark } from '../testing/wire/tap-test-kit.js';
import { parseHostPort } from './tap.js';

const dir = mkdtempSync(join(tmpdir(), 'wirechat-tap-cli-'));
type Json = Record<string, unknown>;

async function echoClient(
  port: number,
  id: number,
  deflate: boolean,
): Promise<{ sent: Array<string | Buffer>; back: Array<string | Buffer> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: deflate });
  const back: Array<string | Buffer> = [];
  const sent: Array<string | Buffer> = [
    `hello from client ${id} — ünïcødé ✓`,
    randomBytes(1 + id * 3001),
    `bye ${id}`,
  ];
  await once(ws, 'open');
  let waiting: (() => void) | undefined;
  ws.on('message', (data: Buffer, isBinary) => {
    back.push(isBinary ? data : data.toString('utf8'));
    waiting?.();
  });
  for (const m of sent) {
    ws.send(m);
    await new Promise<void>((r) => (waiting = r));
  }
  ws.close(1000, 'done');
  await once(ws, 'close');
  return { sent, back };
}

test('20 concurrent WebSocket clients through the tap: echoes intact, every message decoded, pcapng opens in tshark and our reader', async () => {
  // Half of the clients negotiate permessage-deflate, so compressed frames pass through too.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await once(server, 'listening');
  const upstreamPort = (server.address() as { port: number }).port;
  const listenPort = await freePort();
  const pcapng = join(dir, 'tap.pcapng');
  const tap = startChildCommand('tap', [
    '--listen',
    `127.0.0.1:${listenPort}`,
    '--upstream',
    `127.0.0.1:${upstreamPort}`,
    '--format',
    'jsonl',
    '-w',
    pcapng,
  ]);
  try {
    await tap.waitFor(/listening on 127\.0\.0\.1/);
    const n = 20;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => echoClient(listenPort, i, i % 2 === 0)),
    );
    for (const r of results) assert.deepEqual(r.back, r.sent);
    await tap.waitFor((out) => out.split('"how":"both-fin"').length > n, 'stdout');
    tap.interrupt();
    assert.equal(await tap.exited, 0, tap.stderr());

    const events = tap
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    const summary = events.at(-1)!;
    assert.equal(summary.event, 'summary');
    assert.equal(summary.connections, n);
    assert.equal(summary.problems, 0);
    const decoded = (from: string): string[] =>
      events
        .filter((e) => e.event === 'ws.message' && e.from === from)
        .map((e) => (e.text !== undefined ? `t:${String(e.text)}` : `b:${String(e.data_base64)}`))
        .sort();
    const expected = results
      .flatMap((r) => r.sent)
      .map((m) => (typeof m === 'string' ? `t:${m}` : `b:${m.toString('base64')}`))
      .sort();
    assert.deepEqual(decoded('client'), expected);
    assert.deepEqual(decoded('server'), expected);
    assert.equal(events.filter((e) => e.event === 'ws.close').length, 2 * n);

    // The saved pcapng: our reader finds the same messages…
    const again: WireEvent[] = [];
    const decoder = createCaptureDecoder({}, (batch) => again.push(...batch));
    decoder.push(readFileSync(pcapng));
    const s2 = decoder.end();
    assert.deepEqual(s2.messages, summary.messages);
    // …and tshark sees every WebSocket data frame (decoding HTTP on the upstream port).
    const opcodes = tshark([
      '-r',
      pcapng,
      '-d',
      `tcp.port==${upstreamPort},http`,
      '-Y',
      'websocket.opcode == 1 || websocket.opcode == 2',
      '-T',
      'fields',
      '-e',
      'websocket.opcode',
    ])
      .split(/\s+/)
      .filter(Boolean);
    assert.equal(opcodes.length, 2 * 3 * n);
    // tcpdump reads it too (one link type in the file, as libpcap needs).
    const dump = spawnSync('tcpdump', ['-nn', '-r', pcapng], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(dump.status, 0, dump.stderr);
    assert.equal(dump.stdout.trim().split('\n').length, s2.packets);
  } finally {
    tap.child.kill('SIGKILL');
    server.close();
  }
});

test('upstream refusing: the client is reset, the tap says so and shows the RST, and keeps running', async () => {
  const closedPort = await freePort();
  const listenPort = await freePort();
  const tap = startChildCommand('tap', [
    '--listen',
    `127.0.0.1:${listenPort}`,
    '--upstream',
    `127.0.0.1:${closedPort}`,
    '--format',
    'jsonl',
  ]);
  try {
    await tap.waitFor(/listening on/);
    for (let i = 0; i < 2; i++) {
      const socket = connect({ host: '127.0.0.1', port: listenPort });
      const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
      assert.equal(err.code, 'ECONNRESET');
    }
    await tap.waitFor((out) => out.split('"how":"rst"').length > 2, 'stdout');
    tap.interrupt();
    assert.equal(await tap.exited, 0);
    assert.equal(tap.stderr().match(/refused/g)?.length, 2);
    const events = tap
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    assert.deepEqual(
      events.filter((e) => e.event === 'tcp.segment').map((e) => e.flags),
      ['S', 'R.', 'S', 'R.'],
    );
  } finally {
    tap.child.kill('SIGKILL');
  }
});

test('bad addresses are usage errors; a busy listen port is one clear line', async () => {
  assert.throws(() => parseHostPort('7272', 'listen'), /HOST:PORT/);
  assert.deepEqual(parseHostPort('[::1]:7272', 'listen'), { host: '::1', port: 7272 });
  const holder = startChildCommand('tap', ['--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:9']);
  await holder.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
  const port = /listening on 127\.0\.0\.1:(\d+)/.exec(holder.stderr())![1]!;
  const second = startChildCommand('tap', ['--listen', `127.0.0.1:${port}`, '--upstream', '127.0.0.1:9']);
  assert.equal(await second.exited, 2);
  assert.match(second.stderr(), /already in use/);
  assert.equal(second.stderr().trim().split('\n').length, 1);
  holder.interrupt();
  await holder.exited;
});
