// The broker contract on a real redis-server, and what the contract cannot say about a network:
// a node keeps going while Redis is down and, once it is back, subscribes again and delivers
// what was published during the outage (up to the outbox bound) in order, once, before the rest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent } from '../protocol/events.js';
import { TestRedis } from '../../testing/chat/redis-server.js';
import { brokerContract } from '../../testing/chat/broker-contract.js';
import { RedisBroker, type RedisBrokerOptions } from './redis-broker.js';
import { RedisBus, type BusLogger } from './redis-bus.js';

const quiet = { info() {}, warn() {}, debug() {} };
let redis: TestRedis;
let run = 0;

before(async () => {
  redis = await TestRedis.start();
});
after(async () => {
  await redis.stop();
});

async function node(
  id: string,
  prefix: string,
  options: RedisBrokerOptions = {},
  logger: BusLogger = quiet,
): Promise<RedisBroker> {
  const bus = new RedisBus({ url: redis.url, logger, prefix });
  assert.ok(await bus.waitConnected(10_000), 'redis reachable');
  const broker = new RedisBroker(id, bus, options);
  const closeBroker = broker.close.bind(broker);
  broker.close = async () => {
    await closeBroker();
    await bus.close();
  };
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

const busOf = (n: RedisBroker) => (n as unknown as { bus: RedisBus }).bus;

/** Waits (generous guard against hangs) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * a and b on a fresh prefix; b listens on room:r and its own node:b, and a has published once on
 * each (so a knows b was there before the outage). Returns what b receives, as `channel text`.
 */
async function pair(options: RedisBrokerOptions = {}, logger: BusLogger = quiet) {
  const prefix = `t${run++}:`;
  const [a, b] = [await node('a', prefix, options, logger), await node('b', prefix)];
  const got: string[] = [];
  b.onEvent((channel, e) => got.push(`${channel} ${e.type === 'message' ? e.text : e.type}`));
  b.subscribe('room:r');
  b.subscribe('node:b');
  await b.settled();
  a.publish('room:r', message('before'));
  a.publish('node:b', message('before'));
  await until(() => got.length === 2, 'the first two events');
  await busOf(a).cmd.ping(); // replies come in order: a has seen its publications' replies
  return { a, b, got };
}

async function outage(...nodes: RedisBroker[]): Promise<void> {
  await redis.stop();
  await until(() => nodes.every((n) => !n.connected), 'every node to see the outage');
}

async function back(...nodes: RedisBroker[]): Promise<void> {
  await redis.restart();
  for (const n of nodes) assert.ok(await busOf(n).waitConnected(20_000), `${n.nodeId} reconnected`);
}

/** What b must receive for publications `from`..`to` (exclusive), alternating room and private. */
const expected = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => `${(from + k) % 2 ? 'node:b' : 'room:r'} m${from + k}`);

function publishMany(a: RedisBroker, count: number): void {
  for (let i = 0; i < count; i++) a.publish(i % 2 ? 'node:b' : 'room:r', message(`m${i}`));
}

test('RedisBroker: messages published during an outage reach the other node after it, all, in order, once', async () => {
  const { a, b, got } = await pair();
  try {
    await outage(a, b);
    // Presence announces joins and leaves made during the outage on return: they are not kept.
    a.publish('room:r', { type: 'join', room: 'r', user: { id: 4503599627370498, name: 'j' }, ts: 1 });
    publishMany(a, 500);
    assert.equal(a.queued, 500);
    await back(a, b);
    a.publish('room:r', message('after')); // made after the return: must come after the outbox
    // Redis hands one connection's publications in order, so nothing can follow the marker.
    await until(() => got.includes('room:r after'), 'the marker');
    assert.deepEqual(got, ['room:r before', 'node:b before', ...expected(0, 500), 'room:r after']);
    assert.equal(a.dropped, 0);
    assert.equal(a.queued, 0);
    assert.ok(busOf(b).reconnects >= 1);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('RedisBroker: past the outbox bound the oldest are dropped and counted, the rest delivered; one warning', async () => {
  const warnings: string[] = [];
  const logger = { ...quiet, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
  const { a, b, got } = await pair({ outbox: { maxCount: 50 } }, logger);
  try {
    await outage(a, b);
    warnings.length = 0;
    publishMany(a, 120);
    assert.equal(a.queued, 50);
    assert.equal(a.dropped, 70);
    await back(a, b);
    // A full outbox also makes room for publications made before it went out: wait for it.
    await until(() => a.queued === 0, 'the outbox to go out');
    a.publish('room:r', message('after'));
    await until(() => got.includes('room:r after'), 'the marker');
    assert.deepEqual(got, ['room:r before', 'node:b before', ...expected(70, 120), 'room:r after']);
    assert.equal(a.dropped, 70);
    assert.equal(warnings.filter((w) => w.includes('outbox full')).length, 1);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('RedisBroker: a node closed during an outage returns at once and counts what it kept as dropped', async () => {
  const { a, b } = await pair();
  try {
    await outage(a, b);
    publishMany(a, 30);
    await a.close(); // the bus is closed too: neither may wait for Redis
    assert.equal(a.dropped, 30);
    assert.equal(a.queued, 0);
    a.publish('room:r', message('late'));
    assert.equal(a.dropped, 31);
  } finally {
    await b.close();
    await redis.restart();
  }
});
