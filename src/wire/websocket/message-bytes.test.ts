// The bytes of a message being assembled: joined in order, copied when the caller's chunk is
// not stable, and room made from the frame header's length without trusting it too far.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageBytes } from './message-bytes.js';

test('message bytes: chunks of one frame join in order, in one buffer of the frame size', () => {
  const m = new MessageBytes();
  const frame = Buffer.from('a frame of 40 bytes spread over packets.', 'latin1');
  assert.equal(frame.length, 40);
  const sizes = [7, 13, 1, 19];
  let at = 0;
  let capacityAfterFirst = 0;
  for (const n of sizes) {
    // An unstable chunk (a view into a packet): overwritten once pushed, as a scratch buffer is.
    const chunk = Buffer.from(frame.subarray(at, at + n));
    m.push(chunk, false, frame.length - at);
    chunk.fill(0x2a);
    at += n;
    if (capacityAfterFirst === 0) capacityAfterFirst = m.capacity;
  }
  assert.equal(m.bytes().toString('latin1'), frame.toString('latin1'));
  assert.equal(m.length, 40);
  // Room for the whole frame was made at its first chunk (at least the first growth, 256).
  assert.equal(capacityAfterFirst, 256);
  assert.equal(m.capacity, 256);
});

test('message bytes: a large frame over many chunks is one allocation, not one per doubling', () => {
  const m = new MessageBytes();
  const total = 50_000;
  for (let at = 0; at < total; at += 1000) m.push(Buffer.alloc(1000, at / 1000), false, total - at);
  assert.equal(m.capacity, total);
  const b = m.bytes();
  assert.equal(b.length, total);
  assert.equal(b[0], 0);
  assert.equal(b[total - 1], 49);
});

test('message bytes: a header claiming far more than arrives reserves little room', () => {
  const m = new MessageBytes();
  m.push(Buffer.alloc(100, 1), false, 2 ** 40);
  assert.equal(m.length, 100);
  // At most 8 times the bytes held ahead.
  assert.equal(m.capacity, 100 + 800);
  m.push(Buffer.alloc(20_000, 2), false, 2 ** 40 - 100);
  // Never more than 64 KiB ahead, whatever the header says.
  assert.equal(m.capacity, 20_100 + 64 * 1024);
  assert.equal(m.bytes().length, 20_100);
});

test('message bytes: a stable chunk that is all of its frame is kept without a copy', () => {
  const m = new MessageBytes();
  const chunk = Buffer.from('whole');
  m.push(chunk, true, chunk.length);
  assert.equal(m.bytes(), chunk);
  m.clear();
  assert.equal(m.length, 0);
  assert.equal(m.capacity, 0);
});
