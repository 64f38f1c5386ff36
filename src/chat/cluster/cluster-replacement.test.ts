// `wirechat serve --workers 2`, one worker killed with SIGKILL: the worker forked in its place
// starts with the room's history (the messages of both workers, in id order, once each), answers
// a resume from an old id with exactly what came after it, and the ids it mints after that are
// greater than every earlier one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, type ChatClient } from '../../testing/chat/chat-client.js';
import { serveCluster, type Json } from '../../testing/chat/serve-cluster.js';

type Server = Awaited<ReturnType<typeof serveCluster>>;

async function join_(server: Server, name: string, after?: string) {
  const client = await openClient(server.wsPort, name);
  client.send(
    after === undefined ? { type: 'join', name, room: 'r' } : { type: 'join', name, room: 'r', after },
  );
  const welcome = await client.nextOfType('welcome');
  const id = (welcome.you as { id: string }).id;
  const pid = (await server.logLine((l) => l.msg === 'login' && String(l.user) === id)).pid;
  return { client, id, pid };
}

const key = (id: string) => id.split('-').map(Number) as [number, number];
const before = (a: string, b: string) => {
  const [x, y] = [key(a), key(b)];
  return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
};
/** id and text of each message, the shape compared below. */
const brief = (messages: Json[]) => messages.map((m) => `${m.id as string} ${m.text as string}`);

test('a replacement worker starts with the room history: history, resume, and later ids', async () => {
  const server = await serveCluster(2);
  const clients: ChatClient[] = [];
  try {
    // One user on each worker, in room r.
    const a = await join_(server, 'a');
    clients.push(a.client);
    let b: Awaited<ReturnType<typeof join_>> | undefined;
    for (let k = 0; k < 8 && !b; k++) {
      const user = await join_(server, `b${k}`);
      clients.push(user.client);
      if (user.pid !== a.pid) b = user;
    }
    assert.ok(b, 'someone landed on the second worker');

    // Messages from both workers, one at a time (each seen by a before the next is sent).
    const sent: Json[] = [];
    for (let i = 0; i < 3; i++) {
      for (const [who, user] of [
        ['a', a],
        ['b', b],
      ] as const) {
        user.client.send({ type: 'send', to: 'all', text: `${who}${i}` });
        sent.push(await a.client.nextOfType('message'));
      }
    }
    assert.deepEqual(
      sent.map((m) => m.text),
      ['a0', 'b0', 'a1', 'b1', 'a2', 'b2'],
    );
    // History is in id order: across workers, messages of the same millisecond are ordered by
    // worker index, not by when they were sent.
    const byId = (messages: Json[]) =>
      [...messages].sort((x, y) => (before(x.id as string, y.id as string) ? -1 : 1));
    const kept = byId(sent);
    assert.equal(new Set(kept.map((m) => m.id)).size, kept.length);

    process.kill(b.pid as number, 'SIGKILL');
    assert.equal(((await a.client.nextOfType('left')).user as Json).id, b.id);
    await server.logLine(() => workerPids(server.lines).size === 3);
    const fresh = [...workerPids(server.lines)].find((pid) => pid !== a.pid && pid !== b.pid);

    // Connect (resuming after the second message by id) until a connection lands on the replacement.
    let c: Awaited<ReturnType<typeof join_>> | undefined;
    for (let k = 0; k < 10 && !c; k++) {
      const user = await join_(server, `c${k}`, kept[1]!.id as string);
      clients.push(user.client);
      if (user.pid === fresh) c = user;
    }
    assert.ok(c, 'a connection landed on the replacement worker');
    const resumed = await c.client.nextOfType('history');
    assert.equal(resumed.complete, true);
    assert.deepEqual(brief(resumed.messages as Json[]), brief(kept.slice(2)), 'exactly what came after');

    c.client.send({ type: 'history', limit: 100 });
    const there = await c.client.nextOfType('history');
    assert.deepEqual(brief(there.messages as Json[]), brief(kept), 'all, in order, once each');
    a.client.send({ type: 'history', limit: 100 });
    const here = await a.client.nextOfType('history');
    assert.deepEqual(there.messages, here.messages, 'the same history as the surviving worker');

    // New messages, from the replacement and from the survivor: ids after every earlier one.
    c.client.send({ type: 'send', to: 'all', text: 'c' });
    const fromC = await a.client.nextOfType('message');
    a.client.send({ type: 'send', to: 'all', text: 'a' });
    const fromA = await a.client.nextOfType('message');
    assert.deepEqual([fromC.text, fromA.text], ['c', 'a']);
    for (const m of sent) {
      assert.ok(before(m.id as string, fromC.id as string), `${fromC.id as string} after ${m.id as string}`);
      assert.ok(before(m.id as string, fromA.id as string));
    }
    // Once 'a' reached the replacement, its history holds it too.
    while ((await c.client.nextOfType('message')).text !== 'a');
    c.client.send({ type: 'history', limit: 100 });
    assert.deepEqual(
      brief((await c.client.nextOfType('history')).messages as Json[]),
      brief(byId([...sent, fromC, fromA])),
    );

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  } finally {
    server.child.kill('SIGKILL');
    for (const client of clients) client.ws.terminate();
  }
});

function workerPids(lines: Json[]): Set<unknown> {
  return new Set(
    lines.filter((l) => l.msg === 'wirechat listening' && l.worker !== undefined).map((l) => l.pid),
  );
}
