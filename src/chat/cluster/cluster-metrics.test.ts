// /metrics of `wirechat serve --workers 2`, whichever worker answers the scrape: users on both
// workers count in their room's size bucket (from the replicated presence, the room unnamed),
// message counters are the sum over both workers, and the broker named is the IPC broker in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, type ChatClient } from '../../testing/chat/chat-client.js';
import { serveCluster } from '../../testing/chat/serve-cluster.js';

function sample(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf(' ');
    if (line.slice(0, at) === name) return Number(line.slice(at + 1));
  }
  return undefined;
}

test('cluster /metrics: room size over both workers, message counters summed over both, the ipc broker', async () => {
  const server = await serveCluster(2);
  const clients: ChatClient[] = [];
  try {
    const pids = new Set<unknown>();
    // Join until users sit on both worker processes (connections are handed out in turn).
    for (let k = 0; k < 8 && (k < 4 || pids.size < 2); k++) {
      const client = await openClient(server.wsPort, `u${k}`);
      clients.push(client);
      client.send({ type: 'join', name: `u${k}`, room: 'lobby' });
      const id = String(((await client.nextOfType('welcome')).you as { id: string }).id);
      pids.add((await server.logLine((l) => l.msg === 'login' && String(l.user) === id)).pid);
    }
    assert.equal(pids.size, 2, 'users on both workers');
    const users = clients.length;
    // Each user sends one message; once every user has received all of them, every worker has
    // counted its frames in and out.
    for (const client of clients) client.send({ type: 'send', to: 'all', text: 'hi' });
    for (const client of clients) for (let i = 0; i < users; i++) await client.nextOfType('message');

    // Several scrapes, so that both workers answer at least once whichever gets each connection.
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = await (await fetch(`http://127.0.0.1:${server.webPort}/metrics`)).text();
      assert.equal(sample(text, 'wirechat_users_in_rooms'), users, text);
      assert.equal(sample(text, 'wirechat_rooms{users="2-10"}'), 1, text);
      assert.ok(!text.includes('lobby'), 'no room name without --metrics-room-names');
      assert.equal(sample(text, 'wirechat_connections'), users, text);
      // The broker the worker really uses, and no other built beside it.
      assert.equal(sample(text, 'wirechat_broker_connected{broker="ipc"}'), 1, text);
      assert.ok(!text.includes('broker="memory"'), text);
      // In: one join and one send per user. Out, at least: each user's welcome and every message.
      assert.equal(sample(text, 'wirechat_messages_in_total'), 2 * users, text);
      assert.ok(sample(text, 'wirechat_messages_out_total')! >= users + users * users, text);
    }
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  } finally {
    server.child.kill('SIGKILL');
    for (const c of clients) c.ws.terminate();
  }
});
