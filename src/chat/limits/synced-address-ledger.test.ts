// What a synced ledger sends where the counts meet: every address once, then only what changed
// (a close, new connections, messages), and quiet addresses again only on a full exchange, so
// 100,000 quiet addresses are not sent four times a second; an address with nothing left is
// forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressLimits } from './address-ledger.js';
import { MemoryLedgerBackend, SyncedAddressLedger, type ReportRow } from './synced-address-ledger.js';

const limits: AddressLimits = {
  maxOpen: 10,
  maxNew: 0,
  newWindowMs: 60_000,
  messageRate: 100,
  messageBurst: 200,
};

test('a synced ledger reports every address once, then only changes, and quiet ones on a full exchange', async () => {
  const meeting = new MemoryLedgerBackend(60_000);
  const reported: ReportRow[][] = [];
  const ledger = new SyncedAddressLedger(
    limits,
    {
      exchange: (participant, rows, l) => {
        reported.push(rows);
        return meeting.exchange(participant, rows, l);
      },
    },
    { participant: 'w1', syncMs: 3_600_000 },
  );
  try {
    const now = Date.now();
    for (let i = 0; i < 1000; i++) assert.equal(ledger.open(`10.1.${i >> 8}.${i & 255}`, now), 'ok');
    await ledger.sync();
    assert.equal(reported.at(-1)!.length, 1000);
    await ledger.sync();
    assert.equal(reported.length, 1, 'nothing changed: nothing sent');
    ledger.release('10.1.0.5');
    assert.equal(ledger.message('10.1.0.7', now), true);
    await ledger.sync();
    assert.deepEqual(
      reported.at(-1)!.map(([address, open, , messages]) => [address, open, messages]),
      [
        ['10.1.0.5', 0, 0],
        ['10.1.0.7', 1, 1],
      ],
    );
    await ledger.sync(true);
    // All but the one that has nothing open and nothing to refill: it is forgotten here.
    assert.equal(reported.at(-1)!.length, 999, 'a full exchange sends every address still held');
    assert.ok(!reported.at(-1)!.some(([address]) => address === '10.1.0.5'));
  } finally {
    await ledger.close();
  }
});
