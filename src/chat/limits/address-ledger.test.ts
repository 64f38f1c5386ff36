// The AddressLedger contract on all three implementations: memory; the cluster's (two workers'
// ledgers exchanging with the primary's over a channel that carries the same messages as IPC);
// Redis's (two nodes' ledgers on one real redis-server).
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { IpcLedgerBackend, PrimaryLedger, type LedgerMessage } from '../cluster/cluster-ledger.js';
import { TestRedis } from '../../testing/chat/redis-server.js';
import { addressLedgerContract } from '../../testing/chat/address-ledger-contract.js';
import { MemoryAddressLedger, type AddressLimits } from './address-ledger.js';
import { RedisLedgerBackend } from './redis-ledger-backend.js';
import { SyncedAddressLedger } from './synced-address-ledger.js';

// Exchanges happen when the test settles, not on a timer.
const NEVER = 3_600_000;

addressLedgerContract('memory', (limits) => {
  const ledger = new MemoryAddressLedger(limits);
  return Promise.resolve({
    a: ledger,
    b: ledger,
    settle: () => Promise.resolve(),
    close: () => ledger.close(),
  });
});

addressLedgerContract('cluster', (limits) => {
  const primary = new PrimaryLedger();
  const worker = (id: number) => {
    // JSON both ways, as node:cluster's IPC would carry it.
    const backend: IpcLedgerBackend = new IpcLedgerBackend((m) =>
      setImmediate(() =>
        primary.answer(id, JSON.parse(JSON.stringify(m)) as LedgerMessage, (reply) =>
          setImmediate(() => backend.receive(JSON.parse(JSON.stringify(reply)))),
        ),
      ),
    );
    return new SyncedAddressLedger(limits, backend, { participant: String(id), syncMs: NEVER });
  };
  const a = worker(1);
  const b = worker(2);
  return Promise.resolve(syncedPair(a, b));
});

let redis: TestRedis;
const clients: Redis[] = [];
let run = 0;
before(async () => {
  redis = await TestRedis.start();
});
after(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

addressLedgerContract('redis', (limits: AddressLimits) => {
  const prefix = `ledger-test-${++run}:`;
  const node = (id: string) => {
    const client = new Redis(redis.url, { lazyConnect: false });
    clients.push(client);
    return new SyncedAddressLedger(limits, new RedisLedgerBackend(client, prefix, 10_000, 60_000), {
      participant: id,
      syncMs: NEVER,
      onError: (err) => {
        throw err;
      },
    });
  };
  return Promise.resolve(syncedPair(node('node-a'), node('node-b')));
});

function syncedPair(a: SyncedAddressLedger, b: SyncedAddressLedger) {
  return {
    a,
    b,
    // Full exchanges: what the timer does for quiet addresses every other time.
    settle: async () => {
      await a.sync(true);
      await b.sync(true);
      await a.sync(true);
    },
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}
