// Seed, workerman and native users in room 1 see each other, each in their own dialect, and
// private messages cross dialects. Also the native dialect's history and resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

test('seed, workerman and native users in room 1 see each other, each in their own dialect', async () => {
  const server = await startTestServer({ reconnectGrace: 0 });
  try {
    const seed = await openClient(server.wsPort, 'seed');
    seed.send({ type: 'login', name: '猪猪' });
    const list = await seed.nextJson();
    const sId = (list.user_list as { uid: number }[])[0]!.uid;
    assert.equal(typeof sId, 'number');
    assert.equal((await seed.nextJson()).uid, sId);

    const wm = await openClient(server.wsPort, 'workerman');
    wm.send({ type: 'login', client_name: 'wally', room_id: 1 });
    const wWelcome = await wm.nextJson();
    const wId = wWelcome.client_id as string;
    assert.deepEqual(wWelcome.client_list, { [String(sId)]: '猪猪', [wId]: 'wally' });
    assert.equal(await seed.next(), `{"type":"login","uid":${wId},"name":"wally","time":"${wWelcome.time}"}`);

    const nat = await openClient(server.wsPort, 'native');
    nat.send({ type: 'join', name: 'nina', room: '1' });
    const welcome = await nat.nextJson();
    const nId = (welcome.you as { id: string }).id;
    assert.deepEqual(welcome.users, [
      { id: String(sId), name: '猪猪' },
      { id: wId, name: 'wally' },
      { id: nId, name: 'nina' },
    ]);
    assert.deepEqual(Object.keys(welcome), ['type', 'you', 'room', 'users', 'ts', 'session', 'grace']);
    assert.equal((await seed.nextJson()).uid, Number(nId));
    assert.equal((await wm.nextJson()).client_id, nId);

    // A public message from the native user: plain text for the page, escaped for the originals.
    nat.send({ type: 'send', to: 'all', text: 'hi <b>all</b>' });
    const mine = await nat.nextJson();
    assert.deepEqual(Object.keys(mine), ['type', 'id', 'room', 'from', 'to', 'text', 'ts']);
    assert.equal(mine.text, 'hi <b>all</b>');
    assert.match(mine.id as string, /^\d+-\d+$/);
    const sSaid = await seed.nextJson();
    assert.deepEqual(Object.keys(sSaid), ['type', 'from_uid', 'to_uid', 'content', 'time']);
    assert.equal(sSaid.from_uid, Number(nId));
    assert.equal(sSaid.to_uid, 'all');
    assert.equal(sSaid.content, 'hi &lt;b&gt;all&lt;/b&gt;');
    const wSaid = await wm.nextJson();
    assert.equal(wSaid.from_client_name, 'nina');
    assert.equal(wSaid.content, 'hi &lt;b&gt;all&lt;/b&gt;');

    // workerman → seed, privately: the seed user gets a seed `say`, the sender its own copy.
    wm.send({ type: 'say', to_client_id: String(sId), to_client_name: 'ignored', content: 'to you' });
    const toSeed = await seed.nextJson();
    assert.equal(toSeed.from_uid, Number(wId));
    assert.equal(toSeed.to_uid, sId);
    assert.equal(toSeed.content, 'to you');
    assert.equal((await wm.nextJson()).content, '<b>你对猪猪说: </b>to you');

    // seed → native, privately (a uid given as a number): no copy for the seed sender, as in the original.
    seed.send({ type: 'say', to_uid: Number(nId), content: 'psst' });
    const toNative = await nat.nextJson();
    assert.equal(toNative.private, true);
    assert.deepEqual(toNative.from, { id: String(sId), name: '猪猪' });
    assert.deepEqual(toNative.to, { id: nId, name: 'nina' });
    assert.equal(toNative.text, 'psst');

    // native → workerman, privately: the target's frame, then the sender's copy.
    nat.send({ type: 'send', to: wId, text: 'and you' });
    assert.equal((await wm.nextJson()).content, '<b>对你说: </b>and you');
    assert.equal((await nat.nextJson()).text, 'and you');

    nat.send({ type: 'history', limit: 10 });
    const history = await nat.nextJson();
    assert.equal(history.complete, true);
    assert.deepEqual(
      (history.messages as { text: string }[]).map((m) => m.text),
      ['hi <b>all</b>'],
      'private messages stay out of the room history',
    );

    await nat.close();
    const gone = await seed.nextJson();
    assert.deepEqual(Object.keys(gone), ['type', 'uid', 'time']);
    assert.equal(gone.uid, Number(nId));
    const wGone = await wm.nextJson();
    assert.equal(wGone.type, 'logout');
    assert.equal(wGone.from_client_id, nId);
    await Promise.all([seed.close(), wm.close()]);
  } finally {
    await server.close();
  }
});

test('a native client that comes back with its last message id gets exactly what it missed', async () => {
  const server = await startTestServer({ reconnectGrace: 0 });
  try {
    const talker = await openClient(server.wsPort, 'talker');
    talker.send({ type: 'join', name: 'tom', room: 'r' });
    await talker.nextJson();
    const reader = await openClient(server.wsPort, 'reader');
    reader.send({ type: 'join', name: 'rae', room: 'r' });
    await reader.nextJson();
    await talker.nextJson(); // joined
    talker.send({ type: 'send', to: 'all', text: 'one' });
    const one = await reader.nextJson();
    await reader.close();
    await talker.nextOfType('message');
    await talker.nextOfType('left');
    for (const text of ['two', 'three']) {
      talker.send({ type: 'send', to: 'all', text });
      await talker.nextOfType('message');
    }
    const back = await openClient(server.wsPort, 'back');
    back.send({ type: 'join', name: 'rae', room: 'r', after: one.id });
    assert.equal((await back.nextJson()).type, 'welcome');
    const missed = await back.nextJson();
    assert.equal(missed.type, 'history');
    assert.equal(missed.complete, true);
    assert.deepEqual(
      (missed.messages as { text: string }[]).map((m) => m.text),
      ['two', 'three'],
    );

    const lost = await openClient(server.wsPort, 'lost');
    lost.send({ type: 'join', name: 'lou', room: 'r', after: 'nonsense' });
    await lost.nextJson();
    const recent = await lost.nextJson();
    assert.equal(recent.complete, false);
    assert.equal((recent.messages as unknown[]).length, 3);
    await Promise.all([talker.close(), back.close(), lost.close()]);
  } finally {
    await server.close();
  }
});
