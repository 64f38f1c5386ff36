// History in the two workerman dialects: sent only when a client asks with
// {"type":"history"}, each entry exactly the `say` frame that dialect received live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

test('seed and workerman clients get the recent public messages on request, as their live frames', async () => {
  const server = await startTestServer();
  try {
    const seed = await openClient(server.wsPort, 'seed');
    seed.send({ type: 'login', name: 'mynick' });
    await seed.nextOfType('login');
    const wm = await openClient(server.wsPort, 'workerman');
    wm.send({ type: 'login', client_name: 'alice', room_id: 1 });
    await wm.nextOfType('login'); // its welcome (with client_list)
    await seed.nextOfType('login'); // alice's login, seen by the seed user

    seed.send({ type: 'say', to_uid: 'all', content: 'hi, all !' });
    wm.send({ type: 'say', to_client_id: 'all', to_client_name: 'all', content: '<b>bold</b>' });
    const liveSeed = [await seed.next(), await seed.next()];
    const liveWm = [await wm.next(), await wm.next()];

    seed.send({ type: 'history' });
    const seedHistory = await seed.nextJson();
    assert.equal(seedHistory.type, 'history');
    assert.equal(seedHistory.complete, true);
    assert.deepEqual(
      (seedHistory.messages as unknown[]).map((m) => JSON.stringify(m)),
      liveSeed.map((frame) => JSON.stringify(JSON.parse(frame))),
    );

    wm.send({ type: 'history', limit: 1 });
    const wmHistory = await wm.nextJson();
    assert.equal(wmHistory.type, 'history');
    assert.equal(wmHistory.room_id, '1');
    assert.deepEqual(wmHistory.messages, [JSON.parse(liveWm[1]!)]);
    assert.equal((wmHistory.messages as Array<{ content: string }>)[0]!.content, '&lt;b&gt;bold&lt;/b&gt;');

    wm.send({ type: 'history', limit: 0 });
    assert.equal((await wm.nextJson()).code, 'INVALID_FIELD');
    assert.deepEqual(seed.pending(), [], 'nobody else saw anything');
    await seed.close();
    await wm.close();
  } finally {
    await server.close();
  }
});
