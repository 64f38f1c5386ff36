// What one process lets a peer hold, on a real server with short configured limits: a connection
// that does not log in in time is closed with 4408 (also one whose ws library answers pings), one
// that logs in stays; past the connection cap the next upgrade and the next web request get 503,
// one warning line is logged, /metrics shows it, and once a connection closes new ones get in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createChatServer } from '../server.js';
import { openClient, startTestServer } from '../../testing/chat/chat-client.js';
import { until } from '../../testing/chat/node-process.js';
import { rawRequest as raw } from '../../testing/chat/raw-request.js';

test('a connection that does not log in within the login timeout is closed with 4408; one that logs in stays', async () => {
  const server = await startTestServer({ loginTimeout: 0.4, pingInterval: 0.1, idleTimeout: 30 });
  try {
    const silent = await openClient(server.wsPort, 'silent');
    // Its ws library answers every WebSocket ping with a pong: activity, but no login.
    const ponging = await openClient(server.wsPort, 'ponging');
    let pings = 0;
    ponging.ws.on('ping', () => pings++);
    const user = await openClient(server.wsPort, 'user');
    user.send({ type: 'login', client_name: 'ann', room_id: 1 });
    assert.equal((await user.nextJson()).type, 'login');

    for (const client of [silent, ponging]) {
      const closed = await client.closed;
      assert.equal(closed.code, 4408);
      assert.equal(closed.reason, 'login timeout');
      assert.equal((await client.nextJson()).code, 'LOGIN_TIMEOUT');
    }
    assert.ok(pings > 0, 'the ponging client was pinged and answered');
    // Well past the timeout the logged-in user is still there and still chatting.
    await new Promise((r) => setTimeout(r, 500));
    user.send({ type: 'say', to_client_id: 'all', content: 'still here' });
    assert.equal((await user.nextOfType('say')).content, 'still here');
    await user.close();
  } finally {
    await server.close();
  }
});

test('past the connection cap upgrades and web requests get 503, logged once, counted in /metrics; a close lets the next in', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await createChatServer(
    { host: '127.0.0.1', wsPort: 0, webPort: 0, maxConnections: 3 },
    pino({ level: 'info' }, sink),
  );
  try {
    const clients = [
      await openClient(server.wsPort, 'c1'),
      await openClient(server.wsPort, 'c2'),
      await openClient(server.wsPort, 'c3'),
    ];
    assert.deepEqual(await raw(server.wsPort, '/', true), { status: 503, code: 'SERVER_FULL' });
    assert.equal((await raw(server.wsPort, '/', true)).status, 503);
    assert.equal((await raw(server.webPort, '/config.json', false)).status, 503);
    const full = () => lines.filter((l) => l.msg?.toString().startsWith('connection cap reached'));
    assert.equal(full().length, 1, 'one warning line, not one per refusal');
    assert.equal(full()[0]!.code, 'SERVER_FULL');

    await clients[0]!.close();
    await until(() => lines.some((l) => l.msg === 'connections back under the cap'), 'back under the cap');
    const next = await openClient(server.wsPort, 'next');
    await clients[1]!.close();
    await until(async () => (await raw(server.webPort, '/healthz', false)).status === 200, 'a free place');
    const metrics = await (await fetch(`http://127.0.0.1:${server.webPort}/metrics`)).text();
    assert.match(metrics, /^wirechat_open_sockets_cap 3$/m);
    // Two upgrades and a web request (and any check above that came too early).
    const refused = /^wirechat_connections_refused_total\{code="SERVER_FULL"\} (\d+)$/m.exec(metrics);
    assert.ok(Number(refused?.[1]) >= 3, `refusals counted on both ports: ${refused?.[1]}`);
    assert.match(metrics, /^wirechat_open_sockets 3$/m, 'c3, next and this scrape');
    await Promise.all([clients[2]!.close(), next.close()]);
  } finally {
    await server.close();
  }
});
