// History ids, the per-room cap, the byte budget with each room's overhead, the room cap, the
// expiry of unused rooms, and what resume may call "complete".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryHistory } from './memory-history.js';
import { messageCost, ROOM_OVERHEAD_BYTES } from './room-logs.js';

const from = { id: 4503599627370497, name: 'a' };
const say = (h: MemoryHistory, room: string, text: string, keep = true) =>
  h.append({ type: 'message', room, from, to: null, text, ts: 0 }, keep);

test('ids increase even within one millisecond and when the clock steps back', () => {
  let now = 1000;
  const h = new MemoryHistory({ perRoom: 100 }, () => now);
  const a = say(h, 'r', 'a').id;
  const b = say(h, 'r', 'b').id;
  now = 900;
  const c = say(h, 'r', 'c').id;
  assert.deepEqual([a, b, c], ['1000-0', '1000-1', '1000-2']);
});

test('resume: complete while nothing after the id was dropped; recent history otherwise', () => {
  const h = new MemoryHistory({ perRoom: 3 });
  const first = say(h, 'r', 'm1');
  say(h, 'r', 'private', false);
  const second = say(h, 'r', 'm2');
  say(h, 'r', 'm3');
  assert.deepEqual(
    h.sinceNow('r', first.id).messages.map((m) => m.text),
    ['m2', 'm3'],
  );
  say(h, 'r', 'm4'); // m1 is dropped: resuming from before it is incomplete
  assert.equal(h.sinceNow('r', '1-0').complete, false);
  assert.equal(h.sinceNow('r', first.id).complete, true, 'm1 itself was seen: nothing after it was lost');
  assert.deepEqual(
    h.sinceNow('r', second.id).messages.map((m) => m.text),
    ['m3', 'm4'],
  );
  assert.deepEqual(
    h.recentNow('r', 2).map((m) => m.text),
    ['m3', 'm4'],
  );
});

test('the byte budget counts each room’s overhead and forgets the least recently used rooms', () => {
  // Room of 1-character messages: each costs far more than its one character.
  const probe = say(new MemoryHistory(), 'r10', 'x');
  const oneRoom = ROOM_OVERHEAD_BYTES + messageCost(probe);
  const budget = 10 * oneRoom + 100; // room for ids a few digits longer than the probe's
  const h = new MemoryHistory({ maxBytes: budget, maxRooms: 1000 });
  const first = say(h, 'r10', 'x');
  for (let i = 11; i < 60; i++) say(h, `r${i}`, 'x');
  assert.ok(h.usage.bytes <= budget, `bytes ${h.usage.bytes} within the budget`);
  assert.equal(h.usage.rooms, 10, 'only as many rooms as their overhead allows');
  assert.deepEqual(h.recentNow('r10', 10), [], 'the oldest room went first');
  assert.equal(h.sinceNow('r10', first.id).complete, false, 'resume there is incomplete');
  assert.equal(h.recentNow('r59', 10).length, 1);
});

test('the room cap forgets the least recently used room (a read counts as use)', () => {
  const h = new MemoryHistory({ maxRooms: 3 });
  for (const room of ['a', 'b', 'c']) say(h, room, room);
  h.recentNow('a', 10); // a read: a is used again, b is now the least recently used
  say(h, 'd', 'd');
  assert.deepEqual(h.recentNow('b', 10), []);
  assert.deepEqual(
    ['a', 'c', 'd'].map((room) => h.recentNow(room, 10).length),
    [1, 1, 1],
  );
  assert.equal(h.usage.rooms, 3);
});

test('within one room over the budget its oldest messages go, the newest stays', () => {
  const big = 'y'.repeat(1000);
  const cost = messageCost(say(new MemoryHistory(), 'r', big));
  const h = new MemoryHistory({ maxBytes: ROOM_OVERHEAD_BYTES + 3 * cost });
  for (let i = 0; i < 10; i++) say(h, 'r', big);
  assert.equal(h.recentNow('r', 100).length, 3);
  assert.ok(h.usage.bytes <= ROOM_OVERHEAD_BYTES + 3 * cost);
});

test('an expired room is forgotten unless occupied; nothing is left of it', () => {
  let now = 1000;
  const h = new MemoryHistory({ expiryMs: 60_000 }, () => now);
  say(h, 'idle', 'a');
  say(h, 'busy', 'b');
  now += 30_000;
  say(h, 'recent', 'c');
  now += 40_000; // idle and busy are 70 s old, recent 40 s
  h.expire({ occupied: (room) => room === 'busy', local: () => [] });
  assert.deepEqual(h.recentNow('idle', 10), []);
  assert.equal(h.recentNow('busy', 10).length, 1);
  assert.equal(h.recentNow('recent', 10).length, 1);
  assert.equal(h.usage.rooms, 2);
  now += 120_000;
  h.expire({ occupied: () => false, local: () => [] });
  assert.deepEqual(h.usage, { rooms: 0, bytes: 0 }, 'every byte charged is given back');
});
