// The primary's history copy: bounded like the workers' RoomLogs (per room and in total text,
// least recently written rooms forgotten first), remembering where what it holds starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageEvent } from '../protocol/events.js';
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

test('over the text budget the least recently written rooms are forgotten, and said to be', () => {
  const copy = new HistoryCopy(100, 10);
  copy.relayed('room:a', message('1-0', 'aaaa', 'a'));
  copy.relayed('room:b', message('2-0', 'bbbb', 'b'));
  copy.relayed('room:a', message('3-0', 'aa', 'a'));
  copy.relayed('room:a', message('3-0', 'aa', 'a')); // the same message twice is kept once
  assert.equal(copy.size, 10);
  copy.relayed('room:c', message('4-0', 'cc', 'c')); // 12 > 10: b (least recently written) goes
  assert.equal(copy.size, 8);
  copy.relayed('room:c', message('5-0', 'cccccc', 'c')); // 14: a goes
  assert.equal(copy.size, 8);
  copy.relayed('room:c', message('6-0', 'ccc', 'c')); // 11, c alone: its oldest goes
  assert.deepEqual(copy.seed(), {
    rooms: [{ room: 'c', messages: [message('5-0', 'cccccc', 'c'), message('6-0', 'ccc', 'c')], gap: '4-0' }],
    forgotten: '3-0',
    newest: '6-0',
  });
  assert.equal(copy.size, 9);
  copy.relayed('room:d', message('7-0', 'd', 'd'));
  assert.equal(copy.seed().rooms[1]!.gap, '3-0', 'a room made after a forgotten one starts with a gap');
});

test('history switched off (perRoom 0): nothing kept, ids still noted', () => {
  const copy = new HistoryCopy(0);
  copy.relayed('room:a', message('1-0', 'a', 'a'));
  assert.deepEqual(copy.seed(), { rooms: [], newest: '1-0' });
});
