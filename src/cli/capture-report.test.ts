// The end of a live run: tcpdump's statistics, and a drop said clearly (even with --quiet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureReportLines } from './capture-report.js';

const result = (dropped: number | undefined, stats = ['10 packets captured']) => ({
  stats,
  captured: 10,
  receivedByFilter: 10,
  droppedByKernel: dropped,
});
const context = { command: 'demo', quiet: false, readerWasSlow: false, bufferKiB: 131072 };

test('no drop: only the statistics line', () => {
  assert.deepEqual(captureReportLines(result(0), context), ['tcpdump: 10 packets captured']);
  assert.deepEqual(captureReportLines(result(0), { ...context, quiet: true }), []);
});

test('kernel drops: a WARNING that says what to raise, shown even with --quiet', () => {
  const lines = captureReportLines(result(14), { ...context, quiet: true });
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^wirechat demo: WARNING: the kernel dropped 14 packets: the conversation has holes/,
  );
  assert.match(lines[0]!, /raise -B, now 131072 KiB/);
  const slow = captureReportLines(result(1), { ...context, readerWasSlow: true });
  assert.match(slow[1]!, /dropped 1 packet: .*the view's reader did not keep up/);
});

test('stopped before tcpdump started: the statistics line says there are none', () => {
  assert.deepEqual(captureReportLines(result(undefined, []), context), [
    'tcpdump: no statistics (it was stopped before it started capturing)',
  ]);
});
