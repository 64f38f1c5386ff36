import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrameParser, type FrameHeader } from './frame-parser.js';

interface Parsed {
  header: FrameHeader;
  payload: string;
}

/** Parses `bytes` pushed in the given pieces; returns the frames and any fatal code. */
function parse(pieces: Buffer[]): { frames: Parsed[]; fatal?: string } {
  const frames: Parsed[] = [];
  let current: Buffer[] = [];
  let fatal: string | undefined;
  const parser = createFrameParser({
    onHeader: () => {
      current = [];
    },
    onPayload: (chunk) => current.push(Buffer.from(chunk)),
    // The header is the parser's own object, reused for the next frame: copied.
    onFrameEnd: (header) =>
      frames.push({ header: { ...header }, payload: Buffer.concat(current).toString('latin1') }),
    onFatal: (code) => {
      fatal = code;
    },
  });
  for (const piece of pieces) parser.push(piece);
  return fatal === undefined ? { frames } : { frames, fatal };
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 6455 §5.7 examples.
const cases: Array<{ name: string; bytes: Buffer; want: Array<Partial<FrameHeader> & { payload: string }> }> =
  [
    {
      name: 'single-frame unmasked text',
      bytes: hex('810548656c6c6f'),
      want: [{ fin: true, opcode: 1, masked: false, length: 5, headerLength: 2, payload: 'Hello' }],
    },
    {
      name: 'single-frame masked text',
      bytes: hex('818537fa213d7f9f4d5158'),
      want: [{ fin: true, opcode: 1, masked: true, length: 5, headerLength: 6, payload: 'Hello' }],
    },
    {
      name: 'fragmented unmasked text',
      bytes: hex('010348656c 80026c6f'),
      want: [
        { fin: false, opcode: 1, payload: 'Hel' },
        { fin: true, opcode: 0, payload: 'lo' },
      ],
    },
    {
      name: 'unmasked ping',
      bytes: hex('890548656c6c6f'),
      want: [{ fin: true, opcode: 9, payload: 'Hello' }],
    },
    {
      name: 'masked pong',
      bytes: hex('8a8537fa213d7f9f4d5158'),
      want: [{ fin: true, opcode: 10, masked: true, payload: 'Hello' }],
    },
    {
      name: 'empty close then RSV1 text',
      bytes: hex('8800 c10548656c6c6f'),
      want: [
        { opcode: 8, length: 0, payload: '' },
        { opcode: 1, rsv1: true, payload: 'Hello' },
      ],
    },
  ];

for (const c of cases) {
  test(`frame parser: ${c.name}, split at every byte`, () => {
    for (const pieces of splits(c.bytes)) {
      const { frames, fatal } = parse(pieces);
      assert.equal(fatal, undefined);
      assert.equal(frames.length, c.want.length, `pieces ${pieces.map((p) => p.length).join('+')}`);
      c.want.forEach((want, i) => {
        const { payload, ...header } = want;
        assert.equal(frames[i].payload, payload);
        for (const [key, value] of Object.entries(header)) {
          assert.equal(frames[i].header[key as keyof FrameHeader], value, key);
        }
      });
    }
  });
}

test('frame parser: 256-byte binary (16-bit length), split at every byte', () => {
  const payload = Buffer.alloc(256, 0x61);
  const bytes = Buffer.concat([hex('827e0100'), payload]);
  for (const pieces of splits(bytes)) {
    const { frames } = parse(pieces);
    assert.equal(frames.length, 1);
    assert.equal(frames[0].header.length, 256);
    assert.equal(frames[0].header.headerLength, 4);
    assert.equal(frames[0].payload, payload.toString('latin1'));
  }
});

test('frame parser: 64 KiB masked binary (64-bit length) unmasked in full across pushes', () => {
  const payload = Buffer.alloc(65536);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
  const mask = hex('a1b2c3d4');
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  const bytes = Buffer.concat([hex('82ff0000000000010000'), mask, masked]);
  // Odd chunk sizes so the mask offset differs at every chunk start.
  for (const size of [1, 3, 7, 1000, 65549, bytes.length]) {
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
    const { frames } = parse(pieces);
    assert.equal(frames.length, 1);
    assert.equal(frames[0].header.length, 65536);
    assert.equal(frames[0].header.headerLength, 14);
    assert.ok(Buffer.from(frames[0].payload, 'latin1').equals(payload), `chunk size ${size}`);
  }
});

test('frame parser: an absurd 64-bit length stops the parser with WS_LENGTH_IMPOSSIBLE, allocating nothing', () => {
  const { frames, fatal } = parse([hex('82ff7fffffffffffffff'), Buffer.alloc(100)]);
  assert.equal(fatal, 'WS_LENGTH_IMPOSSIBLE');
  assert.equal(frames.length, 0);
  // Just above 2^53 - 1 is refused too; 2^53 - 1 itself is a (huge) legal length.
  assert.equal(parse([hex('827f0020000000000000')]).fatal, 'WS_LENGTH_IMPOSSIBLE');
  assert.equal(parse([hex('827f001fffffffffffff')]).fatal, undefined);
});

test('frame parser: skip() keeps step inside a payload and reports lost sync outside it', () => {
  const frames: string[] = [];
  let payload: Buffer[] = [];
  const parser = createFrameParser({
    onHeader: () => (payload = []),
    onPayload: (chunk) => payload.push(Buffer.from(chunk)),
    onFrameEnd: () => frames.push(Buffer.concat(payload).toString()),
    onFatal: () => assert.fail('no fatal expected'),
  });
  parser.push(hex('810a') /* text, 10 bytes */);
  parser.push(Buffer.from('abc'));
  assert.equal(parser.skip(4), true); // 4 of the remaining 7 lost
  parser.push(Buffer.from('hij'));
  parser.push(hex('810548656c6c6f'));
  assert.deepEqual(frames, ['abchij', 'Hello']);
  assert.equal(parser.atBoundary, true);
  assert.equal(parser.skip(3), false); // between frames: position unknown afterwards
});
