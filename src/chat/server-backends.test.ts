// The composition root and its backends: a server handed backends (as a cluster worker is) uses
// them and builds none of its own, and whatever the server uses it closes once — on shutdown and
// when it cannot start — down to the Redis connections of a node on Redis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { singleNodeBackends } from './backends.js';
import { MemoryBroker } from './broker/memory-broker.js';
import { createChatServer } from './server.js';
import { SqliteHistory } from './store/sqlite-history.js';
import { TestRedis } from '../testing/chat/redis-server.js';
import { openClient } from '../testing/chat/chat-client.js';

class CountedBroker extends MemoryBroker {
  closes = 0;
  override async close(): Promise<void> {
    this.closes++;
    await super.close();
  }
}

class CountedHistory extends SqliteHistory {
  closes = 0;
  override close(): void {
    this.closes++;
    super.close();
  }
}

const quiet = { host: '127.0.0.1', wsPort: 0, webPort: 0, logLevel: 'silent' } as const;

function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-backends-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const counted = (dir: string) => {
  const broker = new CountedBroker('n1');
  const history = new CountedHistory(join(dir, 'history.sqlite'));
  return { broker, history, backends: singleNodeBackends(broker, history) };
};

test('a server handed its backends uses them, builds none, and closes each once', () =>
  withDir(async (dir) => {
    const { broker, history, backends } = counted(dir);
    const server = await createChatServer({ ...quiet, nodeId: 'n1' }, undefined, { backends });
    assert.ok(broker.isSubscribed('node:n1'), 'the hub listens on the broker it was handed');
    const client = await openClient(server.wsPort);
    client.send({ type: 'join', name: 'ann', room: 'lobby' });
    await client.nextOfType('welcome');
    client.send({ type: 'send', to: 'all', text: 'kept' });
    await client.nextOfType('message');
    assert.deepEqual(
      (await history.recent('lobby', 10)).map((m) => m.text),
      ['kept'],
      'the history handed in is the one written',
    );
    client.ws.terminate();
    await Promise.all([server.close(), server.close()]);
    await server.close();
    assert.equal(broker.closes, 1);
    assert.equal(history.closes, 1);
  }));

async function occupiedPort(): Promise<Server> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return holder;
}

for (const port of ['wsPort', 'webPort'] as const) {
  test(`a server whose ${port} is taken fails with PORT_IN_USE and closes its backends once`, () =>
    withDir(async (dir) => {
      const holder = await occupiedPort();
      try {
        const { broker, history, backends } = counted(dir);
        const taken = (holder.address() as { port: number }).port;
        await assert.rejects(createChatServer({ ...quiet, [port]: taken }, undefined, { backends }), {
          code: 'PORT_IN_USE',
        });
        assert.equal(broker.closes, 1);
        assert.equal(history.closes, 1);
      } finally {
        holder.close();
      }
    }));
}

/** This Redis's connections opened by wirechat nodes (each names its two: cmd and sub). */
async function wirechatConnections(admin: Redis): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  return list.split('\n').filter((line) => / name=wirechat-/.test(line)).length;
}

test('a node on Redis closes its Redis connections when it closes', async () => {
  const redis = await TestRedis.start();
  const admin = new Redis(redis.url);
  try {
    const server = await createChatServer({ ...quiet, redis: redis.url });
    const deadline = Date.now() + 10_000;
    while ((await wirechatConnections(admin)) < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await wirechatConnections(admin), 2, 'one command and one subscriber connection');
    await server.close();
    while ((await wirechatConnections(admin)) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await wirechatConnections(admin), 0);
  } finally {
    admin.disconnect();
    await redis.stop();
  }
});
