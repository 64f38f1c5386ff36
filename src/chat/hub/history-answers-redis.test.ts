// History answers from a store that answers later (Redis streams, a real redis-server): reused
// until a message changes the room, and never cached when a message arrives while the answer is
// being read (that answer would be stale).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBroker } from '../broker/memory-broker.js';
import { RedisBus } from '../broker/redis-bus.js';
import { RedisHistory } from '../store/redis-history.js';
import { MemoryPresence } from '../store/memory-presence.js';
import { TestRedis } from '../../testing/chat/redis-server.js';
import { Hub } from './hub.js';
import type { Link } from './link.js';

const silent = { info() {}, debug() {}, error() {}, warn() {} };
let redis: TestRedis;
let bus: RedisBus;

before(async () => {
  redis = await TestRedis.start();
  bus = new RedisBus({ url: redis.url, logger: silent, prefix: 'answers:' });
  assert.ok(await bus.waitConnected(10_000));
});
after(async () => {
  await bus.close();
  await redis.stop();
});

class WaitingLink implements Link {
  frames: Buffer[] = [];
  send(frame: Buffer): void {
    this.frames.push(frame);
  }
  close(): void {}
  /** The next history frame, waiting for the store's answer. */
  async history(): Promise<Buffer> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const at = this.frames.findIndex((f) => f.toString().startsWith('{"type":"history"'));
      if (at >= 0) return this.frames.splice(0, at + 1).at(-1)!;
      if (Date.now() > deadline) throw new Error('no history answer');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const texts = (frame: Buffer) =>
  (JSON.parse(frame.toString()) as { messages: { text: string }[] }).messages.map((m) => m.text);

test('answers read from Redis are cached until a message, and not cached if one came during the read', async () => {
  const history = new RedisHistory(bus);
  const hub = new Hub({
    broker: new MemoryBroker('A'),
    presence: new MemoryPresence(),
    history,
    logger: silent,
  });
  const link = new WaitingLink();
  const session = hub.connect(link);
  hub.receive(session, '{"type":"join","name":"alice","room":"r"}');
  hub.receive(session, '{"type":"send","to":"all","text":"one"}');

  hub.receive(session, '{"type":"history"}');
  const first = await link.history();
  hub.receive(session, '{"type":"history"}');
  const second = await link.history();
  assert.ok(first === second, 'the same bytes');
  assert.deepEqual(texts(first), ['one']);
  assert.equal(hub.usage.answers.encodes, 1);

  // A message said while the answer is on its way: that answer must not be reused.
  hub.receive(session, '{"type":"send","to":"all","text":"two"}');
  hub.receive(session, '{"type":"history"}');
  hub.receive(session, '{"type":"send","to":"all","text":"three"}');
  await link.history();
  assert.equal(hub.usage.answers.entries, 0, 'the answer read before "three" is not kept');
  hub.receive(session, '{"type":"history"}');
  assert.deepEqual(texts(await link.history()), ['one', 'two', 'three']);
});
