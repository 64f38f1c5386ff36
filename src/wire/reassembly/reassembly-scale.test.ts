// Reassembly at size: many tiny out-of-order pieces (forwards, backwards, shuffled) come out
// right, the block list keeps its order, and what is buffered is charged to the memory budget
// and given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBudget } from '../budget/memory-budget.js';
import { PIECE_OVERHEAD, StreamReassembler, type ReassemblyListener } from './stream-reassembler.js';
import { PieceList } from './piece-list.js';
import { seqAdd } from './seq.js';

function collector(): ReassemblyListener & { out: Buffer[]; gaps: number[]; ended: boolean } {
  const c = {
    out: [] as Buffer[],
    gaps: [] as number[],
    ended: false,
    onData: (b: Buffer) => c.out.push(Buffer.from(b)),
    onGap: (n: number) => c.gaps.push(n),
    onEnd: () => (c.ended = true),
    onProblem: () => undefined,
  };
  return c;
}

/** Byte i of the test stream. */
const byteAt = (i: number): number => (i * 7 + 3) & 0xff;

function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const N = 100_000;
for (const [name, order] of [
  ['forwards', Array.from({ length: N }, (_, i) => i)],
  ['backwards', Array.from({ length: N }, (_, i) => N - 1 - i)],
  ['shuffled', shuffled(N)],
] as const) {
  test(`reassembly: ${N} one-byte segments after a hole, ${name}: every byte once, in order`, () => {
    const isn = 0xfffff000; // the stream wraps the 32-bit sequence space on the way
    const c = collector();
    const budget = createMemoryBudget(1 << 30);
    const r = new StreamReassembler(c, { maxBufferedBytes: 1 << 30, budget });
    r.syn(isn);
    // Byte 0 is the hole: every other byte waits for it.
    for (const i of order) {
      if (i === 0) continue;
      r.push(seqAdd(isn, 1 + i), Buffer.from([byteAt(i)]), 1, false);
    }
    assert.equal(r.pendingPieces > 0, true);
    assert.equal(budget.used, r.bufferedBytes + r.pendingPieces * PIECE_OVERHEAD);
    assert.equal(c.out.length, 0);
    r.push(seqAdd(isn, 1), Buffer.from([byteAt(0)]), 1, false);
    const all = Buffer.concat(c.out);
    assert.equal(all.length, N);
    for (let i = 0; i < N; i++) if (all[i] !== byteAt(i)) assert.fail(`byte ${i} wrong`);
    assert.equal(r.pendingPieces, 0);
    assert.equal(budget.used, 0);
  });
}

test('reassembly: giveUpHoles turns every hole into a gap, delivers the rest and releases the budget', () => {
  const c = collector();
  const budget = createMemoryBudget(1 << 20);
  const r = new StreamReassembler(c, { budget });
  r.syn(1000);
  for (const at of [3, 5, 6, 9]) r.push(1001 + at, Buffer.from([byteAt(at)]), 1, false);
  assert.equal(budget.used, 4 + 4 * PIECE_OVERHEAD);
  assert.equal(r.giveUpHoles(), 4);
  assert.deepEqual(c.gaps, [3, 1, 2]);
  assert.deepEqual(Buffer.concat(c.out), Buffer.from([3, 5, 6, 9].map(byteAt)));
  assert.equal(budget.used, 0);
  // The stream goes on after the last delivered byte.
  r.push(1011, Buffer.from('z'), 1, false);
  assert.equal(Buffer.concat(c.out).subarray(-1).toString(), 'z');
});

test('piece list: inserts anywhere keep order across block splits; first/shift/pop agree', () => {
  const list = new PieceList<number>();
  const values = shuffled(5000);
  for (const v of values) {
    const at = list.seek((x) => x < v);
    list.insertBefore(at, v);
  }
  assert.equal(list.size, 5000);
  assert.deepEqual(
    list.toArray(),
    Array.from({ length: 5000 }, (_, i) => i),
  );
  assert.equal(list.first(), 0);
  assert.equal(list.last(), 4999);
  assert.equal(list.shift(), 0);
  assert.equal(list.pop(), 4999);
  assert.equal(list.size, 4998);
  const at = list.seek((x) => x < 2500);
  assert.equal(list.at(at), 2500);
  list.next(at);
  assert.equal(list.at(at), 2501);
});
