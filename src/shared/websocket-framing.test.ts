import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';
import {
  CLOSE,
  CLOSE_CODE_MEANINGS,
  CLOSE_CODE_NAMES,
  decodeFrameHeader,
  encodeFrame,
  encodeFrameHeader,
  frameHeaderLength,
  HEADER_LENGTH_IMPOSSIBLE,
  HEADER_NEEDS_MORE,
  isMinimalLength,
  isValidCloseCode,
  maskHex,
  maskInPlace,
  newFrameHeader,
  OPCODE,
  opcodeName,
  unmask,
  unmaskIntoWords,
  type FrameHeaderSpec,
} from './websocket-framing.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Every length form (7-bit, 16-bit, 64-bit) at its edges, masked and not, with the bytes RFC 6455
// §5.2 prescribes.
const headers: Array<{ spec: FrameHeaderSpec; bytes: string }> = [
  { spec: { opcode: OPCODE.TEXT, length: 0 }, bytes: '8100' },
  { spec: { opcode: OPCODE.TEXT, length: 5 }, bytes: '8105' },
  { spec: { opcode: OPCODE.TEXT, length: 125, mask: 0x37fa213d }, bytes: '81fd 37fa213d' },
  { spec: { opcode: OPCODE.BINARY, length: 126 }, bytes: '827e 007e' },
  { spec: { opcode: OPCODE.BINARY, length: 65535, mask: 0x80000001 }, bytes: '82fe ffff 80000001' },
  { spec: { opcode: OPCODE.BINARY, length: 65536 }, bytes: '827f 0000000000010000' },
  { spec: { opcode: OPCODE.TEXT, length: 2 ** 32 + 5, fin: false }, bytes: '017f 0000000100000005' },
  {
    spec: { opcode: OPCODE.TEXT, length: Number.MAX_SAFE_INTEGER, rsv1: true, mask: 0xffffffff },
    bytes: 'c1ff 001fffffffffffff ffffffff',
  },
  { spec: { opcode: OPCODE.CONTINUATION, length: 3, fin: true }, bytes: '8003' },
  { spec: { opcode: OPCODE.CLOSE, length: 2, mask: 0 }, bytes: '8882 00000000' },
];

test('framing: every header length form encodes to the RFC bytes and decodes back', () => {
  for (const { spec, bytes } of headers) {
    const want = hex(bytes);
    const masked = spec.mask !== undefined;
    assert.equal(frameHeaderLength(spec.length, masked), want.length, bytes);
    const out = Buffer.alloc(want.length + 3, 0xee);
    assert.equal(encodeFrameHeader(out, 3, spec), want.length);
    assert.deepEqual(out.subarray(3), want, bytes);
    const h = newFrameHeader();
    assert.equal(decodeFrameHeader(want, 0, want.length, h), want.length);
    assert.deepEqual(h, {
      fin: spec.fin !== false,
      rsv1: spec.rsv1 === true,
      rsv2: false,
      rsv3: false,
      opcode: spec.opcode,
      masked,
      maskKey: spec.mask ?? 0,
      length: spec.length,
      headerLength: want.length,
    });
    assert.equal(isMinimalLength(h), true);
  }
});

test('framing: a header split at every byte needs more until its last byte is there', () => {
  for (const { bytes } of headers) {
    const want = hex(bytes);
    const h = newFrameHeader();
    for (let have = 0; have < want.length; have++) {
      // Bounds first: the bytes beyond `end` are never read, whatever they hold.
      const padded = Buffer.concat([want.subarray(0, have), Buffer.alloc(16, 0xff)]);
      assert.equal(decodeFrameHeader(padded, 0, have, h), HEADER_NEEDS_MORE, `${bytes} with ${have} bytes`);
    }
    // At an offset, with bytes of the next frame after it.
    const framed = Buffer.concat([hex('aabb'), want, hex('8100')]);
    assert.equal(decodeFrameHeader(framed, 2, framed.length, h), want.length);
  }
});

test('framing: a 64-bit length beyond 2^53 - 1 is impossible; non-minimal lengths are told apart', () => {
  const h = newFrameHeader();
  assert.equal(decodeFrameHeader(hex('827f 0020000000000000'), 0, 10, h), HEADER_LENGTH_IMPOSSIBLE);
  assert.equal(decodeFrameHeader(hex('82ff 7fffffffffffffff 00000000'), 0, 14, h), HEADER_LENGTH_IMPOSSIBLE);
  decodeFrameHeader(hex('827e 0005'), 0, 4, h);
  assert.equal(h.length, 5);
  assert.equal(isMinimalLength(h), false);
  decodeFrameHeader(hex('82ff 000000000000ffff 01020304'), 0, 14, h);
  assert.equal(isMinimalLength(h), false);
  decodeFrameHeader(hex('92 05'), 0, 2, h);
  assert.deepEqual([h.rsv1, h.rsv2, h.rsv3], [false, false, true]);
});

test('framing: encodeFrame masks the payload so that unmasking gives it back', () => {
  for (const length of [0, 1, 5, 31, 32, 33, 125, 126, 1000, 65536]) {
    const payload = Buffer.alloc(length);
    for (let i = 0; i < length; i++) payload[i] = (i * 13 + 1) & 0xff;
    const frame = encodeFrame(payload, { opcode: OPCODE.BINARY, mask: 0xa1b2c3d4 });
    const h = newFrameHeader();
    const at = decodeFrameHeader(frame, 0, frame.length, h);
    assert.equal(h.length, length);
    assert.equal(frame.length, at + length);
    const wire = frame.subarray(at);
    if (length >= 4) assert.notDeepEqual(wire, payload.subarray(0, wire.length));
    assert.deepEqual(unmask(wire, h.maskKey, 0), payload, `length ${length}`);
    const plain = encodeFrame(payload, { opcode: OPCODE.TEXT });
    assert.deepEqual(plain.subarray(frameHeaderLength(length, false)), payload);
  }
});

test('maskInPlace: twice is the identity, at any start, end and payload offset', () => {
  const original = Buffer.alloc(200);
  for (let i = 0; i < original.length; i++) original[i] = (i * 29 + 3) & 0xff;
  for (const [start, end, offset] of [
    [0, 200, 0],
    [1, 199, 3],
    [7, 40, 2],
    [3, 6, 1],
  ] as const) {
    const buf = Buffer.from(original);
    maskInPlace(buf, start, end, 0xdeadbeef, offset);
    const key = Buffer.from('deadbeef', 'hex');
    for (let i = start; i < end; i++) assert.equal(buf[i], original[i]! ^ key[(offset + i - start) & 3]!);
    assert.deepEqual(buf.subarray(0, start), original.subarray(0, start), 'bytes before start untouched');
    assert.deepEqual(buf.subarray(end), original.subarray(end), 'bytes after end untouched');
    maskInPlace(buf, start, end, 0xdeadbeef, offset);
    assert.deepEqual(buf, original);
  }
});

test('framing: opcode and close code names; which close codes may be sent', () => {
  assert.equal(opcodeName(OPCODE.PONG), 'pong');
  assert.equal(opcodeName(3), 'reserved opcode 3');
  assert.equal(CLOSE_CODE_NAMES[CLOSE.GOING_AWAY], 'going away');
  for (const code of Object.values(CLOSE)) assert.ok(CLOSE_CODE_MEANINGS[code], `meaning of ${code}`);
  assert.equal(isValidCloseCode(CLOSE.NORMAL), true);
  assert.equal(isValidCloseCode(CLOSE.SESSION_MOVED), true);
  for (const code of [999, 1004, CLOSE.NO_STATUS, CLOSE.ABNORMAL, CLOSE.TLS_HANDSHAKE, 2999, 5000]) {
    assert.equal(isValidCloseCode(code), false, String(code));
  }
});

test('unmask: every length, mask offset and buffer alignment equals the byte-by-byte XOR', () => {
  const backing = Buffer.alloc(300);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 31 + 7) & 0xff;
  // The second mask has its top bit set (a negative 32-bit integer if ever read signed).
  for (const mask of [Buffer.from([0x37, 0xfa, 0x21, 0x3d]), Buffer.from([0xfa, 0x21, 0x3d, 0x80])]) {
    for (const length of [0, 1, 3, 31, 32, 33, 36, 40, 44, 45, 64, 127, 250]) {
      for (let start = 0; start < 4; start++) {
        for (let offset = 0; offset < 5; offset++) {
          const wire = backing.subarray(start, start + length);
          const expected = Buffer.from(wire.map((b, i) => b ^ mask[(offset + i) & 3]!));
          const got = unmask(wire, mask.readUInt32BE(0), offset);
          assert.deepEqual(got, expected, `length ${length} start ${start} offset ${offset}`);
        }
      }
    }
  }
  for (let i = 0; i < backing.length; i++)
    assert.equal(backing[i], (i * 31 + 7) & 0xff, 'wire bytes untouched');
});

test('maskHex: the four mask bytes as lower-case hex, leading zeros kept', () => {
  for (const hex of ['37fa213d', 'fa213d80', '00000000', '000a0b0c', 'ffffffff']) {
    assert.equal(maskHex(Buffer.from(hex, 'hex').readUInt32BE(0)), hex);
  }
});

test('the page keeps its own copy of the session-moved close code (it is served alone): the same number', async () => {
  const page = await import('../web/connection.js');
  assert.equal(page.CLOSE_SESSION_MOVED, CLOSE.SESSION_MOVED);
});

test('unmaskIntoWords: every length and mask offset equals the byte-by-byte XOR, into reused memory', () => {
  const src = Buffer.alloc(400);
  for (let i = 0; i < src.length; i++) src[i] = (i * 17 + 5) & 0xff;
  const out = Buffer.alloc(512, 0xaa);
  const words = new Int32Array(out.buffer, out.byteOffset, 128);
  const key = Buffer.from([0xfa, 0x21, 0x3d, 0x80]);
  for (const length of [0, 1, 5, 95, 96, 97, 99, 128, 250, 390]) {
    for (const start of [0, 1, 3]) {
      for (let offset = 0; offset < 5; offset++) {
        unmaskIntoWords(src, start, start + length, key.readUInt32BE(0), offset, out, words);
        const want = Buffer.from(
          src.subarray(start, start + length).map((b, i) => b ^ key[(offset + i) & 3]!),
        );
        assert.deepEqual(out.subarray(0, length), want, `length ${length} start ${start} offset ${offset}`);
      }
    }
  }
});

test('no other module builds or parses a frame header: the 16-bit length marker 126 appears nowhere else', () => {
  // Header code always meets the marker of the 16-bit length form; tests may spell out raw bytes.
  const srcDir = join(projectRoot, 'src');
  const offenders: string[] = [];
  for (const entry of readdirSync(srcDir, { recursive: true, encoding: 'utf8' })) {
    if (
      !entry.endsWith('.ts') ||
      entry.endsWith('.test.ts') ||
      entry === join('shared', 'websocket-framing.ts')
    )
      continue;
    const text = readFileSync(join(srcDir, entry), 'utf8');
    if (/\b(126|0x7e)\b/.test(text)) offenders.push(entry);
  }
  assert.deepEqual(offenders, []);
});
