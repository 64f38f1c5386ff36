// The budget's pieces on their own: sizes as --max-memory takes them, accounts, and the
// rate-limited eviction reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetAccount, createMemoryBudget, parseSize } from './memory-budget.js';
import { createEvictionReporter } from './eviction-report.js';
import { createHeapGuard } from './heap-guard.js';
import type { WireEvent } from '../events.js';

for (const [text, bytes] of [
  ['1048576', 1048576],
  ['200M', 200 * 1024 ** 2],
  ['200MB', 200 * 1024 ** 2],
  ['200MiB', 200 * 1024 ** 2],
  ['1G', 1024 ** 3],
  ['1.5g', 1.5 * 1024 ** 3],
  ['512k', 512 * 1024],
  [' 64M ', 64 * 1024 ** 2],
  ['', undefined],
  ['M', undefined],
  ['-5M', undefined],
  ['12T', undefined],
  ['lots', undefined],
] as const) {
  test(`parseSize(${JSON.stringify(text)}) → ${String(bytes)}`, () => {
    assert.equal(parseSize(text), bytes);
  });
}

test('budget accounts: set/add charge the difference, clear gives everything back once', () => {
  const budget = createMemoryBudget(100);
  const a = new BudgetAccount(budget);
  const b = new BudgetAccount(budget);
  a.set(60);
  b.add(30);
  b.add(20);
  assert.equal(budget.used, 110);
  assert.equal(budget.over, true);
  a.set(10);
  assert.equal(budget.used, 60);
  assert.equal(budget.peak, 110);
  b.clear();
  b.clear();
  assert.equal(budget.used, 10);
  assert.equal(budget.over, false);
});

test('eviction reports: the first N are lines, the rest one closing line, all counted', () => {
  const events: WireEvent[] = [];
  const reporter = createEvictionReporter((e) => events.push(e), 3);
  for (let i = 1; i <= 1000; i++) {
    reporter.report({
      code: i % 2 ? 'FLOW_EVICTED' : 'WS_STATE_EVICTED',
      ts: i,
      src: 'a',
      dst: 'b',
      conn: i,
      packet: i,
      message: 'gone',
    });
  }
  reporter.finish(1000, 1000);
  reporter.finish(1000, 1000);
  assert.equal(events.length, 4);
  const last = events[3]!;
  assert.equal(last.event === 'decode.problem' && last.code, 'EVICTIONS_NOT_SHOWN');
  assert.match(last.event === 'decode.problem' ? last.message : '', /and 997 more/);
  assert.deepEqual(reporter.counts, { FLOW_EVICTED: 500, WS_STATE_EVICTED: 500 });
});

test('heap guard: a full collection when the heap grew past the slack, none while it did not', () => {
  const guard = createHeapGuard(4 * 1024 * 1024);
  guard.decoded(2 << 20);
  assert.equal(guard.collections, 0);
  // ~16 MB of small objects, kept: the heap grows past the slack whatever the collector does.
  const kept = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `row ${i} ${'x'.repeat(40)}` }));
  guard.decoded(2 << 20);
  assert.equal(guard.collections, 1);
  guard.decoded(2 << 20);
  assert.equal(guard.collections, 1);
  // Looks at the heap only once per MiB of input.
  for (let i = 0; i < 200_000; i++) kept.push({ i, s: `more ${i} ${'y'.repeat(40)}` });
  guard.decoded(1000);
  assert.equal(guard.collections, 1);
  assert.equal(kept.length, 400_000);
});
