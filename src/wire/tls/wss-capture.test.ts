// End to end: a chat session over wss:// with the real chat server, captured by a real tcpdump on
// loopback, read by `wirechat read --keylog`: it reads like the same session over ws://; without
// the key log, the handshake is explained and TLS_NO_KEYS says how to get keys; mutated copies of
// the capture never make the pipeline throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startTestServer } from '../../testing/chat/chat-client.js';
import { projectRoot } from '../../shared/paths.js';
import { startTcpdumpRecorder } from '../../testing/tcpdump-recorder.js';
import { decodeBytes } from '../../testing/wire/e2e-test-kit.js';
import { KeyStore } from './key-store.js';
import { parseKeyLog } from './keylog-parser.js';
import { makeCertificate } from '../../testing/wire/tls-test-kit.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');

function available(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Logs in, says two things (one large), reads the answers, closes. */
async function chat(url: string, agent?: Agent): Promise<void> {
  const ws = new WebSocket(url, { rejectUnauthorized: false, ...(agent ? { agent } : {}) });
  const replies: string[] = [];
  ws.on('message', (d) => replies.push(String(d)));
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waitFor = async (n: number) => {
    for (let i = 0; i < 200 && replies.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  };
  ws.send(JSON.stringify({ type: 'login', client_name: 'ann', room_id: 1 }));
  await waitFor(1);
  ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content: 'hello over the wire' }));
  await waitFor(2);
  ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content: 'big '.repeat(10_000) }));
  await waitFor(3);
  ws.close(1000, 'bye');
  await new Promise((r) => ws.once('close', r));
}

function readJsonl(file: string, extra: string[]): Array<Record<string, unknown>> {
  const r = spawnSync(process.execPath, [cli, 'read', '--format', 'jsonl', ...extra, file], {
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The conversation as "from: chat type" lines (ids and times differ between runs). */
const conversation = (events: Array<Record<string, unknown>>): string[] =>
  events
    .filter((e) => e.event === 'ws.message' || e.event === 'ws.close')
    .map(
      (e) =>
        `${String(e.from)}: ${e.event === 'ws.close' ? 'close' : String((JSON.parse(String(e.text)) as { type: string }).type)}`,
    );

test(
  'a wss chat session captured by tcpdump reads like the ws one with --keylog',
  { timeout: 60_000 },
  async (t) => {
    if (!available('tcpdump')) {
      t.skip('tcpdump is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-wss-'));
    try {
      const cert = makeCertificate();
      writeFileSync(join(dir, 'cert.pem'), cert.cert);
      writeFileSync(join(dir, 'key.pem'), cert.key);
      const keylog: string[] = [];
      const agent = new Agent({ keepAlive: false });
      agent.on('keylog', (line: Buffer) => keylog.push(line.toString()));

      const secure = await startTestServer({ tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') });
      const clear = await startTestServer();
      try {
        const wssRecorder = await startTcpdumpRecorder({
          file: join(dir, 'wss.pcap'),
          port: secure.wsPort,
          immediate: true,
        });
        await chat(`wss://127.0.0.1:${secure.wsPort}/`, agent);
        assert.equal((await wssRecorder.stop()).dropped, 0);
        const wsRecorder = await startTcpdumpRecorder({
          file: join(dir, 'ws.pcap'),
          port: clear.wsPort,
          immediate: true,
        });
        await chat(`ws://127.0.0.1:${clear.wsPort}/`);
        assert.equal((await wsRecorder.stop()).dropped, 0);
      } finally {
        await secure.close();
        await clear.close();
      }
      writeFileSync(join(dir, 'keys.log'), keylog.join(''));

      const plain = readJsonl(join(dir, 'ws.pcap'), []);
      const decrypted = readJsonl(join(dir, 'wss.pcap'), ['--keylog', join(dir, 'keys.log')]);
      assert.ok(conversation(plain).length >= 6);
      assert.deepEqual(conversation(decrypted), conversation(plain));
      const summary = decrypted.at(-1)!;
      assert.deepEqual(summary.problemsByCode, {});
      assert.equal(summary.websocketConnections, 1);
      assert.ok(decrypted.some((e) => e.event === 'tls.client-hello' && e.keysKnown === true));

      // Without keys: the TLS facts and one TLS_NO_KEYS, no messages.
      const blind = readJsonl(join(dir, 'wss.pcap'), []);
      assert.equal(conversation(blind).length, 0);
      assert.deepEqual((blind.at(-1)!.problemsByCode as Record<string, number>).TLS_NO_KEYS, 1);
      assert.ok(blind.some((e) => e.event === 'tls.server-hello' && e.version === 'TLS 1.3'));

      // The text view shows the TLS lines and the chat alike; the env var works like --keylog.
      const text = spawnSync(process.execPath, [cli, 'read', join(dir, 'wss.pcap')], {
        env: { ...process.env, NO_COLOR: '1', WIRECHAT_KEYLOG: join(dir, 'keys.log') },
      }).stdout.toString();
      assert.match(text, /TLS client hello: /);
      assert.match(text, /TLS server hello: TLS 1\.3/);
      assert.match(text, /hello over the wire/);

      // Mutated copies of the capture decode through the whole pipeline without a throw or a hang.
      const bytes = readFileSync(join(dir, 'wss.pcap'));
      const keys = new KeyStore();
      parseKeyLog(keylog.join(''), keys, 'keys.log');
      let seed = 11;
      const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 0x100000000;
      for (let i = 0; i < 150; i++) {
        const copy = Buffer.from(bytes);
        for (let m = 0; m < 1 + Math.floor(random() * 8); m++) {
          // Past the pcap header: damage packets, not the file format.
          copy[24 + Math.floor(random() * (copy.length - 24))] = Math.floor(random() * 256);
        }
        const decoded = decodeBytes(copy, { tls: { keys } });
        assert.equal(decoded.summary.event, 'summary', `mutation ${i}`);
      }

      // A missing key log is one line, exit 1.
      const missing = spawnSync(process.execPath, [
        cli,
        'read',
        '--keylog',
        join(dir, 'nope.log'),
        join(dir, 'wss.pcap'),
      ]);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr.toString().trim(), /^wirechat read: --keylog .*nope\.log: no such file$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
