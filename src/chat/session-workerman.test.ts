// Today's workerman-chat dialect: the recorded session of the original (alice, bob, a private
// message, bob leaves) replayed and compared frame by frame, then rooms and moving between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';
import { htmlSpecialChars } from './protocol/html.js';
import { replayFixtureSession } from '../testing/chat/fixture-session.js';

test('the current dialect session gets the original frames, in order, key order included', async () => {
  await replayFixtureSession('workerman-current-session.frames.txt', {
    checkFrame: (frame) => {
      for (const [, id] of frame.matchAll(/"(?:from_)?client_id":"(\w+)"/g)) {
        if (id !== 'all') assert.match(id!, /^\d{16}$/);
      }
    },
  });
});

async function login(port: number, name: string, room: number | string) {
  const client = await openClient(port, name);
  client.send({ type: 'login', client_name: name, room_id: room });
  const welcome = await client.nextJson();
  assert.equal(welcome.type, 'login');
  assert.equal(welcome.client_name, htmlSpecialChars(name));
  return { client, id: welcome.client_id as string, welcome };
}

test('rooms are separate, 1 and "1" are one room, and a second login moves the user', async () => {
  const server = await startTestServer();
  try {
    const a = await login(server.wsPort, 'ann', 1);
    const b = await login(server.wsPort, 'ben', '1');
    assert.deepEqual(b.welcome.client_list, { [a.id]: 'ann', [b.id]: 'ben' });
    assert.equal((await a.client.nextJson()).client_id, b.id);
    const c = await login(server.wsPort, 'cat', 'lobby');
    assert.deepEqual(c.welcome.client_list, { [c.id]: 'cat' });

    // Private messages stay within the room.
    c.client.send({ type: 'say', to_client_id: a.id, content: 'psst' });
    assert.equal((await c.client.nextJson()).code, 'UNKNOWN_TARGET');

    // ben moves to the lobby: room 1 sees him leave, the lobby sees him arrive, he gets the lobby's list.
    b.client.send({ type: 'login', client_name: 'ben', room_id: 'lobby' });
    const left = await a.client.nextJson();
    assert.deepEqual(Object.keys(left), ['type', 'from_client_id', 'from_client_name', 'time']);
    assert.equal(left.type, 'logout');
    assert.equal(left.from_client_id, b.id);
    const moved = await b.client.nextJson();
    assert.equal(moved.client_id, b.id, 'the id survives the move');
    assert.deepEqual(moved.client_list, { [c.id]: 'cat', [b.id]: 'ben' });
    assert.equal((await c.client.nextJson()).client_id, b.id);

    // Messages reach only the room.
    b.client.send({ type: 'say', to_client_id: 'all', content: 'hello lobby' });
    assert.equal((await b.client.nextJson()).content, 'hello lobby');
    assert.equal((await c.client.nextJson()).content, 'hello lobby');
    a.client.send({ type: 'say', to_client_id: 'all', content: 'alone in 1' });
    assert.equal((await a.client.nextJson()).content, 'alone in 1');
    assert.deepEqual(b.client.pending(), []);
    assert.deepEqual(c.client.pending(), []);
    await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
  } finally {
    await server.close();
  }
});

test('names and content are HTML-escaped exactly once, the client_list in join order', async () => {
  const server = await startTestServer();
  try {
    const ids: string[] = [];
    const clients = [];
    for (const name of ['zed', '<i>x</i>', 'amy']) {
      const { client, id } = await login(server.wsPort, name, 7);
      ids.push(id);
      clients.push(client);
    }
    const last = clients[2]!.received[0]!;
    // Hand-written so numeric-looking keys keep the join order (a JS object would sort them).
    assert.ok(
      last.includes(`{"${ids[0]}":"zed","${ids[1]}":"&lt;i&gt;x&lt;\\/i&gt;","${ids[2]}":"amy"}`),
      last,
    );
    clients[0]!.send({ type: 'say', to_client_id: 'all', content: '<script>&' });
    const said = await clients[0]!.nextOfType('say');
    assert.equal(said.content, '&lt;script&gt;&amp;');
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await server.close();
  }
});
