// The broker contract on a real redis-server, and what the contract cannot say about a network:
// a node keeps going while Redis is down and, once it is back, subscribes again and delivers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent } from '../protocol/events.js';
import { TestRedis } from '../test-support/redis-server.js';
import { brokerContract } from './broker-contract.js';
import { RedisBroker } from './redis-broker.js';
import { RedisBus } from './redis-bus.js';

const quiet = { info() {}, warn() {}, debug() {} };
let redis: TestRedis;
let run = 0;

before(async () => {
  redis = await TestRedis.start();
});
after(async () => {
  await redis.stop();
});

async function node(id: string, prefix: string): Promise<RedisBroker> {
  const bus = new RedisBus({ url: redis.url, logger: quiet, prefix });
  assert.ok(await bus.waitConnected(10_000), 'redis reachable');
  const broker = new RedisBroker(id, bus);
  broker.close = () => bus.close();
  return broker;
}

// Each test gets its own key prefix, so tests sharing the server cannot hear each other.
brokerContract('RedisBroker', async (count) => {
  const prefix = `t${run++}:`;
  return Promise.all(
    Array.from({ length: count }, (_, i) => node(['a', 'b', 'c', 'd'][i] ?? `n${i}`, prefix)),
  );
});

const message = (text: string): ChatEvent => ({
  type: 'message',
  id: '1-0',
  room: 'r',
  from: { id: 4503599627370497, name: 'a' },
  to: null,
  text,
  ts: 1,
});

test('RedisBroker: Redis stopped and restarted on the same port: subscriptions come back, later events arrive', async () => {
  const prefix = `t${run++}:`;
  const [a, b] = [await node('a', prefix), await node('b', prefix)];
  try {
    const got: string[] = [];
    b.onEvent((_channel, e) => got.push(e.type === 'message' ? e.text : e.type));
    b.subscribe('room:r');
    await b.settled();
    a.publish('room:r', message('before'));
    while (got.length < 1) await new Promise((r) => setTimeout(r, 20));
    await redis.stop();
    a.publish('room:r', message('during')); // dropped: nobody can carry it; must not throw or queue
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(a.dropped >= 1);
    await redis.restart();
    const bus = (b as unknown as { bus: RedisBus }).bus;
    const busA = (a as unknown as { bus: RedisBus }).bus;
    assert.ok(await bus.waitConnected(15_000), 'b reconnected');
    assert.ok(await busA.waitConnected(15_000), 'a reconnected');
    await b.settled();
    // The resubscription is in effect once Redis counts b's connection on the channel.
    const channel = `${prefix}room:r`;
    for (let i = 0; i < 200; i++) {
      const [, n] = (await busA.cmd.pubsub('NUMSUB', channel)) as [string, number];
      if (n >= 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    a.publish('room:r', message('after'));
    const deadline = Date.now() + 10_000;
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, ['before', 'after']);
    assert.ok(bus.reconnects >= 1);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
