// `wirechat tap` whose stdout nobody reads: the relay slows down instead of the tap buffering the
// view, Ctrl-C still stops it at once, and once stdout is read everything arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { wirechatBin } from '../shared/paths.js';
import { freePort } from '../shared/free-port.js';

const MESSAGE = 256 * 1024;
const MESSAGES = 64; // 16 MiB from the client
/** What may pass the tap while its stdout is unread: its small output buffer, a pipe, a few chunks. */
const RELAYED_BOUND = 4 * 1024 * 1024;

interface Setup {
  tap: ChildProcessByStdio<null, Readable, Readable>;
  stderr: () => string;
  client: WebSocket;
  received: () => number;
  messages: () => number;
  close: () => Promise<void>;
}

/** A real ws server, a tap in front of it whose stdout is never read, a client sending 16 MiB. */
async function stalledTap(): Promise<Setup> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  let received = 0;
  let messages = 0;
  server.on('connection', (ws) =>
    ws.on('message', (data: Buffer) => {
      received += data.length;
      messages++;
    }),
  );
  await once(server, 'listening');
  const upstream = (server.address() as { port: number }).port;
  const listen = await freePort();
  const tap = spawn(
    process.execPath,
    [
      wirechatBin,
      'tap',
      '--listen',
      `127.0.0.1:${listen}`,
      '--upstream',
      `127.0.0.1:${upstream}`,
      '-A',
      '--output-buffer',
      '65536',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // stdout is deliberately left unread: the pipe fills and the tap's writes stall.
  let stderr = '';
  tap.stderr.setEncoding('utf8');
  tap.stderr.on('data', (s: string) => (stderr += s));
  for (let i = 0; i < 500 && !/listening on/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(stderr, /listening on/);
  const client = new WebSocket(`ws://127.0.0.1:${listen}/`, { perMessageDeflate: false });
  await once(client, 'open');
  const payload = Buffer.alloc(MESSAGE, 'x');
  for (let i = 0; i < MESSAGES; i++) client.send(payload);
  return {
    tap,
    stderr: () => stderr,
    client,
    received: () => received,
    messages: () => messages,
    async close() {
      tap.kill('SIGKILL');
      client.terminate();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Waits (a limit, not a timing) until the relayed byte count stops moving. */
async function settled(count: () => number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 40 && count() !== last; i++) {
    last = count();
    await new Promise((r) => setTimeout(r, 250));
  }
  return count();
}

const exitWithin = (child: Setup['tap'], ms: number): Promise<number | 'still running'> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 128));
    });
  });

test('tap: an unread stdout throttles the relay (the client stalls), then everything arrives once read', async () => {
  const s = await stalledTap();
  try {
    const relayed = await settled(s.received);
    assert.ok(relayed < RELAYED_BOUND, `${relayed} bytes relayed while stdout was unread`);
    // The client's sends wait on its side of the TCP connection, not in the tap.
    assert.ok(s.client.bufferedAmount > 0, 'the client could send everything');

    let out = 0;
    s.tap.stdout.on('data', (d: Buffer) => (out += d.length));
    for (let i = 0; i < 400 && s.messages() < MESSAGES; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(s.messages(), MESSAGES);
    assert.equal(s.received(), MESSAGES * MESSAGE);
    s.tap.kill('SIGINT');
    assert.equal(await exitWithin(s.tap, 10_000), 0, s.stderr());
    assert.match(s.stderr(), new RegExp(`messages: ${MESSAGES} from clients`));
    assert.ok(out > MESSAGES * MESSAGE, `only ${out} bytes of view`);
  } finally {
    await s.close();
  }
});

test('tap: the first SIGINT stops it while stdout is blocked; a second exits at once', async () => {
  const first = await stalledTap();
  try {
    await settled(first.received);
    first.tap.kill('SIGINT');
    assert.equal(await exitWithin(first.tap, 5000), 0, first.stderr());
    assert.match(first.stderr(), /summary: \d+ packets/);
  } finally {
    await first.close();
  }

  const second = await stalledTap();
  try {
    await settled(second.received);
    second.tap.kill('SIGINT');
    // The first stop gives the stuck output a second to drain; a second Ctrl-C does not wait.
    await new Promise((r) => setTimeout(r, 100));
    second.tap.kill('SIGINT');
    assert.equal(await exitWithin(second.tap, 900), 130, second.stderr());
  } finally {
    await second.close();
  }
});
