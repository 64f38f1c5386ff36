// The primary gathers the workers' numbers once however many scrapes ask at the same time: asks
// made while a gathering is on its way share its sum, and the next ask starts a new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyStats, type NodeStats } from '../ops/metrics.js';
import type { PrimaryMessage } from './messages.js';
import { PrimaryStats, type StatsWorker } from './cluster-stats.js';

/** A worker's end of the IPC channel: what the primary sent it, in order. */
function worker(id: number): StatsWorker & { got: PrimaryMessage[] } {
  const got: PrimaryMessage[] = [];
  return { id, got, send: (message) => got.push(message) };
}

const stats = (messagesIn: number): NodeStats => ({ ...emptyStats(), messagesIn });

test('concurrent asks share one gathering; each asker gets the sum under its own id', () => {
  const primary = new PrimaryStats();
  const workers = [worker(1), worker(2), worker(3)];
  for (const [i, w] of workers.entries()) primary.ask(w, 100 + i, workers);
  primary.ask(workers[0]!, 200, workers);
  assert.equal(primary.started, 1);
  for (const w of workers) assert.deepEqual(w.got, [{ t: 'stats-ask', id: 1 }], 'asked once');

  for (const w of workers) primary.answer(w.id, 1, stats(w.id * 10));
  const answers = workers.flatMap((w) => w.got.filter((m) => m.t === 'stats'));
  assert.deepEqual(
    answers.map((m) => (m.t === 'stats' ? [m.id, m.stats.messagesIn] : [])),
    [
      [100, 60],
      [200, 60],
      [101, 60],
      [102, 60],
    ],
  );

  // Once answered, the next ask gathers again.
  primary.ask(workers[1]!, 300, workers);
  assert.equal(primary.started, 2);
  assert.deepEqual(workers[2]!.got.at(-1), { t: 'stats-ask', id: 2 });
});
