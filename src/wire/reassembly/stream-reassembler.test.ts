// Table tests: segments in → bytes, gaps and problems out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentClass, StreamReassembler, type ReassemblyListener } from './stream-reassembler.js';
import { seqAdd, seqDiff } from './seq.js';
import { HistoryQueue } from './history-ring.js';

interface Seg {
  seq: number;
  text: string;
  /** Bytes on the wire when more than captured (snaplen cut). */
  wire?: number;
  fin?: boolean;
}

interface Case {
  name: string;
  isn: number;
  segs: Seg[];
  /** Output as text: data verbatim, gaps as <gap N>, end as <end>. */
  out: string;
  problems?: string[];
  finish?: boolean;
  maxBufferedBytes?: number;
}

function run(c: Case): { out: string; problems: string[]; classes: SegmentClass[] } {
  let out = '';
  const problems: string[] = [];
  const listener: ReassemblyListener = {
    onData: (b) => (out += b.toString('latin1')),
    onGap: (n) => (out += `<gap ${n}>`),
    onEnd: () => (out += '<end>'),
    onProblem: (kind, bytes) => problems.push(`${kind} ${bytes}`),
  };
  const r = new StreamReassembler(listener, { maxBufferedBytes: c.maxBufferedBytes ?? 1 << 20 });
  r.syn(c.isn);
  const classes: SegmentClass[] = [];
  for (const s of c.segs) {
    const payload = Buffer.from(s.text, 'latin1');
    classes.push(r.push(seqAdd(c.isn, s.seq), payload, s.wire ?? payload.length, s.fin ?? false));
  }
  if (c.finish) r.finish();
  return { out, problems, classes };
}

const ISN = 1000;
const cases: Case[] = [
  {
    name: 'in order',
    isn: ISN,
    segs: [
      { seq: 1, text: 'hello ' },
      { seq: 7, text: 'world' },
    ],
    out: 'hello world',
  },
  {
    name: 'reversed',
    isn: ISN,
    segs: [
      { seq: 7, text: 'ccc' },
      { seq: 4, text: 'bbb' },
      { seq: 1, text: 'aaa' },
    ],
    out: 'aaabbbccc',
    problems: ['tcp.out-of-order 3', 'tcp.out-of-order 3'],
  },
  {
    name: 'duplicated: delivered once, reported as retransmission',
    isn: ISN,
    segs: [
      { seq: 1, text: 'abcd' },
      { seq: 1, text: 'abcd' },
      { seq: 5, text: 'ef' },
    ],
    out: 'abcdef',
    problems: ['tcp.retransmission 4'],
  },
  {
    name: 'duplicate of a buffered segment',
    isn: ISN,
    segs: [
      { seq: 5, text: 'efgh' },
      { seq: 5, text: 'efgh' },
      { seq: 1, text: 'abcd' },
    ],
    out: 'abcdefgh',
    problems: ['tcp.out-of-order 4', 'tcp.retransmission 4'],
  },
  {
    name: 'overlap with different bytes: first copy wins (delivered data)',
    isn: ISN,
    segs: [
      { seq: 1, text: 'abcdef' },
      { seq: 4, text: 'XYZghi' },
    ],
    out: 'abcdefghi',
    problems: ['tcp.overlap-conflict 3'],
  },
  {
    name: 'overlap with different bytes: first copy wins (buffered data)',
    isn: ISN,
    segs: [
      { seq: 4, text: 'def' },
      { seq: 1, text: 'abcXYZg' },
    ],
    out: 'abcdefg',
    problems: ['tcp.out-of-order 3', 'tcp.overlap-conflict 3'],
  },
  {
    name: 'wrap around 2^32',
    isn: 0xfffffffa,
    segs: [
      { seq: 1, text: 'abc' },
      { seq: 7, text: 'ghi' },
      { seq: 4, text: 'def' },
    ],
    out: 'abcdefghi',
    problems: ['tcp.out-of-order 3'],
  },
  {
    name: 'gap at the end of the capture, then the buffered bytes',
    isn: ISN,
    segs: [
      { seq: 1, text: 'ab' },
      { seq: 6, text: 'fg' },
    ],
    finish: true,
    out: 'ab<gap 3>fg<end>',
    problems: ['tcp.out-of-order 2'],
  },
  {
    name: 'buffer limit reached: gap declared, stream resynchronises',
    isn: ISN,
    maxBufferedBytes: 4,
    segs: [
      { seq: 1, text: 'ab' },
      { seq: 10, text: 'jkl' },
      { seq: 13, text: 'mno' },
      { seq: 16, text: 'p' },
    ],
    out: 'ab<gap 7>jklmnop',
    problems: ['tcp.out-of-order 3', 'tcp.out-of-order 3'],
  },
  {
    name: 'FIN consumes one sequence number and ends the stream',
    isn: ISN,
    segs: [
      { seq: 1, text: 'abc', fin: true },
      { seq: 4, text: '' },
    ],
    out: 'abc<end>',
  },
  {
    name: 'FIN before missing data waits for it',
    isn: ISN,
    segs: [
      { seq: 4, text: 'def', fin: true },
      { seq: 1, text: 'abc' },
    ],
    out: 'abcdef<end>',
    problems: ['tcp.out-of-order 3'],
  },
  {
    name: 'FIN with a hole that never fills: gap at finish',
    isn: ISN,
    segs: [{ seq: 4, text: 'def', fin: true }],
    finish: true,
    out: '<gap 3>def<end>',
    problems: ['tcp.out-of-order 3'],
  },
  {
    name: 'snaplen cut: captured bytes then a gap for the rest',
    isn: ISN,
    segs: [
      { seq: 1, text: 'abc', wire: 10 },
      { seq: 11, text: 'k' },
    ],
    out: 'abc<gap 7>k',
  },
  {
    name: 'partial retransmission: only the new bytes are delivered',
    isn: ISN,
    segs: [
      { seq: 1, text: 'abcd' },
      { seq: 3, text: 'cdef' },
    ],
    out: 'abcdef',
    problems: ['tcp.retransmission 2'],
  },
];

for (const c of cases) {
  test(`reassembly: ${c.name}`, () => {
    const r = run(c);
    assert.equal(r.out, c.out);
    assert.deepEqual(r.problems, c.problems ?? []);
  });
}

test('reassembly: segment classes for roles (data, retransmission, keep-alive)', () => {
  const r = run({
    name: '',
    isn: ISN,
    segs: [
      { seq: 1, text: 'abcd' },
      { seq: 1, text: 'abcd' },
      { seq: 4, text: 'x' },
      { seq: 4, text: '' },
    ],
    out: '',
  });
  assert.deepEqual(r.classes, [
    SegmentClass.Data,
    SegmentClass.Retransmission,
    SegmentClass.KeepAlive,
    SegmentClass.KeepAlive,
  ]);
  assert.equal(r.out, 'abcd');
});

test('reassembly: every permutation of five overlapping segments yields the same bytes', () => {
  const text = 'the quick brown fox jumps';
  const segs: Seg[] = [
    { seq: 1, text: text.slice(0, 6) },
    { seq: 4, text: text.slice(3, 12) },
    { seq: 11, text: text.slice(10, 16) },
    { seq: 16, text: text.slice(15, 20) },
    { seq: 19, text: text.slice(18) },
  ];
  const perms = (a: Seg[]): Seg[][] =>
    a.length <= 1
      ? [a]
      : a.flatMap((x, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
  for (const order of perms(segs)) {
    const r = run({ name: '', isn: 0xfffffff0, segs: order, out: '', finish: true });
    assert.equal(r.out, text + '<end>');
    assert.ok(!r.problems.some((p) => p.startsWith('tcp.overlap-conflict')));
  }
});

test('reassembly: buffered bytes are bounded by maxBufferedBytes', () => {
  const r = new StreamReassembler(
    { onData: () => {}, onGap: () => {}, onEnd: () => {}, onProblem: () => {} },
    { maxBufferedBytes: 1000 },
  );
  r.syn(0);
  // Every segment leaves a hole before it: without the limit all of them would be kept.
  for (let i = 0; i < 500; i++) {
    r.push(2 + i * 200, Buffer.alloc(100, 1), 100, false);
    assert.ok(r.bufferedBytes <= 1000, `buffered ${r.bufferedBytes}`);
  }
});

test('reassembly: retransmissions of delivered bytes are compared with the history, across its wrap', () => {
  const problems: string[] = [];
  let out = '';
  const r = new StreamReassembler(
    {
      onData: (b) => (out += b.toString('latin1')),
      onGap: () => {},
      onEnd: () => {},
      onProblem: (kind, bytes) => problems.push(`${kind} ${bytes}`),
    },
    { historyBytes: 16 },
  );
  r.syn(ISN);
  const push = (seq: number, text: string): SegmentClass =>
    r.push(seqAdd(ISN, seq), Buffer.from(text, 'latin1'), text.length, false);
  // In order, nothing waiting: the ring fills (10 bytes), wraps (6 + 4), then holds the last 16.
  push(1, 'abcdefghij');
  push(11, 'klmnopqrst');
  push(21, 'uvw');
  assert.equal(out, 'abcdefghijklmnopqrstuvw');
  // Copies of bytes the ring holds: the same bytes are a retransmission, others a conflict
  // ("opqr" lies on both sides of the point where the ring wrapped).
  assert.equal(push(13, 'mnop'), SegmentClass.Retransmission);
  assert.equal(push(13, 'MNOP'), SegmentClass.Retransmission);
  assert.equal(push(15, 'opqr'), SegmentClass.Retransmission);
  assert.equal(push(15, 'opQr'), SegmentClass.Retransmission);
  assert.deepEqual(problems, [
    'tcp.retransmission 4',
    'tcp.overlap-conflict 4',
    'tcp.retransmission 4',
    'tcp.overlap-conflict 4',
  ]);
  assert.equal(out, 'abcdefghijklmnopqrstuvw');
});

test('reassembly: with a history queue, delivered bytes are copied in when it is settled, compared the same', () => {
  const problems: string[] = [];
  const queue = new HistoryQueue();
  const r = new StreamReassembler(
    {
      onData: () => {},
      onGap: () => {},
      onEnd: () => {},
      onProblem: (kind, bytes) => problems.push(`${kind} ${bytes}`),
    },
    { historyBytes: 16, historyQueue: queue },
  );
  r.syn(ISN);
  const chunk = Buffer.from('abcdefghijklmnopqrstuvw', 'latin1');
  // Delivered as views of one chunk, nothing copied yet.
  r.push(seqAdd(ISN, 1), chunk.subarray(0, 10), 10, false);
  r.push(seqAdd(ISN, 11), chunk.subarray(10, 20), 10, false);
  r.push(seqAdd(ISN, 21), chunk.subarray(20), 3, false);
  const push = (seq: number, text: string): SegmentClass =>
    r.push(seqAdd(ISN, seq), Buffer.from(text, 'latin1'), text.length, false);
  // A comparison before the queue is settled takes the copies it needs first.
  assert.equal(push(15, 'opqr'), SegmentClass.Retransmission);
  assert.equal(push(15, 'opQr'), SegmentClass.Retransmission);
  // More views, then the queue settled and the chunk let go (overwritten here): the ring kept
  // its own copy of the last 16 bytes.
  const next = Buffer.from('xyz0123', 'latin1');
  r.push(seqAdd(ISN, 24), next, next.length, false);
  queue.settle();
  next.fill(0);
  chunk.fill(0);
  assert.equal(push(20, 'tuvwxyz0'), SegmentClass.Retransmission);
  assert.equal(push(27, '0I2'), SegmentClass.Retransmission);
  assert.deepEqual(problems, [
    'tcp.retransmission 4',
    'tcp.overlap-conflict 4',
    'tcp.retransmission 8',
    'tcp.overlap-conflict 3',
  ]);
});

test('reassembly: with a history queue, thousands of one-byte segments in one chunk keep only the last bytes', () => {
  const problems: string[] = [];
  const r = new StreamReassembler(
    { onData: () => {}, onGap: () => {}, onEnd: () => {}, onProblem: (k, n) => problems.push(`${k} ${n}`) },
    { historyBytes: 16, historyQueue: new HistoryQueue() },
  );
  r.syn(ISN);
  const text = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  const chunk = Buffer.from(text, 'latin1');
  for (let i = 0; i < chunk.length; i++) r.push(seqAdd(ISN, 1 + i), chunk.subarray(i, i + 1), 1, false);
  // The last 16 delivered bytes are compared; older ones are unknown (counted as retransmitted).
  const tail = text.slice(-16);
  r.push(seqAdd(ISN, 5000 - 15), Buffer.from(tail, 'latin1'), 16, false);
  r.push(seqAdd(ISN, 5000 - 15), Buffer.from(tail.toUpperCase(), 'latin1'), 16, false);
  r.push(seqAdd(ISN, 1), Buffer.from('ZZZZ', 'latin1'), 4, false);
  assert.deepEqual(problems, ['tcp.retransmission 16', 'tcp.overlap-conflict 16', 'tcp.retransmission 4']);
});

test('seq arithmetic wraps', () => {
  assert.equal(seqAdd(0xffffffff, 2), 1);
  assert.equal(seqDiff(1, 0xffffffff), 2);
  assert.equal(seqDiff(0xffffffff, 1), -2);
});
