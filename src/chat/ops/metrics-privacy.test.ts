// /metrics that gives nothing away, on a real server: rooms counted by size and never named by
// default (named with --metrics-room-names), the token (401 without it, 200 with it), and the
// scrape's cost bounded: concurrent scrapes share one render, a cached text within the interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openClient, startTestServer, type ChatClient } from '../../testing/chat/chat-client.js';

const SECRET = 'secret-deal-room-2024';
const TOKEN = 'k3y-0f-at-least-16-chars';

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function joinRoom(port: number, name: string, room: string): Promise<ChatClient> {
  const client = await openClient(port, name);
  client.send({ type: 'join', name, room });
  assert.equal((await client.nextJson()).type, 'welcome');
  return client;
}

test('/metrics counts rooms by size and names none by default; --metrics-room-names names them', async () => {
  for (const roomNames of [false, true]) {
    const server = await startTestServer({ metricsRoomNames: roomNames });
    const clients: ChatClient[] = [];
    try {
      clients.push(await joinRoom(server.wsPort, 'a', SECRET), await joinRoom(server.wsPort, 'b', SECRET));
      clients.push(await joinRoom(server.wsPort, 'c', 'another-private-room'));
      const text = await (await fetch(`http://127.0.0.1:${server.webPort}/metrics`)).text();
      assert.equal(sample(text, 'wirechat_rooms{users="1"}'), 1, text);
      assert.equal(sample(text, 'wirechat_rooms{users="2-10"}'), 1, text);
      assert.equal(sample(text, 'wirechat_rooms{users="11-100"}'), 0, text);
      assert.equal(sample(text, 'wirechat_rooms{users="101+"}'), 0, text);
      assert.equal(sample(text, 'wirechat_rooms_occupied'), 2, text);
      assert.equal(sample(text, 'wirechat_users_in_rooms'), 3, text);
      if (roomNames) {
        assert.equal(sample(text, `wirechat_room_users{room="${SECRET}"}`), 2, text);
      } else {
        assert.ok(!text.includes(SECRET) && !text.includes('another-private-room'), text);
        assert.ok(!text.includes('room='), text);
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    }
  }
});

test('--metrics-token: 401 without the bearer token or with a wrong one, 200 with it', async () => {
  const server = await startTestServer({ metricsToken: TOKEN });
  try {
    const url = `http://127.0.0.1:${server.webPort}/metrics`;
    const none = await fetch(url);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.ok(!(await none.text()).includes('wirechat_'), 'nothing of the metrics without the token');
    for (const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer ',
      TOKEN,
      `Basic ${TOKEN}`,
    ]) {
      assert.equal((await fetch(url, { headers: { authorization } })).status, 401, authorization);
    }
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /^wirechat_connections 0$/m);
    assert.equal((await fetch(url, { headers: { authorization: `bearer ${TOKEN}` } })).status, 200);
    // The token guards /metrics only.
    assert.equal((await fetch(`http://127.0.0.1:${server.webPort}/healthz`)).status, 200);
  } finally {
    await server.close();
  }
});

test('concurrent scrapes share one render; within the interval the rendered text is served again', async () => {
  const cached = await startTestServer({ metricsMinInterval: 3600 });
  try {
    const url = `http://127.0.0.1:${cached.webPort}/metrics`;
    const bodies = await Promise.all(Array.from({ length: 24 }, () => fetch(url).then((r) => r.text())));
    for (const body of bodies) assert.equal(sample(body, 'wirechat_metrics_renders_total'), 1, body);
    assert.equal(new Set(bodies).size, 1);
    // A user arrives; within the interval the scrape still shows the one render, without them.
    const client = await joinRoom(cached.wsPort, 'late', 'r');
    const again = await (await fetch(url)).text();
    assert.equal(sample(again, 'wirechat_metrics_renders_total'), 1);
    assert.equal(sample(again, 'wirechat_users_in_rooms'), 0);
    await client.close();
  } finally {
    await cached.close();
  }
  // With no interval, each scrape after the last one finished renders anew: the counter counts.
  const fresh = await startTestServer({ metricsMinInterval: 0 });
  try {
    const url = `http://127.0.0.1:${fresh.webPort}/metrics`;
    for (let n = 1; n <= 3; n++) {
      assert.equal(sample(await (await fetch(url)).text(), 'wirechat_metrics_renders_total'), n);
    }
  } finally {
    await fresh.close();
  }
});

test('a --metrics-token no scraper could send stops start-up with one line, exit 2', () => {
  for (const token of ['short', 'has space in it 1234567', 'quote"in-it-1234567890']) {
    let status: number | null = 0;
    let stderr = '';
    try {
      execFileSync(
        process.execPath,
        [join(process.cwd(), 'bin', 'wirechat.js'), 'serve', '--ws-port', '0', '--web-port', '0'],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          encoding: 'utf8',
          timeout: 20_000,
          env: { ...process.env, WIRECHAT_METRICS_TOKEN: token },
        },
      );
    } catch (err) {
      ({ status, stderr } = err as { status: number | null; stderr: string });
    }
    assert.equal(status, 2, token);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /--metrics-token/);
  }
});
