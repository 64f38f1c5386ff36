// The primary's history copy: bounded like the workers' RoomLogs (per room, in bytes with each
// room's overhead, least recently used rooms forgotten first, expiry), remembering where what it
// holds starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageEvent } from '../protocol/events.js';
import { messageCost, ROOM_OVERHEAD_BYTES } from '../store/room-logs.js';
import { HistoryCopy } from './history-copy.js';

const message = (id: string, text: string, room: string): MessageEvent => ({
  type: 'message',
  id,
  room,
  from: { id: 10, name: 'u10' },
  to: null,
  text,
  ts: 5,
});

test('over the byte budget the least recently written rooms are forgotten, and said to be', () => {
  const room = (texts: string[], name: string) =>
    ROOM_OVERHEAD_BYTES + texts.reduce((sum, t, i) => sum + messageCost(message(`${i}-0`, t, name)), 0);
  // Room for a with two messages and b with one; c then pushes b out, and later a.
  const copy = new HistoryCopy({ maxBytes: room(['aaaa', 'aa'], 'a') + room(['bbbb'], 'b') });
  copy.relayed('room:a', message('1-0', 'aaaa', 'a'));
  copy.relayed('room:b', message('2-0', 'bbbb', 'b'));
  copy.relayed('room:a', message('3-0', 'aa', 'a'));
  copy.relayed('room:a', message('3-0', 'aa', 'a')); // the same message twice is kept once
  assert.equal(copy.size, room(['aaaa', 'aa'], 'a') + room(['bbbb'], 'b'));
  copy.relayed('room:c', message('4-0', 'cc', 'c')); // over: b (least recently written) goes
  assert.equal(copy.roomCount, 2);
  copy.relayed('room:c', message('5-0', 'c'.repeat(180), 'c')); // over again: a goes
  copy.relayed('room:c', message('6-0', 'c'.repeat(180), 'c')); // c alone: its oldest goes
  assert.deepEqual(copy.seed(), {
    rooms: [
      {
        room: 'c',
        messages: [message('5-0', 'c'.repeat(180), 'c'), message('6-0', 'c'.repeat(180), 'c')],
        gap: '4-0',
      },
    ],
    forgotten: '3-0',
    newest: '6-0',
  });
  copy.relayed('room:d', message('7-0', 'd', 'd'));
  assert.equal(copy.seed().rooms.at(-1)!.gap, '3-0', 'a room made after a forgotten one starts with a gap');
});

test('the primary’s copy forgets expired rooms nobody is in', () => {
  let now = 0;
  const copy = new HistoryCopy({ expiryMs: 1000 }, () => now);
  copy.relayed('room:a', message('1-0', 'a', 'a'));
  copy.relayed('room:b', message('2-0', 'b', 'b'));
  now = 2000;
  assert.equal(
    copy.expire((room) => room === 'b'),
    1,
  );
  assert.deepEqual(
    copy.seed().rooms.map((r) => r.room),
    ['b'],
  );
});

test('history switched off (perRoom 0): nothing kept, ids still noted', () => {
  const copy = new HistoryCopy({ perRoom: 0 });
  copy.relayed('room:a', message('1-0', 'a', 'a'));
  assert.deepEqual(copy.seed(), { rooms: [], newest: '1-0' });
});
