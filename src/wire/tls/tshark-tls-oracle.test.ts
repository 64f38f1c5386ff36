// tshark as an oracle for decrypted wss: a real `ws` WebSocket over TLS 1.3 and 1.2, captured by
// a real tcpdump, read by tshark with the same key log (-o tls.keylog_file:) and by us. Every
// message tshark decodes we decode too, in the same order; we decode every message that was
// sent, including the ones several to a TLS record (corked writes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { startTcpdumpRecorder } from '../../testing/tcpdump-recorder.js';
import { KeyStore } from './key-store.js';
import { parseKeyLog } from './keylog-parser.js';
import { decodeFile } from '../../testing/wire/e2e-test-kit.js';
import { makeCertificate } from '../../testing/wire/tls-test-kit.js';

function available(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SENT = Array.from({ length: 60 }, (_, i) => `server message ${i} ${'.'.repeat(i * 7)}`);

/** The server answers "go" with SENT, corked three at a time (three frames per TLS record). */
async function record(
  file: string,
  version: 'TLSv1.2' | 'TLSv1.3',
): Promise<{ keylog: string; port: number }> {
  const cert = makeCertificate();
  const keylog: string[] = [];
  const https = createServer({ cert: cert.cert, key: cert.key, minVersion: version, maxVersion: version });
  https.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  const wss = new WebSocketServer({ server: https, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', () => {
      const raw = (socket as unknown as { _socket: Socket })._socket;
      for (let i = 0; i < SENT.length; i += 3) {
        raw.cork();
        for (const text of SENT.slice(i, i + 3)) socket.send(text);
        raw.uncork();
      }
    });
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const port = (https.address() as { port: number }).port;
  const recorder = await startTcpdumpRecorder({ file, port, immediate: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${port}/`, {
        rejectUnauthorized: false,
        perMessageDeflate: false,
      });
      let got = 0;
      ws.on('open', () => ws.send('go'));
      ws.on('message', () => {
        if (++got === SENT.length) ws.close(1000);
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
  } finally {
    wss.close();
    https.close();
  }
  assert.equal((await recorder.stop()).dropped, 0);
  return { keylog: keylog.join(''), port };
}

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(
    `tshark oracle (${version}): what tshark decrypts we decrypt, and we miss nothing`,
    { timeout: 60_000 },
    async (t) => {
      if (!available('tshark') || !available('tcpdump')) {
        t.skip('tshark or tcpdump is not installed');
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'wirechat-tls-oracle-'));
      try {
        const file = join(dir, 'wss.pcap');
        const { keylog, port } = await record(file, version);
        writeFileSync(join(dir, 'keys.log'), keylog);
        const keys = new KeyStore();
        parseKeyLog(keylog, keys, 'keys.log');
        const decoded = decodeFile(file, { tls: { keys } });
        const ours = decoded.events.flatMap((e) =>
          e.event === 'ws.message' && e.from === 'server' ? [e.text ?? ''] : [],
        );
        assert.deepEqual(ours, SENT);
        assert.deepEqual(decoded.summary.problemsByCode, {});

        const out = execFileSync(
          'tshark',
          [
            '-r',
            file,
            '-o',
            `tls.keylog_file:${join(dir, 'keys.log')}`,
            '-d',
            `tcp.port==${port},tls`,
          ].concat([
            '-d',
            `tls.port==${port},http`,
            '-Y',
            'websocket',
            '-T',
            'json',
            '-e',
            'websocket.payload.text',
          ]),
          { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] },
        ).toString('utf8');
        const packets = JSON.parse(out || '[]') as Array<{
          _source: { layers: Record<string, string[] | undefined> };
        }>;
        const theirs = packets
          .flatMap((p) => p._source.layers['websocket.payload.text'] ?? [])
          .filter((s) => s.startsWith('server '));
        // Every message tshark found is one we found, in the same order.
        let at = 0;
        for (const text of theirs) {
          const found = ours.indexOf(text, at);
          assert.ok(
            found >= 0,
            `tshark decoded ${JSON.stringify(text.slice(0, 40))}; we did not (in that order)`,
          );
          at = found + 1;
        }
        assert.ok(theirs.length > 0, 'tshark decrypted nothing: the oracle said nothing');
        t.diagnostic(`tshark decoded ${theirs.length} of ${SENT.length} messages; we decoded ${ours.length}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
