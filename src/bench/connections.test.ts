// bench connections against real servers: a per-user memory number and every user reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConnections, readRss } from './connections.js';
import { Progress } from './progress.js';

const quiet = new Progress(process.stderr, true);

// Every target: each one once reached fewer than 200 here on a loaded machine (136 or 101 of 200)
// when the final broadcast reached a client process before that process heard the phase start;
// load-worker.test.ts covers that order directly.
for (const target of ['naive', 'limit', 'wirechat'] as const) {
  test(`connections --users 200 against ${target}: bytes per user reported, all reached`, async () => {
    const runs = await runConnections(
      { targets: [target], dialect: 'workerman', users: 200, procs: 2 },
      quiet,
    );
    const r = runs[0]!.result;
    assert.equal(r.users, 200);
    assert.equal(r.processes, 2);
    assert.ok(r.rssBeforeBytes !== null && r.rssBeforeBytes > 0);
    assert.ok(r.rssAfterBytes !== null && r.rssAfterBytes > 0);
    assert.equal(typeof r.bytesPerUser, 'number');
    assert.equal(r.reached, 200);
    assert.equal(r.allReached, true);
  });
}

test('readRss reads this process and is null for a process that does not exist', () => {
  assert.ok((readRss(process.pid) ?? 0) > 1024 * 1024);
  assert.equal(readRss(2 ** 31 - 1), null);
});

test('connections --rooms: users spread over rooms, one final broadcast per room reaches everyone', async () => {
  const runs = await runConnections(
    { targets: ['wirechat'], dialect: 'workerman', users: 120, rooms: 6, procs: 2 },
    quiet,
  );
  const r = runs[0]!.result;
  assert.equal(r.reached, 120);
  assert.equal(r.allReached, true);
});
