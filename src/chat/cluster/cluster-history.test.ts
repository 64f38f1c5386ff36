// Cluster history: ids partitioned per worker, other workers' public messages kept (sorted by
// id), private ones and other channels ignored, resume after an id, and the per-room cap; a
// worker seeded with the primary's copy (a replacement) answers as the others and mints later ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageEvent } from '../protocol/events.js';
import { ClusterHistory } from './cluster-history.js';
import { WorkerBus } from './worker-bus.js';

/** A bus whose incoming batches the test pushes by hand. */
function handBus() {
  let deliver: (message: unknown) => void = () => {};
  const bus = new WorkerBus({ send: () => {}, onMessage: (h) => (deliver = h) });
  return {
    bus,
    receive: (event: MessageEvent, channel = `room:${event.room}`) =>
      deliver({ t: 'ops', ops: [{ op: 'pub', channel, event }] }),
  };
}

const msg = (text: string, to: MessageEvent['to'] = null) => ({
  type: 'message' as const,
  room: 'r',
  from: { id: 4503599627370497, name: 'a' },
  to,
  text,
  ts: 5,
});

test('own ids are in this worker’s share and increase; foreign messages are kept in id order', () => {
  const { bus, receive } = handBus();
  let now = 1000;
  const history = new ClusterHistory(bus, { perRoom: 3, index: 1, count: 2, now: () => now });
  const a = history.append(msg('a'), true);
  const b = history.append(msg('b'), true);
  assert.deepEqual([a.id, b.id], ['1000-1', '1000-3']);
  now = 999; // the clock stepped back: the sequence carries on
  assert.equal(history.append(msg('private', { id: 1, name: 'x' }), false).id, '1000-5');
  receive({ ...msg('from the other worker'), id: '1000-2' });
  receive({ ...msg('private elsewhere', { id: 1, name: 'x' }), id: '1000-4' });
  receive({ ...msg('not a room'), id: '1000-6' }, 'node:x');
  assert.deepEqual(
    history.recentNow('r', 10).map((m) => m.text),
    ['a', 'from the other worker', 'b'],
  );
  assert.deepEqual(history.sinceNow('r', '1000-1'), {
    messages: history.recentNow('r', 2),
    complete: true,
  });
  now = 2000;
  history.append(msg('c'), true); // over perRoom: 'a' is dropped
  assert.equal(history.sinceNow('r', '999-0').complete, false, 'what came after it was dropped');
  assert.deepEqual(
    history.sinceNow('r', '1000-3').messages.map((m) => m.text),
    ['c'],
  );
});

test('a worker seeded with the primary’s copy answers like the others and mints ids after it', () => {
  let deliver: (message: unknown) => void = () => {};
  const bus = new WorkerBus({ send: () => {}, onMessage: (h) => (deliver = h) });
  const history = new ClusterHistory(bus, { perRoom: 3, index: 1, count: 2, now: () => 1000 });
  const kept = (id: string, text: string, room = 'r') => ({ ...msg(text), room, id });
  deliver({
    t: 'history',
    seed: {
      rooms: [
        { room: 'r', messages: [kept('1000-4', 'x'), kept('1000-7', 'y')], gap: '1000-2' },
        { room: 's', messages: [kept('900-0', 'z', 's')] },
      ],
      forgotten: '800-0',
      newest: '1000-8',
    },
  });
  assert.deepEqual(
    history.recentNow('r', 10).map((m) => m.text),
    ['x', 'y'],
  );
  assert.deepEqual(history.sinceNow('r', '1000-2'), { messages: history.recentNow('r', 2), complete: true });
  assert.deepEqual(
    history.sinceNow('r', '1000-1'),
    { messages: history.recentNow('r', 3), complete: false },
    'the primary had dropped messages after it',
  );
  assert.equal(history.sinceNow('s', '700-0').complete, true, 'room s lost nothing');
  assert.equal(history.sinceNow('elsewhere', '700-0').complete, false, 'a forgotten room may be this one');
  assert.equal(history.sinceNow('elsewhere', '800-0').complete, true);

  // Own ids come after the newest relayed (1000-8, even from another worker), in this share.
  const mine = history.append(msg('mine'), true).id.split('-').map(Number);
  assert.ok(mine[0] === 1000 && mine[1]! > 8 && mine[1]! % 2 === 1, `${mine.join('-')}`);
  // A relayed copy of a seeded message is not kept twice; an older one not in the seed is.
  deliver({ t: 'ops', ops: [{ op: 'pub', channel: 'room:r', event: kept('1000-7', 'y') }] });
  deliver({ t: 'ops', ops: [{ op: 'pub', channel: 'room:r', event: kept('1000-6', 'w') }] });
  assert.deepEqual(
    history.recentNow('r', 10).map((m) => m.id),
    ['1000-6', '1000-7', mine.join('-')],
  );
});
