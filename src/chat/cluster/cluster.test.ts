// `wirechat serve --workers 2` as a user runs it: users land on both workers (the logs say which
// process holds each login), see each other in their user lists, and every public message reaches
// every user exactly once and in order per sender; history and private messages cross workers; a worker that
// dies is announced (its users leave) and replaced; SIGTERM closes every client with 1001, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, type ChatClient } from '../../testing/chat/chat-client.js';
import { serveCluster, type Json } from '../../testing/chat/serve-cluster.js';

async function join_(
  port: number,
  name: string,
): Promise<{ client: ChatClient; id: string; users: string[] }> {
  const client = await openClient(port, name);
  client.send({ type: 'join', name, room: 'r' });
  const welcome = await client.nextOfType('welcome');
  const users = (welcome.users as { id: string }[]).map((u) => u.id);
  return { client, id: (welcome.you as { id: string }).id, users };
}

test('two workers: user lists, exactly-once in-order delivery per sender, private messages, 1001 on SIGTERM', async () => {
  const server = await serveCluster(2);
  const clients: ChatClient[] = [];
  try {
    const users: { client: ChatClient; id: string }[] = [];
    for (let k = 0; k < 6; k++) {
      const user = await join_(server.wsPort, `u${k}`);
      clients.push(user.client);
      // Each earlier user hears the join; once they all have, both workers know the newcomer.
      for (const earlier of users)
        assert.equal(((await earlier.client.nextOfType('joined')).user as Json).id, user.id);
      users.push(user);
    }
    // The users are spread over both worker processes, and unique.
    const pids = new Set<unknown>();
    for (const { id } of users)
      pids.add((await server.logLine((l) => l.msg === 'login' && String(l.user) === id)).pid);
    assert.equal(pids.size, 2, 'logins on two processes');
    assert.equal(new Set(users.map((u) => u.id)).size, 6);

    const late = await join_(server.wsPort, 'late');
    clients.push(late.client);
    assert.deepEqual(
      [...late.users].sort(),
      [...users.map((u) => u.id), late.id].sort(),
      'everyone, wherever they are',
    );
    for (const { client } of users) await client.nextOfType('joined');

    const PER_SENDER = 100;
    for (let i = 0; i < PER_SENDER; i++) {
      for (const [k, { client }] of users.entries())
        client.send({ type: 'send', to: 'all', text: `${k}:${i}` });
    }
    for (const { client } of users) client.send({ type: 'send', to: 'all', text: 'end' });
    for (const [r, { client }] of [...users, late].entries()) {
      const next = new Map<string, number>(); // sender id → next expected number
      let ends = 0;
      while (ends < users.length) {
        const message = await client.nextOfType('message');
        const from = (message.from as { id: string }).id;
        const text = message.text as string;
        if (text === 'end') {
          ends++;
          assert.equal(next.get(from), PER_SENDER, `receiver ${r}: all of ${from} before its end`);
          continue;
        }
        const expected = next.get(from) ?? 0;
        assert.equal(Number(text.split(':')[1]), expected, `receiver ${r}: ${from} in order, once`);
        next.set(from, expected + 1);
      }
      assert.equal(next.size, users.length);
    }

    const pidOf = async (id: string) =>
      (await server.logLine((l) => l.msg === 'login' && String(l.user) === id)).pid;
    // A private message between users held by different processes.
    const a = users[0]!;
    let b = users[1]!;
    for (const u of users) if ((await pidOf(u.id)) !== (await pidOf(a.id))) b = u;
    a.client.send({ type: 'send', to: b.id, text: 'just you' });
    const got = await b.client.nextOfType('message');
    assert.deepEqual([got.text, got.private, (got.from as Json).id], ['just you', true, a.id]);

    // Every worker keeps the room's history, whoever sent and wherever: one more message from
    // each user, then the last six of the history (asked on whichever worker holds 'late') are
    // those six, by increasing id, from senders on both processes.
    for (const [k, { client }] of users.entries()) client.send({ type: 'send', to: 'all', text: `h${k}` });
    for (let k = 0; k < users.length; k++) await late.client.nextOfType('message');
    late.client.send({ type: 'history', limit: users.length });
    const history = (await late.client.nextOfType('history')).messages as Json[];
    assert.deepEqual(
      history.map((m) => m.text as string).sort(),
      users.map((_, k) => `h${k}`),
    );
    const key = (id: string) => id.split('-').map(Number) as [number, number];
    for (let i = 1; i < history.length; i++) {
      const [a, b] = [key(history[i - 1]!.id as string), key(history[i]!.id as string)];
      assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]), 'ids increase');
    }
    const senderPids = new Set<unknown>();
    for (const m of history) senderPids.add(await pidOf((m.from as Json).id as string));
    assert.equal(senderPids.size, 2, 'kept from both processes');

    server.child.kill('SIGTERM');
    for (const client of clients) assert.equal((await client.closed).code, 1001);
    assert.equal(await server.exited, 0);
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('a worker that dies: its users leave for everyone else, and a new worker takes its place', async () => {
  const server = await serveCluster(2);
  const clients: ChatClient[] = [];
  try {
    const first = await join_(server.wsPort, 'first');
    clients.push(first.client);
    const firstPid = (await server.logLine((l) => l.msg === 'login' && String(l.user) === first.id)).pid;
    // Join until someone lands on the other worker.
    let other: { client: ChatClient; id: string } | undefined;
    for (let k = 0; k < 6 && !other; k++) {
      const user = await join_(server.wsPort, `u${k}`);
      clients.push(user.client);
      const pid = (await server.logLine((l) => l.msg === 'login' && String(l.user) === user.id)).pid;
      if (pid !== firstPid) other = user;
    }
    assert.ok(other, 'someone landed on the second worker');
    process.kill(firstPid as number, 'SIGKILL');
    const left = await other.client.nextOfType('left');
    assert.equal((left.user as Json).id, first.id);
    await server.logLine((l) => l.msg === 'worker died');
    // The replacement: a third worker process says it listens.
    await server.logLine(() => workerPids(server.lines).size === 3);
    const again = await join_(server.wsPort, 'again');
    clients.push(again.client);
    assert.ok(!again.users.includes(first.id), 'the dead worker’s users are gone from user lists');
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  } finally {
    server.child.kill('SIGKILL');
    for (const c of clients) c.ws.terminate();
  }
});

function workerPids(lines: Json[]): Set<unknown> {
  return new Set(
    lines.filter((l) => l.msg === 'wirechat listening' && l.worker !== undefined).map((l) => l.pid),
  );
}
