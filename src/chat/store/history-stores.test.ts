// The history contract against every store: memory, SQLite (a file in a fresh folder) and Redis
// streams (a real redis-server), plus what only SQLite promises: history survives a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisBus } from '../broker/redis-bus.js';
import { TestRedis } from '../../testing/chat/redis-server.js';
import { historyContract } from '../../testing/chat/history-contract.js';
import { MemoryHistory } from './memory-history.js';
import { RedisHistory } from './redis-history.js';
import { SqliteHistory } from './sqlite-history.js';

const quiet = { info() {}, warn() {}, debug() {} };
let redis: TestRedis;
let run = 0;
const dirs: string[] = [];

before(async () => {
  redis = await TestRedis.start();
});
after(async () => {
  await redis.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-history-'));
  dirs.push(dir);
  return dir;
}

historyContract('MemoryHistory', async (limits) => ({ store: new MemoryHistory(limits), close() {} }));

historyContract('SqliteHistory', async (limits) => {
  const store = new SqliteHistory(join(tempDir(), 'history.sqlite'), limits);
  return { store, close: () => store.close() };
});

historyContract('RedisHistory', async (limits) => {
  const bus = new RedisBus({ url: redis.url, logger: quiet, prefix: `h${run++}:` });
  assert.ok(await bus.waitConnected(10_000));
  return { store: new RedisHistory(bus, limits), close: () => bus.close() };
});

test('SqliteHistory: history and increasing ids survive a restart', () => {
  const file = join(tempDir(), 'history.sqlite');
  const from = { id: 4503599627370497, name: 'a' };
  const first = new SqliteHistory(file, { perRoom: 10, maxRows: 100 }, () => 5000);
  const kept = first.append({ type: 'message', room: 'r', from, to: null, text: 'kept', ts: 1 }, true);
  first.close();
  const second = new SqliteHistory(file, { perRoom: 10, maxRows: 100 }, () => 4000); // the clock stepped back meanwhile
  try {
    assert.deepEqual(second.recentNow('r', 10), [kept]);
    const next = second.append({ type: 'message', room: 'r', from, to: null, text: 'next', ts: 2 }, true);
    assert.deepEqual(second.sinceNow('r', kept.id), { messages: [next], complete: true });
    assert.equal(next.id, '5000-1');
  } finally {
    second.close();
  }
});

test('SqliteHistory: a total row cap bounds the file however many rooms clients invent', () => {
  const store = new SqliteHistory(join(tempDir(), 'history.sqlite'), { perRoom: 10, maxRows: 500 });
  const from = { id: 4503599627370497, name: 'a' };
  try {
    for (let i = 0; i < 3000; i++)
      store.append({ type: 'message', room: `room${i}`, from, to: null, text: 'x', ts: 1 }, true);
    assert.deepEqual(store.recentNow('room0', 10), [], 'the oldest rooms went first');
    assert.equal(store.recentNow('room2999', 10).length, 1);
    assert.deepEqual(store.usage, { rooms: 500, rows: 500 }, 'no room is left without rows');
  } finally {
    store.close();
  }
});
