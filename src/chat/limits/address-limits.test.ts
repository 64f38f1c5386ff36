// Per-address limits on real servers, all clients from 127.0.0.1: in one process (memory ledger)
// and on two nodes sharing one real redis-server (Redis ledger, exchanging every 100 ms). Past
// `maxConnsPerIp` or `maxNewConnsPerIp` the upgrade gets 429 with its code; past the address's
// message budget a message is refused with ADDRESS_RATE_LIMITED and the connection stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer, type ChatClient } from '../../testing/chat/chat-client.js';
import { rawRequest } from '../../testing/chat/raw-request.js';
import { TestRedis } from '../../testing/chat/redis-server.js';

const upgrade = (port: number) => rawRequest(port, '/', true);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function login(port: number, name: string): Promise<ChatClient> {
  const client = await openClient(port, name);
  client.send({ type: 'login', client_name: name, room_id: 1 });
  assert.equal((await client.nextJson()).type, 'login');
  return client;
}

/** Sends `n` messages and counts the answers: said (own echo) or refused for the address. */
async function say(client: ChatClient, n: number): Promise<{ said: number; refused: number }> {
  for (let i = 0; i < n; i++) client.send({ type: 'say', to_client_id: 'all', content: `m${i}` });
  const counts = { said: 0, refused: 0 };
  while (counts.said + counts.refused < n) {
    const frame = await client.nextJson();
    if (frame.type === 'say' && frame.from_client_name === client.label) counts.said++;
    else if (frame.code === 'ADDRESS_RATE_LIMITED') counts.refused++;
  }
  return counts;
}

test('one process: open and new connections per address are capped (429), messages per address are budgeted', async () => {
  const server = await startTestServer({ maxConnsPerIp: 2, addressRate: 5, rate: 1000 });
  const fresh = await startTestServer({ maxNewConnsPerIp: 3 });
  try {
    const a = await login(server.wsPort, 'a');
    const b = await login(server.wsPort, 'b');
    assert.deepEqual(await upgrade(server.wsPort), { status: 429, code: 'ADDRESS_TOO_MANY_CONNECTIONS' });
    // 5/s, bursts of 10, over both connections of the address.
    const [fromA, fromB] = await Promise.all([say(a, 8), say(b, 8)]);
    assert.ok(fromA.said + fromB.said <= 11, `at most the burst: ${fromA.said + fromB.said}`);
    assert.ok(fromA.refused + fromB.refused >= 5);
    assert.equal(a.ws.readyState, a.ws.OPEN, 'refused messages do not close the connection');
    await b.close();
    const c = await openClient(server.wsPort, 'c');
    await Promise.all([a.close(), c.close()]);

    for (let i = 0; i < 3; i++) await (await openClient(fresh.wsPort)).close();
    // Nothing is open now, but this minute's three new connections are used.
    assert.deepEqual(await upgrade(fresh.wsPort), { status: 429, code: 'ADDRESS_TOO_MANY_NEW_CONNECTIONS' });
  } finally {
    await server.close();
    await fresh.close();
  }
});

test('behind a trusted proxy each forwarded client is its own address; elsewhere the header is ignored', async () => {
  const behind = await startTestServer({ maxConnsPerIp: 1, trustProxy: ['127.0.0.1'] });
  const direct = await startTestServer({ maxConnsPerIp: 1 });
  const via = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  try {
    const a = await openClient(behind.wsPort, 'a', via('198.51.100.1'));
    const b = await openClient(behind.wsPort, 'b', via('198.51.100.2'));
    const refused = await rawRequest(behind.wsPort, '/', true, { 'x-forwarded-for': '198.51.100.1' });
    assert.deepEqual(refused, { status: 429, code: 'ADDRESS_TOO_MANY_CONNECTIONS' });
    const c = await openClient(direct.wsPort, 'c', via('198.51.100.3'));
    const spoofed = await rawRequest(direct.wsPort, '/', true, { 'x-forwarded-for': '198.51.100.4' });
    assert.deepEqual(spoofed, { status: 429, code: 'ADDRESS_TOO_MANY_CONNECTIONS' });
    await Promise.all([a.close(), b.close(), c.close()]);
  } finally {
    await behind.close();
    await direct.close();
  }
});

let redis: TestRedis;
before(async () => {
  redis = await TestRedis.start();
});
after(async () => {
  await redis.stop();
});

test('two nodes on one Redis: the caps and the budget count the address on both nodes', async () => {
  const options = { redis: redis.url, maxConnsPerIp: 2, addressRate: 0.5, rate: 1000, addressSyncMs: 100 };
  const [one, two] = [await startTestServer(options), await startTestServer(options)];
  const settle = () => sleep(500);
  try {
    const a = await login(one.wsPort, 'a');
    const b = await login(two.wsPort, 'b');
    await settle();
    // Each node holds one: the address's two are used on either node.
    assert.deepEqual(await upgrade(one.wsPort), { status: 429, code: 'ADDRESS_TOO_MANY_CONNECTIONS' });
    assert.deepEqual(await upgrade(two.wsPort), { status: 429, code: 'ADDRESS_TOO_MANY_CONNECTIONS' });

    // Bursts of 1, refilled at 0.5/s (the two logins took it to -1): a's message on node one spends the
    // address's budget, also on node two, which on its own would still have one to give.
    await sleep(4500);
    assert.deepEqual(await say(a, 1), { said: 1, refused: 0 });
    await settle();
    assert.deepEqual(await say(b, 2), { said: 0, refused: 2 });

    await a.close();
    await settle();
    const c = await openClient(two.wsPort, 'c');
    await Promise.all([b.close(), c.close()]);
  } finally {
    await one.close();
    await two.close();
  }
});
