// Names, rooms and texts on a real server: every refused one answered with its code in every
// dialect that carries it, nobody else seeing anything; real names and texts delivered as sent;
// "01", " 1", "1 " and full-width "１" landing in room 1 for every dialect, where a client
// already in room 1 sees them arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer, type ChatClient } from '../testing/chat/chat-client.js';
import {
  ACCEPTED_NAMES,
  ACCEPTED_TEXTS,
  REFUSED_NAMES,
  REFUSED_ROOMS,
  REFUSED_TEXTS,
} from '../testing/chat/text-cases.js';

async function answerCode(client: ChatClient, message: unknown): Promise<unknown> {
  client.send(message);
  return (await client.nextJson()).code;
}

test('refused names, rooms and texts get their code in every dialect; the room sees nothing', async () => {
  const server = await startTestServer({ rate: 100_000 });
  try {
    const observer = await openClient(server.wsPort, 'observer');
    observer.send({ type: 'join', name: 'obs', room: '1' });
    assert.equal((await observer.nextJson()).type, 'welcome');

    const stranger = await openClient(server.wsPort, 'stranger');
    for (const [name, code] of REFUSED_NAMES) {
      const shown = JSON.stringify(name);
      assert.equal(await answerCode(stranger, { type: 'login', name }), code, `seed ${shown}`);
      assert.equal(
        await answerCode(stranger, { type: 'login', client_name: name, room_id: 1 }),
        code,
        `workerman ${shown}`,
      );
      assert.equal(await answerCode(stranger, { type: 'join', name, room: '1' }), code, `native ${shown}`);
    }
    for (const [room, code] of REFUSED_ROOMS) {
      const shown = JSON.stringify(room);
      assert.equal(
        await answerCode(stranger, { type: 'login', client_name: 'x', room_id: room }),
        code,
        `workerman ${shown}`,
      );
      assert.equal(await answerCode(stranger, { type: 'join', name: 'x', room }), code, `native ${shown}`);
    }

    const workerman = await openClient(server.wsPort, 'workerman');
    workerman.send({ type: 'login', client_name: 'wm', room_id: 1 });
    assert.equal((await workerman.nextJson()).type, 'login');
    assert.equal((await observer.nextJson()).type, 'joined');
    const native = await openClient(server.wsPort, 'native');
    native.send({ type: 'join', name: 'nat', room: '1' });
    assert.equal((await native.nextJson()).type, 'welcome');
    assert.equal((await observer.nextJson()).type, 'joined');
    assert.equal((await workerman.nextJson()).type, 'login');
    for (const [text, code] of REFUSED_TEXTS) {
      const shown = JSON.stringify(text);
      const say = { type: 'say', to_client_id: 'all', content: text };
      assert.equal(await answerCode(workerman, say), code, `workerman ${shown}`);
      assert.equal(await answerCode(native, { type: 'send', to: 'all', text }), code, `native ${shown}`);
    }

    // Nothing of all that reached the room: the next thing the observer sees is this message.
    native.send({ type: 'send', to: 'all', text: 'after the refusals' });
    assert.equal((await observer.nextJson()).text, 'after the refusals');
    assert.deepEqual(stranger.pending(), []);
    await Promise.all([observer.close(), stranger.close(), workerman.close(), native.close()]);
  } finally {
    await server.close();
  }
});

test('real names and texts in many scripts reach the room as sent (names in their NFKC form)', async () => {
  const server = await startTestServer({ rate: 100_000, reconnectGrace: 0 });
  try {
    const observer = await openClient(server.wsPort, 'observer');
    observer.send({ type: 'join', name: 'obs', room: 'intl' });
    await observer.nextJson();
    for (const [name, kept] of ACCEPTED_NAMES) {
      const user = await openClient(server.wsPort, name);
      user.send({ type: 'join', name, room: 'intl' });
      const welcome = await user.nextJson();
      assert.equal((welcome.you as { name: string }).name, kept, JSON.stringify(name));
      const joined = await observer.nextJson();
      assert.equal((joined.user as { name: string }).name, kept);
      await user.close();
      assert.equal((await observer.nextJson()).type, 'left');
    }
    const speaker = await openClient(server.wsPort, 'speaker');
    speaker.send({ type: 'join', name: 'spk', room: 'intl' });
    await speaker.nextJson();
    await observer.nextJson();
    for (const text of ACCEPTED_TEXTS) {
      speaker.send({ type: 'send', to: 'all', text });
      assert.equal((await observer.nextJson()).text, text, JSON.stringify(text));
    }
    await Promise.all([observer.close(), speaker.close()]);
  } finally {
    await server.close();
  }
});

test('"01", " 1", "1 " and "１" are room 1 in every dialect: seen there, and echoed as "1"', async () => {
  const server = await startTestServer({ rate: 100_000 });
  try {
    const observer = await openClient(server.wsPort, 'observer');
    observer.send({ type: 'join', name: 'obs', room: '1' });
    assert.equal((await observer.nextJson()).room, '1');
    observer.send({ type: 'send', to: 'all', text: 'in room 1' });
    await observer.nextJson();

    const joins: [string, unknown][] = [
      ['workerman', { type: 'login', client_name: 'w1', room_id: '01' }],
      ['workerman', { type: 'login', client_name: 'w2', room_id: ' 1' }],
      ['workerman', { type: 'login', client_name: 'w3', room_id: '1 ' }],
      ['workerman', { type: 'login', client_name: 'w4', room_id: '\uff11' }],
      ['workerman', { type: 'login', client_name: 'w5', room_id: 1 }],
      ['native', { type: 'join', name: 'n1', room: '01' }],
      ['native', { type: 'join', name: 'n2', room: ' 1' }],
      ['native', { type: 'join', name: 'n3', room: '\uff10\uff11' }],
      ['seed', { type: 'login', name: 's1' }],
    ];
    const clients: ChatClient[] = [];
    for (const [dialect, join] of joins) {
      const client = await openClient(server.wsPort, dialect);
      clients.push(client);
      client.send(join);
      const first = await client.nextJson();
      if (dialect === 'native') assert.equal(first.room, '1', JSON.stringify(join));
      const joined = await observer.nextJson();
      assert.equal(joined.type, 'joined', JSON.stringify(join));
      assert.equal(joined.room, '1');
      // The room's history is room 1's, and a workerman client is told its room is "1".
      client.send({ type: 'history' });
      let history = await client.nextJson();
      while (history.type !== 'history') history = await client.nextJson();
      assert.equal(JSON.stringify(history.messages).includes('in room 1'), true, JSON.stringify(join));
      if (dialect === 'workerman') assert.equal(history.room_id, '1');
    }
    // Everyone hears one message: one room.
    observer.send({ type: 'send', to: 'all', text: 'all here?' });
    for (const client of clients) {
      let frame = await client.nextJson();
      while (frame.type !== 'say' && frame.type !== 'message') frame = await client.nextJson();
      assert.equal(frame.text ?? frame.content, 'all here?', client.label);
    }
    await Promise.all([observer.close(), ...clients.map((c) => c.close())]);
  } finally {
    await server.close();
  }
});
