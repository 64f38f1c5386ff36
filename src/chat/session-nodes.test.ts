// Session tokens across processes: two `wirechat serve` nodes on one real redis-server, and one
// `wirechat serve --workers 2`. A page user who drops and returns with their token on the other
// node (or worker) keeps their id, gets what they missed, and nobody is told anything, also when
// the first node's grace period ends later; a token presented on the other node closes the older
// connection with 4409; a user who stays away past the grace period leaves exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, type ChatClient } from '../testing/chat/chat-client.js';
import { NodeProcess, until } from '../testing/chat/node-process.js';
import { TestRedis } from '../testing/chat/redis-server.js';
import { serveCluster, type Json } from '../testing/chat/serve-cluster.js';

const GRACE_S = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: TestRedis;
let nodes: NodeProcess[] = [];
const clients: ChatClient[] = [];

before(async () => {
  redis = await TestRedis.start();
  const args = ['--redis', redis.url, '--ping-interval', '600', '--idle-timeout', '1200'];
  nodes = await Promise.all(
    [0, 1].map(() => NodeProcess.start([...args, '--reconnect-grace', String(GRACE_S)])),
  );
});

after(async () => {
  for (const c of clients) c.ws.terminate();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

async function join(
  port: number,
  name: string,
  extra: Json = {},
): Promise<{ client: ChatClient; welcome: Json }> {
  const client = await openClient(port, name);
  clients.push(client);
  client.send({ type: 'join', name, room: 'g', ...extra });
  return { client, welcome: await client.nextOfType('welcome') };
}

/** Nothing reached `observer` before this message of its own: no joined, no left. */
async function quietUntilMessage(observer: ChatClient, text: string): Promise<void> {
  observer.send({ type: 'send', to: 'all', text });
  const next = await observer.nextJson();
  assert.deepEqual([next.type, next.text], ['message', text], JSON.stringify(next));
}

test('two Redis nodes: a return on the other node keeps the identity and replays what was missed; nobody is told', async () => {
  const [n1, n2] = nodes as [NodeProcess, NodeProcess];
  const { client: obs } = await join(n1.wsPort, 'obs');
  const { client: ann, welcome } = await join(n1.wsPort, 'ann');
  assert.equal((await obs.nextJson()).type, 'joined');
  await until(async () => (await n2.roomUsers('g')) === 2, 'node 2 knows both');
  obs.send({ type: 'send', to: 'all', text: 'seen' });
  await obs.nextJson();
  const seen = await ann.nextOfType('message');

  ann.ws.terminate();
  await ann.closed;
  await quietUntilMessage(obs, 'missed');

  const { client: back, welcome: again } = await join(n2.wsPort, 'ann', {
    session: welcome.session,
    after: seen.id,
  });
  assert.equal(again.resumed, true);
  assert.deepEqual(again.you, welcome.you);
  const replay = await back.nextJson();
  assert.deepEqual(
    (replay.messages as Json[]).map((m) => m.text),
    ['missed'],
  );
  back.send({ type: 'send', to: 'all', text: 'back on node 2' });
  const heard = await obs.nextJson();
  assert.deepEqual([heard.text, heard.from], ['back on node 2', welcome.you]);

  // Node 1's grace period for the dropped connection ends: it must not announce a departure.
  await sleep(GRACE_S * 1000 + 700);
  await quietUntilMessage(obs, 'still quiet');
  assert.equal(await n1.roomUsers('g'), 2);

  // The same token on node 1 again (a second tab): node 2's connection is closed with 4409.
  const { client: tab, welcome: third } = await join(n1.wsPort, 'ann', { session: welcome.session });
  assert.equal(third.resumed, true);
  assert.equal((await back.closed).code, 4409);
  await quietUntilMessage(obs, 'after the second tab');

  // Gone for longer than the grace period: exactly one left.
  tab.ws.terminate();
  const left = await obs.nextJson();
  assert.deepEqual([left.type, left.user], ['left', welcome.you]);
  await quietUntilMessage(obs, 'one left only');
  const { welcome: fresh } = await join(n2.wsPort, 'ann', { session: welcome.session });
  assert.notEqual(fresh.resumed, true, 'an expired token opens nothing');
  assert.notDeepEqual(fresh.you, welcome.you);
});

test('two workers: returns land on either worker, keep the identity, and nobody is told', async () => {
  const server = await serveCluster(2, { WIRECHAT_RECONNECT_GRACE: String(GRACE_S) });
  const mine: ChatClient[] = [];
  try {
    const obs = await openClient(server.wsPort, 'obs');
    mine.push(obs);
    obs.send({ type: 'join', name: 'obs', room: 'w' });
    await obs.nextOfType('welcome');
    let ann = await openClient(server.wsPort, 'ann');
    mine.push(ann);
    ann.send({ type: 'join', name: 'ann', room: 'w' });
    const welcome = await ann.nextOfType('welcome');
    const id = (welcome.you as { id: string }).id;
    assert.equal((await obs.nextJson()).type, 'joined');
    let pid = (await server.logLine((l) => l.msg === 'login' && String(l.user) === id)).pid;
    let crossed = 0;
    for (let k = 0; k < 10 && crossed === 0; k++) {
      ann.ws.terminate();
      await quietUntilMessage(obs, `while away ${k}`);
      ann = await openClient(server.wsPort, `ann ${k}`);
      mine.push(ann);
      ann.send({ type: 'join', name: 'ann', room: 'w', session: welcome.session });
      const again = await ann.nextOfType('welcome');
      assert.equal(again.resumed, true);
      assert.deepEqual(again.you, welcome.you);
      const resumes = () => server.lines.filter((l) => l.msg === 'resume' && String(l.user) === id);
      await server.logLine(() => resumes().length === k + 1);
      const now = resumes().at(-1)!.pid;
      if (now !== pid) crossed++;
      pid = now;
    }
    assert.equal(crossed, 1, 'a return landed on the other worker');
    await sleep(GRACE_S * 1000 + 700);
    await quietUntilMessage(obs, 'no departure after the grace period');
    ann.send({ type: 'send', to: 'all', text: 'same me' });
    const heard = await obs.nextJson();
    assert.deepEqual(heard.from, welcome.you);
  } finally {
    for (const c of mine) c.ws.terminate();
    server.child.kill('SIGTERM');
    await server.exited;
  }
});
