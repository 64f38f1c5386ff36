import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.js';

const opts = (r: number) => ({ baseMs: 1000, maxMs: 30_000, random: () => r });

test('delays grow exponentially and stop at the ceiling', () => {
  const delays = [0, 1, 2, 3, 4, 5, 6, 10, 50].map((a) => backoffDelay(a, opts(0.999999)));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
});

test('jitter never goes below half a step, so there is no tight loop', () => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const low = backoffDelay(attempt, opts(0));
    const high = backoffDelay(attempt, opts(0.999999));
    assert.ok(low >= 500, `attempt ${attempt}: ${low}`);
    assert.equal(low * 2, high);
  }
});

test('hostile inputs still give a sane delay', () => {
  for (const attempt of [-5, Number.NaN, Number.POSITIVE_INFINITY, 1e9]) {
    const d = backoffDelay(attempt, opts(0.5));
    assert.ok(d >= 500 && d <= 30_000, `${attempt}: ${d}`);
  }
  assert.equal(backoffDelay(0, { baseMs: 1000, maxMs: 30_000, random: () => 7 }), 1000);
});
