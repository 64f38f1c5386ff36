import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader } from './frame-reader.js';
import { encodeClientFrame, encodeServerFrame, OP_BINARY, OP_PING, OP_TEXT } from './ws-frames.js';

function collect(masked: boolean, chunks: Buffer[], maxMessage = 1 << 20) {
  const out: Array<{ opcode: number; text: string }> = [];
  const reader = new FrameReader({ masked, maxMessage }, (opcode, buf, start, end) =>
    out.push({ opcode, text: buf.toString('latin1', start, end) }),
  );
  let error: string | null = null;
  for (const c of chunks) error = reader.push(c) ?? error;
  return { out, error };
}

/** Splits bytes at every given offset. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  for (const cut of cuts) {
    parts.push(bytes.subarray(at, cut));
    at = cut;
  }
  parts.push(bytes.subarray(at));
  return parts;
}

const sizes = [0, 5, 125, 126, 65535, 65536, 70000];

test('server frames of every length class come back whole, in one chunk or split byte by byte', () => {
  for (const size of sizes) {
    const payload = Buffer.alloc(size, 'a');
    const frame = encodeServerFrame(payload);
    const whole = collect(false, [frame]);
    assert.deepEqual(whole.out, [{ opcode: OP_TEXT, text: payload.toString('latin1') }], `size ${size}`);
    const cuts = size < 200 ? Array.from({ length: frame.length - 1 }, (_, i) => i + 1) : [1, 3, 9, 11, 500];
    const pieces = collect(false, split(frame, cuts));
    assert.equal(pieces.out.length, 1, `size ${size} split`);
    assert.equal(pieces.out[0]!.text.length, size);
  }
});

test('masked client frames are unmasked; many frames in one chunk are all delivered in order', () => {
  const frames = ['{"type":"login","name":"a"}', 'x', '{"type":"say"}'].map((t) =>
    encodeClientFrame(Buffer.from(t)),
  );
  const { out, error } = collect(true, [Buffer.concat(frames)]);
  assert.equal(error, null);
  assert.deepEqual(
    out.map((o) => o.text),
    ['{"type":"login","name":"a"}', 'x', '{"type":"say"}'],
  );
});

test('two masked frames of the same payload use different mask keys', () => {
  const a = encodeClientFrame(Buffer.from('same'));
  const b = encodeClientFrame(Buffer.from('same'));
  assert.notDeepEqual(a.subarray(2, 6), b.subarray(2, 6));
});

test('fragmented messages are reassembled, with a control frame in between', () => {
  const first = Buffer.from([0x01, 3, ...Buffer.from('abc')]); // text, not final
  const ping = encodeServerFrame(Buffer.from('p'), OP_PING);
  const last = Buffer.from([0x80, 2, ...Buffer.from('de')]); // continuation, final
  const { out, error } = collect(false, [first, ping, last]);
  assert.equal(error, null);
  assert.deepEqual(out, [
    { opcode: OP_PING, text: 'p' },
    { opcode: OP_TEXT, text: 'abcde' },
  ]);
});

test('protocol errors have stable codes and stop the reader', () => {
  assert.equal(collect(false, [encodeClientFrame(Buffer.from('x'))]).error, 'MASK_MISMATCH');
  assert.equal(collect(false, [encodeServerFrame(Buffer.alloc(2000))], 1000).error, 'FRAME_TOO_LARGE');
  assert.equal(collect(false, [Buffer.from([0x80, 1, 0x41])]).error, 'BAD_CONTINUATION');
  const huge = Buffer.from([0x82, 127, 0, 0, 1, 0, 0, 0, 0, 0]); // 2^40 bytes announced
  assert.equal(collect(false, [huge]).error, 'FRAME_TOO_LARGE');
  const { out, error } = collect(false, [Buffer.from([0x89, 126, 0, 200])]);
  assert.equal(error, 'BAD_CONTROL_FRAME');
  assert.equal(out.length, 0);
  assert.equal(collect(false, [encodeServerFrame(Buffer.from([1, 2]), OP_BINARY)]).out[0]!.opcode, OP_BINARY);
});
