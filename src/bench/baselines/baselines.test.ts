// The baseline servers speak enough chat for the bench: a login is acknowledged, a say reaches
// everyone in the sender's dialect; hostile bytes never take the server down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startNaiveServer } from './naive-ws-server.js';
import { startLimitServer } from './limit-server.js';
import type { BaselineServer } from './baseline-chat.js';

async function client(
  port: number,
  login: object,
): Promise<{ ws: WebSocket; inbox: unknown[]; ack: unknown }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const inbox: unknown[] = [];
  ws.on('message', (data) => inbox.push(JSON.parse(data.toString())));
  await once(ws, 'open');
  ws.send(JSON.stringify(login));
  while (inbox.length === 0) await once(ws, 'message');
  return { ws, inbox, ack: inbox.shift() };
}

async function waitFor(inbox: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 500 && inbox.length < n; i++) await new Promise((r) => setTimeout(r, 10));
}

const servers: Array<[string, (o: { host: string; port: number }) => Promise<BaselineServer>]> = [
  ['naive', startNaiveServer],
  ['limit', startLimitServer],
];

for (const [name, start] of servers) {
  test(`${name}: login acknowledged, say broadcast to everyone in each one's dialect`, async () => {
    const server = await start({ host: '127.0.0.1', port: 0 });
    try {
      const seed = await client(server.port, { type: 'login', name: 'ann' });
      const wm = await client(server.port, { type: 'login', client_name: 'bob', room_id: 1 });
      assert.deepEqual(Object.keys(seed.ack as object).slice(0, 3), ['type', 'uid', 'name']);
      assert.equal((wm.ack as { client_name: string }).client_name, 'bob');
      wm.ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content: 'hi' }));
      await waitFor(seed.inbox, 1);
      await waitFor(wm.inbox, 1);
      assert.equal((seed.inbox[0] as { to_uid: string; content: string }).content, 'hi');
      assert.equal((seed.inbox[0] as { to_uid: string }).to_uid, 'all');
      assert.equal((wm.inbox[0] as { from_client_name: string }).from_client_name, 'bob');
      seed.ws.close();
      wm.ws.close();
    } finally {
      await server.close();
    }
  });
}

test('limit: garbage, a bad handshake and an oversized frame do not stop it serving others', async () => {
  const server = await startLimitServer({ host: '127.0.0.1', port: 0 });
  try {
    const hostile = async (bytes: Buffer): Promise<void> => {
      const s = connect(server.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('data', () => {});
      await once(s, 'connect');
      s.write(bytes);
      await once(s, 'close');
    };
    await hostile(Buffer.from('NOT HTTP\r\n\r\n'));
    await hostile(Buffer.alloc(20_000, 'A'));
    const upgrade =
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    // A masked text frame announcing 2^40 bytes.
    await hostile(
      Buffer.concat([Buffer.from(upgrade), Buffer.from([0x81, 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4])]),
    );
    const ok = await client(server.port, { type: 'login', name: 'still-here' });
    assert.equal((ok.ack as { name: string }).name, 'still-here');
    ok.ws.close();
  } finally {
    await server.close();
  }
});
