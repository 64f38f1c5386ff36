// Typing notices in wirechat's dialect: passed to the room's other page users, throttled per user,
// never to the typist and never to workerman or seed clients (their dialects have no such frame).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

test('typing reaches the other page users once per interval, never the typist or workerman clients', async () => {
  const server = await startTestServer();
  try {
    const ann = await openClient(server.wsPort, 'ann');
    ann.send({ type: 'join', name: 'ann', room: 't' });
    const you = (await ann.nextJson()).you;
    const wm = await openClient(server.wsPort, 'wm');
    wm.send({ type: 'login', client_name: 'wes', room_id: 't' });
    await wm.nextJson();
    const bob = await openClient(server.wsPort, 'bob');
    bob.send({ type: 'join', name: 'bob', room: 't' });
    await bob.nextJson();
    await ann.nextJson(); // wes joined
    await ann.nextJson(); // bob joined
    await wm.nextJson(); // bob joined

    for (let i = 0; i < 5; i++) ann.send({ type: 'typing' });
    ann.send({ type: 'send', to: 'all', text: 'done typing' });
    const typing = await bob.nextJson();
    assert.deepEqual([typing.type, typing.user], ['typing', you]);
    const next = await bob.nextJson();
    assert.equal(next.text, 'done typing', 'five notices at once pass as one');
    assert.equal((await wm.nextJson()).content, 'done typing', 'workerman clients get no typing frame');
    assert.equal((await ann.nextJson()).text, 'done typing', 'the typist gets no typing frame');
    for (const c of [ann, wm, bob]) await c.close();
  } finally {
    await server.close();
  }
});
