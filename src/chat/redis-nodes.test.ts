// Three real `wirechat serve` nodes on one real redis-server: users on different nodes chat in
// both workerman dialects, private messages cross nodes, room lists agree everywhere; a node
// killed with -9 is logged out on the others within 15 s; Redis stopped for 5 s and restarted on
// the same port: every node recovers, what was said during the outage reaches the other nodes
// after it (in order, once) and messages flow again, and a node stopped during an outage exits
// by itself; a native client that drops comes back on another node with its last id and gets
// every missed message once, in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, type ChatClient } from '../testing/chat/chat-client.js';
import { NodeProcess, until } from '../testing/chat/node-process.js';
import { TestRedis } from '../testing/chat/redis-server.js';

let redis: TestRedis;
let nodes: NodeProcess[] = [];
const clients: ChatClient[] = [];

// No heartbeat frames during the test: they would interleave with the frames asserted on.
const nodeArgs = () => ['--redis', redis.url, '--ping-interval', '600', '--idle-timeout', '1200'];

before(async () => {
  redis = await TestRedis.start();
  nodes = await Promise.all([0, 1, 2].map(() => NodeProcess.start(nodeArgs())));
});

after(async () => {
  for (const c of clients) c.ws.terminate();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

async function client(node: NodeProcess, label: string): Promise<ChatClient> {
  const c = await openClient(node.wsPort, label);
  clients.push(c);
  return c;
}

/** Waits until every node's presence counts `n` users in `room`. */
const converge = (room: string, n: number, on = nodes) =>
  until(
    async () => (await Promise.all(on.map((x) => x.roomUsers(room)))).every((k) => k === n),
    `${n} in ${room}`,
  );

let a: ChatClient, b: ChatClient, c: ChatClient;
let aId: string, bUid: number, cId: string;

test('users on three nodes chat in both workerman dialects; private messages cross nodes; lists agree', async () => {
  a = await client(nodes[0]!, 'a (workerman, node 1)');
  a.send({ type: 'login', client_name: 'ann', room_id: 1 });
  aId = (await a.nextJson()).client_id as string;
  await converge('1', 1);

  b = await client(nodes[1]!, 'b (seed, node 2)');
  b.send({ type: 'login', name: 'bob' });
  const list = (await b.nextJson()).user_list as { uid: number; name: string }[];
  assert.deepEqual(
    list.map((u) => u.name),
    ['ann', 'bob'],
  );
  assert.equal(String(list[0]!.uid), aId);
  bUid = list[1]!.uid;
  assert.equal((await b.nextJson()).type, 'login'); // the seed echoes one's own login
  const bJoin = await a.nextJson();
  assert.deepEqual([bJoin.type, bJoin.client_id, bJoin.client_name], ['login', String(bUid), 'bob']);
  await converge('1', 2);

  c = await client(nodes[2]!, 'c (workerman, node 3)');
  c.send({ type: 'login', client_name: 'cat', room_id: '1' });
  const cWelcome = await c.nextJson();
  cId = cWelcome.client_id as string;
  assert.deepEqual(cWelcome.client_list, { [aId]: 'ann', [String(bUid)]: 'bob', [cId]: 'cat' });
  assert.equal((await a.nextJson()).client_id, cId);
  assert.equal((await b.nextJson()).uid, Number(cId));
  await converge('1', 3);

  c.send({ type: 'say', to_client_id: 'all', content: 'hello all' });
  for (const x of [a, c]) {
    const m = await x.nextJson();
    assert.deepEqual([m.type, m.from_client_id, m.content], ['say', cId, 'hello all']);
  }
  const seen = await b.nextJson();
  assert.deepEqual(
    [seen.type, seen.from_uid, seen.to_uid, seen.content],
    ['say', Number(cId), 'all', 'hello all'],
  );

  b.send({ type: 'say', to_uid: Number(aId), content: 'psst' });
  const toA = await a.nextJson();
  assert.deepEqual(
    [toA.from_client_id, toA.to_client_id, toA.content],
    [String(bUid), aId, '<b>对你说: </b>psst'],
  );
  a.send({ type: 'say', to_client_id: cId, content: 'hi cat' });
  assert.equal((await c.nextJson()).content, '<b>对你说: </b>hi cat');
  assert.equal((await a.nextJson()).content, '<b>你对cat说: </b>hi cat');

  // A newcomer on each node sees the same list in the same order.
  const lists: string[][] = [];
  for (const node of nodes) {
    const x = await client(node, 'lister');
    x.send({ type: 'join', name: 'lister', room: '1' });
    const welcome = await x.nextJson();
    lists.push((welcome.users as { id: string }[]).map((u) => u.id).slice(0, -1));
    x.send({ type: 'leave' }); // for good, not held for a return
    await x.close();
    for (const other of [a, b, c]) await other.nextJson(); // its join
    for (const other of [a, b, c]) await other.nextJson(); // its leave
    await converge('1', 3);
  }
  assert.deepEqual(lists, [
    [aId, String(bUid), cId],
    [aId, String(bUid), cId],
    [aId, String(bUid), cId],
  ]);
  assert.deepEqual([a.pending(), b.pending(), c.pending()], [[], [], []]);
});

test('a node killed with -9: the others log its users out within 15 s, and no ghost stays', async () => {
  const doomed = await NodeProcess.start(nodeArgs());
  const k = await client(doomed, 'k (node 4)');
  k.send({ type: 'login', client_name: 'kim', room_id: 1 });
  const kId = (await k.nextJson()).client_id as string;
  for (const x of [a, c]) assert.equal((await x.nextJson()).client_id, kId);
  assert.equal((await b.nextJson()).uid, Number(kId));
  await converge('1', 4);

  const killedAt = Date.now();
  await doomed.kill9();
  const logoutA = await waitFrame(a, 20_000);
  const elapsed = Date.now() - killedAt;
  assert.deepEqual([logoutA.type, logoutA.from_client_id], ['logout', kId]);
  const logoutB = await waitFrame(b, 20_000);
  assert.deepEqual([logoutB.type, logoutB.uid], ['logout', Number(kId)]);
  assert.deepEqual([(await waitFrame(c, 20_000)).from_client_id], [kId]);
  assert.ok(elapsed <= 15_000, `logout after ${elapsed} ms`);
  await converge('1', 3);
});

test('Redis stopped for 5 s and restarted on the same port: nodes keep their clients, recover, and deliver what was said meanwhile', async () => {
  await redis.stop();
  await until(
    async () => (await Promise.all(nodes.map((n) => n.status('/readyz')))).every((s) => s === 503),
    'not ready',
  );
  // Said on node 1 during the outage: its own members hear it at once, the others after it.
  const during = ['during 1', 'during 2', 'during 3'];
  for (const text of during) {
    a.send({ type: 'say', to_client_id: 'all', content: text });
    assert.equal((await a.nextJson()).content, text);
  }
  a.send({ type: 'say', to_client_id: cId, content: 'psst' });
  assert.equal((await a.nextJson()).content, '<b>你对cat说: </b>psst');
  // A login on node 1 during the outage: presence announces it on the others after it, once.
  const d = await client(nodes[0]!, 'd (workerman, node 1, during the outage)');
  d.send({ type: 'login', client_name: 'dan', room_id: 1 });
  const dId = (await d.nextJson()).client_id as string;
  assert.equal((await a.nextJson()).client_id, dId);
  await new Promise((r) => setTimeout(r, 5000));
  await redis.restart();
  await Promise.all(nodes.map((n) => n.waitReady()));
  await converge('1', 4); // presence re-registered into the empty Redis
  assert.ok(
    clients.slice(0, 3).every((x) => x.ws.readyState === x.ws.OPEN),
    'clients kept',
  );
  for (const n of nodes)
    assert.match(await n.metrics(), /wirechat_broker_reconnects_total\{broker="redis"\} [1-9]/);

  // c (node 3): the three messages and the private one in order, and dan's login (announced by
  // presence, so its place among them is not fixed); b (node 2): the messages and the login.
  await until(() => c.pending().length >= 5, 'c hears what was said during the outage', 30_000);
  const atC = await Promise.all(Array.from({ length: 5 }, () => c.nextJson()));
  assert.deepEqual(
    atC.filter((m) => m.type === 'say').map((m) => [m.from_client_id, m.content]),
    [...during.map((t) => [aId, t]), [aId, '<b>对你说: </b>psst']],
  );
  assert.deepEqual(
    atC.filter((m) => m.type !== 'say').map((m) => [m.type, m.client_id]),
    [['login', dId]],
  );
  await until(() => b.pending().length >= 4, 'b hears what was said during the outage', 30_000);
  const atB = await Promise.all(Array.from({ length: 4 }, () => b.nextJson()));
  assert.deepEqual(
    atB.filter((m) => m.type === 'say').map((m) => [m.from_uid, m.content]),
    during.map((t) => [Number(aId), t]),
  );
  assert.deepEqual(
    atB.filter((m) => m.type !== 'say').map((m) => [m.type, m.uid]),
    [['login', Number(dId)]],
  );
  for (const n of nodes)
    assert.match(await n.metrics(), /wirechat_broker_dropped_total\{broker="redis"\} 0\b/);

  // Later messages follow, each once: nothing of the outage is repeated after them.
  a.send({ type: 'say', to_client_id: 'all', content: 'after' });
  for (const x of [a, c, d]) assert.equal((await x.nextJson()).content, 'after');
  assert.equal((await b.nextJson()).content, 'after');
  c.send({ type: 'say', to_client_id: String(bUid), content: 'back' });
  assert.equal((await b.nextJson()).content, 'back');
  assert.equal((await c.nextJson()).content, '<b>你对bob说: </b>back');
  assert.deepEqual([a.pending(), b.pending(), c.pending(), d.pending()], [[], [], [], []]);
});

test('resume: a client that dropped comes back on another node with its last id and gets each missed message once, in order', async () => {
  const speaker = await client(nodes[0]!, 'speaker');
  speaker.send({ type: 'join', name: 'sam', room: 'resume' });
  await speaker.nextJson();
  const reader = await client(nodes[1]!, 'reader');
  reader.send({ type: 'join', name: 'rex', room: 'resume' });
  await reader.nextJson();
  await speaker.nextJson(); // rex joined
  speaker.send({ type: 'send', to: 'all', text: 'm1' });
  await speaker.nextJson();
  const m1 = await reader.nextJson();
  assert.equal(m1.text, 'm1');
  reader.send({ type: 'leave' }); // for good: a dropped connection would be held for a return
  await reader.close();
  await speaker.nextJson(); // rex left
  for (const text of ['m2', 'm3', 'm4']) {
    speaker.send({ type: 'send', to: 'all', text });
    await speaker.nextJson();
  }
  const back = await client(nodes[2]!, 'reader again');
  back.send({ type: 'join', name: 'rex', room: 'resume', after: m1.id });
  assert.equal((await back.nextJson()).type, 'welcome');
  const history = await back.nextJson();
  assert.equal(history.type, 'history');
  assert.equal(history.complete, true);
  assert.deepEqual(
    (history.messages as { text: string }[]).map((m) => m.text),
    ['m2', 'm3', 'm4'],
  );
  await speaker.nextJson(); // rex joined again
  speaker.send({ type: 'send', to: 'all', text: 'm5' });
  assert.equal((await back.nextJson()).text, 'm5');
  await speaker.nextJson();
  assert.deepEqual(back.pending(), []);

  const stranger = await client(nodes[0]!, 'too old');
  stranger.send({ type: 'join', name: 'old', room: 'resume', after: '1-0' });
  await stranger.nextJson();
  const tooOld = await stranger.nextJson();
  assert.equal(tooOld.complete, false);
  assert.deepEqual(
    (tooOld.messages as { text: string }[]).map((m) => m.text),
    ['m1', 'm2', 'm3', 'm4', 'm5'],
  );
});

test('a node stopped (SIGTERM) during a Redis outage with messages waiting exits by itself', async () => {
  const leaving = await NodeProcess.start(nodeArgs());
  try {
    const x = await client(leaving, 'x (node 4)');
    x.send({ type: 'login', client_name: 'xav', room_id: 'bye' });
    await x.nextJson();
    await redis.stop();
    await until(async () => (await leaving.status('/readyz')) === 503, 'not ready');
    for (const text of ['w1', 'w2']) {
      x.send({ type: 'say', to_client_id: 'all', content: text });
      assert.equal((await x.nextJson()).content, text);
    }
    leaving.child.kill('SIGTERM');
    // Only a guard against a hang (NodeProcess.stop would SIGKILL it): the exit must be its own.
    const guard = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000).unref());
    assert.equal(await Promise.race([leaving.exited, guard]), 0);
  } finally {
    await leaving.kill9();
    await redis.restart();
  }
});

async function waitFrame(x: ChatClient, limitMs: number): Promise<Record<string, unknown>> {
  await until(() => x.pending().length > 0, `${x.label}: a frame`, limitMs);
  return x.nextJson();
}
