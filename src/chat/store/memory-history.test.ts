// History ids, the per-room cap, the total budget, and what resume may call "complete".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryHistory } from './memory-history.js';

const from = { id: 4503599627370497, name: 'a' };
const say = (h: MemoryHistory, room: string, text: string, keep = true) =>
  h.append({ type: 'message', room, from, to: null, text, ts: 0 }, keep);

test('ids increase even within one millisecond and when the clock steps back', () => {
  let now = 1000;
  const h = new MemoryHistory(100, 1_000_000, () => now);
  const a = say(h, 'r', 'a').id;
  const b = say(h, 'r', 'b').id;
  now = 900;
  const c = say(h, 'r', 'c').id;
  assert.deepEqual([a, b, c], ['1000-0', '1000-1', '1000-2']);
});

test('resume: complete while nothing after the id was dropped; recent history otherwise', () => {
  const h = new MemoryHistory(3, 1_000_000);
  const first = say(h, 'r', 'm1');
  say(h, 'r', 'private', false);
  const second = say(h, 'r', 'm2');
  say(h, 'r', 'm3');
  assert.deepEqual(
    h.since('r', first.id).messages.map((m) => m.text),
    ['m2', 'm3'],
  );
  say(h, 'r', 'm4'); // m1 is dropped: resuming from before it is incomplete
  assert.equal(h.since('r', '1-0').complete, false);
  assert.equal(h.since('r', first.id).complete, true, 'm1 itself was seen: nothing after it was lost');
  assert.deepEqual(
    h.since('r', second.id).messages.map((m) => m.text),
    ['m3', 'm4'],
  );
  assert.deepEqual(
    h.recent('r', 2).map((m) => m.text),
    ['m3', 'm4'],
  );
});

test('the total budget forgets the least recently written rooms, and resume there is incomplete', () => {
  const h = new MemoryHistory(100, 10);
  const old = say(h, 'old', 'aaaa');
  say(h, 'old', 'bbbb');
  say(h, 'new', 'cccccc'); // 14 characters > 10: the room 'old' goes
  assert.deepEqual(h.recent('old', 10), []);
  assert.equal(h.since('old', old.id).complete, false);
  assert.deepEqual(
    h.recent('new', 10).map((m) => m.text),
    ['cccccc'],
  );
  say(h, 'new', 'dddddd'); // over budget within one room: its oldest goes
  assert.deepEqual(
    h.recent('new', 10).map((m) => m.text),
    ['dddddd'],
  );
});
