// Heartbeat and eviction with short intervals (ping 0.2 s, idle 0.6 s): silent connections are
// pinged, then closed with their logout broadcast; answering ones stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

test('a silent client is pinged, then evicted with a logout; a client that answers stays', async () => {
  const server = await startTestServer({ pingInterval: 0.2, idleTimeout: 0.6 });
  try {
    // The observer's ws library answers WebSocket pings by itself, which counts as activity.
    const observer = await openClient(server.wsPort, 'observer');
    observer.send({ type: 'join', name: 'obs', room: '1' });
    await observer.nextJson();

    // Neither answers WebSocket pings; only `answering` replies to the JSON pings.
    const silent = await openClient(server.wsPort, 'silent', { autoPong: false });
    silent.send({ type: 'login', client_name: 'quiet', room_id: 1 });
    const silentId = (await silent.nextJson()).client_id;
    const answering = await openClient(server.wsPort, 'answering', { autoPong: false });
    answering.send({ type: 'login', client_name: 'alive', room_id: 1 });
    const answeringId = (await answering.nextJson()).client_id;
    answering.ws.on('message', (data) => {
      if (String(data) === '{"type":"ping"}') answering.send({ type: 'pong' });
    });

    assert.deepEqual(await silent.nextOfType('ping'), { type: 'ping' });
    const closed = await silent.closed;
    assert.equal(closed.code, 1001);
    assert.equal(closed.reason, 'idle timeout');

    const joined = [await observer.nextOfType('joined'), await observer.nextOfType('joined')];
    assert.deepEqual(
      joined.map((j) => (j.user as { id: string }).id),
      [silentId, answeringId],
    );
    const left = await observer.nextOfType('left');
    assert.equal((left.user as { id: string }).id, silentId);

    // Two more ping rounds later the answering client is still there, and nobody else left.
    await answering.nextOfType('ping');
    await answering.nextOfType('ping');
    await answering.nextOfType('ping');
    assert.equal(answering.ws.readyState, answering.ws.OPEN);
    answering.send({ type: 'say', to_client_id: 'all', content: 'still alive' });
    const next = await observer.nextOfType('message');
    assert.equal(next.text, 'still alive');
    assert.ok(
      !observer.received.slice(0, -1).some((f) => f.includes('"left"') && f.includes(answeringId as string)),
    );
    await Promise.all([observer.close(), answering.close()]);
  } finally {
    await server.close();
  }
});
