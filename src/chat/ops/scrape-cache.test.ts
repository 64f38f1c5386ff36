// The scrape cache on its own, with a clock of its own: one render for scrapes that overlap it,
// the text served again within the interval, a fresh render after it, and a failed render not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScrapeCache } from './scrape-cache.js';

test('overlapping scrapes share a render; the interval decides when the next one happens', async () => {
  let now = 0;
  let release = () => {};
  const cache = new ScrapeCache(
    (n) => new Promise<string>((resolve) => (release = () => resolve(`render ${n}`))),
    1000,
    () => now,
  );
  const overlapping = [cache.get(), cache.get(), cache.get()];
  release();
  assert.deepEqual(await Promise.all(overlapping), ['render 1', 'render 1', 'render 1']);
  now = 999;
  assert.equal(await cache.get(), 'render 1');
  now = 1000;
  const next = cache.get();
  release();
  assert.equal(await next, 'render 2');
  assert.equal(cache.renders, 2);
});

test('a failed render is not kept: the next scrape renders again', async () => {
  let fail = true;
  const cache = new ScrapeCache(
    async (n) => {
      if (fail) throw new Error('broker gone');
      return `render ${n}`;
    },
    60_000,
    () => 0,
  );
  await assert.rejects(cache.get(), /broker gone/);
  fail = false;
  assert.equal(await cache.get(), 'render 2');
  assert.equal(await cache.get(), 'render 2');
});
