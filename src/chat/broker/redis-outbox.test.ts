// The outbox's bound on its own: by count, by bytes, oldest out first, order kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisOutbox } from './redis-outbox.js';

const drain = (o: RedisOutbox) => {
  const out: string[] = [];
  for (let p = o.shift(); p; p = o.shift()) out.push(p.payload);
  return out;
};

test('RedisOutbox: past maxCount the oldest go, the rest keep their order', () => {
  const o = new RedisOutbox({ maxCount: 3 });
  let dropped = 0;
  for (let i = 0; i < 10; i++) dropped += o.push('room:r', `p${i}`);
  assert.equal(dropped, 7);
  assert.equal(o.size, 3);
  assert.deepEqual(drain(o), ['p7', 'p8', 'p9']);
  assert.equal(o.bytes, 0);
});

test('RedisOutbox: past maxBytes (UTF-8 of channel and payload) the oldest go', () => {
  const o = new RedisOutbox({ maxBytes: 100 });
  // 'c' + 9 bytes ('é' is 2 bytes in UTF-8) = 10 bytes each: ten fit, not eleven.
  let dropped = 0;
  for (let i = 0; i < 25; i++) dropped += o.push('c', `é${String(i).padStart(7, '0')}`);
  assert.equal(o.bytes, 100);
  assert.equal(o.size, 10);
  assert.equal(dropped, 15);
  assert.deepEqual(drain(o)[0], 'é0000015');
  assert.equal(o.push('c', 'x'.repeat(200)), 1, 'a publication larger than the bound is dropped itself');
  assert.equal(o.size, 0);
});

test('RedisOutbox: a long run of pushes and shifts keeps memory to what is held', () => {
  const o = new RedisOutbox({ maxCount: 10 });
  for (let i = 0; i < 100_000; i++) {
    o.push('c', String(i));
    if (i % 3 === 1) o.shift();
  }
  assert.equal(o.size, 10);
  const items = (o as unknown as { items: unknown[] }).items;
  assert.ok(items.length <= 2048, `backing array holds ${items.length}`);
  assert.deepEqual(
    drain(o),
    Array.from({ length: 10 }, (_, k) => String(99_990 + k)),
  );
  assert.deepEqual(o.channels(), []);
});
