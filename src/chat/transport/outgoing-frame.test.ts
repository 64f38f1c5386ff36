// Server frames: header forms at every length boundary (RFC 6455 §5.2), and the frame cache's
// promise: one frame per distinct payload Buffer, shared by every recipient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTextFrame, FrameCache } from './outgoing-frame.js';

/** Reads a server frame back: fin+opcode, mask bit, payload length, header size. */
function readHeader(frame: Buffer): { first: number; masked: boolean; length: number; head: number } {
  const b1 = frame[1]!;
  const short = b1 & 0x7f;
  if (short < 126) return { first: frame[0]!, masked: b1 >= 0x80, length: short, head: 2 };
  if (short === 126) return { first: frame[0]!, masked: b1 >= 0x80, length: frame.readUInt16BE(2), head: 4 };
  return { first: frame[0]!, masked: b1 >= 0x80, length: Number(frame.readBigUInt64BE(2)), head: 10 };
}

test('text frames: final, unmasked, the shortest length form, payload intact', () => {
  for (const [size, head] of [
    [0, 2],
    [125, 2],
    [126, 4],
    [65535, 4],
    [65536, 10],
    [70000, 10],
  ] as const) {
    const payload = Buffer.alloc(size, 'x');
    const frame = encodeTextFrame(payload);
    const h = readHeader(frame);
    assert.deepEqual([h.first, h.masked, h.length, h.head], [0x81, false, size, head], `size ${size}`);
    assert.equal(frame.length, head + size);
    assert.ok(frame.subarray(head).equals(payload));
  }
});

test('the cache frames a payload once however many recipients, and tells payloads apart', () => {
  const cache = new FrameCache();
  const [seed, workerman, native] = ['{"a":1}', '{"b":2}', '{"c":3}'].map((s) => Buffer.from(s));
  const first = cache.frame(seed!);
  // A broadcast interleaving three dialects: every recipient of a dialect gets the same frame.
  for (let i = 0; i < 10; i++) {
    assert.equal(cache.frame(seed!), first);
    assert.notEqual(cache.frame(workerman!), first);
    assert.equal(cache.frame(native!), cache.frame(native!));
  }
  // Equal bytes in another Buffer are another payload (identity, not content): still correct.
  const copy = cache.frame(Buffer.from('{"a":1}'));
  assert.notEqual(copy, first);
  assert.ok(copy.equals(first));
  cache.clear();
  const again = cache.frame(seed!);
  assert.notEqual(again, first);
  assert.ok(again.equals(first));
});
