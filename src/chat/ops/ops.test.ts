// Operations on a real server: /metrics in Prometheus text (parsed), /healthz, /readyz (503 while
// the broker is unreachable), TLS with a certificate made here (wss:// and https:// on the same
// ports, bad files one line and exit 2), and --allow-origin refusing other origins with 403.
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { freePort } from '../../shared/free-port.js';
import { openClient, startTestServer } from '../../testing/chat/chat-client.js';
import { writeTestCertificate } from '../../testing/test-certificate.js';

/** Parses exposition text into `name{labels}` → value; every sample line must parse. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-z_]+(?:\{[a-z_]+="(?:[^"\\]|\\.)*"\})?) (-?[0-9.e+-]+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

test('/metrics counts connections, room users, messages, bytes and errors by code; /healthz and /readyz answer', async () => {
  const server = await startTestServer({ metricsRoomNames: true });
  try {
    const base = `http://127.0.0.1:${server.webPort}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const x = await openClient(server.wsPort);
    x.send({ type: 'nope' });
    assert.equal((await x.nextJson()).code, 'UNKNOWN_TYPE');
    x.send({ type: 'join', name: 'ann', room: 'lobby' });
    await x.nextJson();
    x.send({ type: 'send', to: 'all', text: 'hi' });
    await x.nextJson();
    const response = await fetch(`${base}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(await response.text());
    assert.equal(m.get('wirechat_connections'), 1);
    assert.equal(m.get('wirechat_room_users{room="lobby"}'), 1);
    assert.equal(m.get('wirechat_rooms{users="1"}'), 1);
    assert.equal(m.get('wirechat_messages_in_total'), 3);
    assert.equal(m.get('wirechat_messages_out_total'), 3);
    assert.ok(m.get('wirechat_bytes_in_total')! > 50);
    assert.equal(m.get('wirechat_errors_total{code="UNKNOWN_TYPE"}'), 1);
    assert.equal(m.get('wirechat_slow_consumer_disconnects_total'), 0);
    assert.equal(m.get('wirechat_broker_connected{broker="memory"}'), 1);
    await x.close();
  } finally {
    await server.close();
  }
});

test('/readyz is 503 while Redis is unreachable; the node still serves local clients', async () => {
  const nowhere = `redis://127.0.0.1:${await freePort()}/0`;
  const server = await startTestServer({ redis: nowhere });
  try {
    const base = `http://127.0.0.1:${server.webPort}`;
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const x = await openClient(server.wsPort);
    x.send({ type: 'login', client_name: 'ann', room_id: 1 });
    assert.equal((await x.nextJson()).type, 'login');
    x.send({ type: 'say', to_client_id: 'all', content: 'alone' });
    assert.equal((await x.nextJson()).content, 'alone');
    const m = parseMetrics(await (await fetch(`${base}/metrics`)).text());
    assert.equal(m.get('wirechat_broker_connected{broker="redis"}'), 0);
    await x.close();
  } finally {
    await server.close();
  }
});

test('TLS: wss:// and https:// on the same ports with a certificate made here; bad files are one line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-tls-'));
  try {
    const { cert, key } = writeTestCertificate(dir);
    const ca = readFileSync(cert);
    const server = await startTestServer({ tlsCert: cert, tlsKey: key });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port: server.webPort, path: '/healthz', ca }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d));
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      assert.equal(body, 'ok\n');
      const ws = new WebSocket(`wss://127.0.0.1:${server.wsPort}/`, { ca });
      const first = new Promise<string>((resolve, reject) => {
        ws.once('message', (d) => resolve(String(d)));
        ws.once('error', reject);
      });
      await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(JSON.stringify({ type: 'join', name: 'sec', room: '1' }));
      assert.equal(JSON.parse(await first).type, 'welcome');
      ws.close();
      const plain = await fetch(`http://127.0.0.1:${server.webPort}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      assert.notEqual(plain, 200, 'no plain HTTP on a TLS port');
    } finally {
      await server.close();
    }
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    const out = spawnServe(['--tls-cert', join(dir, 'junk.pem'), '--tls-key', key]);
    assert.equal(out.status, 2);
    assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
    assert.match(out.stderr, /TLS certificate .* not a usable PEM pair/);
    const missing = spawnServe(['--tls-cert', join(dir, 'missing.pem'), '--tls-key', key]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^wirechat serve: cannot read the TLS certificate .*ENOENT/);
    const half = spawnServe(['--tls-cert', cert]);
    assert.equal(half.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--allow-origin: upgrades from other origins get 403, listed origins and origin-less clients get in', async () => {
  const server = await startTestServer({ allowOrigins: ['http://chat.example'] });
  try {
    const status = (origin?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}/`, origin ? { origin } : {});
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('error', () => {});
      });
    assert.equal(await status('http://evil.example'), 403);
    assert.equal(await status('http://chat.example'), 101);
    assert.equal(await status('http://chat.example:8080'), 403);
    assert.equal(await status(), 101);
  } finally {
    await server.close();
  }
});

function spawnServe(args: string[]): { status: number | null; stderr: string } {
  try {
    execFileSync(
      process.execPath,
      [join(process.cwd(), 'bin', 'wirechat.js'), 'serve', '--ws-port', '0', '--web-port', '0', ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    return { status: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stderr: string };
    return { status: e.status, stderr: e.stderr };
  }
}
