// The contract every AddressLedger keeps (see address-ledger.ts), as one suite run against each
// implementation: memory (one process), the cluster's (workers through the primary) and Redis's
// (nodes through Redis). Two participants `a` and `b` stand for two workers or nodes that see
// connections from the same address; `settle` lets the spread ones exchange their counts (the
// memory ledger is one participant seen twice, so it has nothing to settle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressLedger, AddressLimits } from '../../chat/limits/address-ledger.js';

export interface LedgerPair {
  a: AddressLedger;
  b: AddressLedger;
  /** Every participant has exchanged with every other (after it returns). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export type LedgerPairFactory = (limits: AddressLimits) => Promise<LedgerPair>;

const off: AddressLimits = { maxOpen: 0, maxNew: 0, newWindowMs: 60_000, messageRate: 0, messageBurst: 0 };

export function addressLedgerContract(name: string, create: LedgerPairFactory): void {
  const withPair = async (limits: Partial<AddressLimits>, body: (p: LedgerPair) => Promise<void>) => {
    const pair = await create({ ...off, ...limits });
    try {
      await body(pair);
    } finally {
      await pair.close();
    }
  };

  test(`${name}: open connections per address are capped over every participant; a close frees one`, () =>
    withPair({ maxOpen: 3 }, async ({ a, b, settle }) => {
      const now = Date.now();
      assert.equal(a.open('10.0.0.1', now), 'ok');
      assert.equal(a.open('10.0.0.1', now), 'ok');
      await settle();
      assert.equal(b.open('10.0.0.1', now), 'ok');
      await settle();
      assert.equal(b.open('10.0.0.1', now), 'ADDRESS_TOO_MANY_CONNECTIONS');
      assert.equal(a.open('10.0.0.1', now), 'ADDRESS_TOO_MANY_CONNECTIONS');
      assert.equal(b.open('10.0.0.2', now), 'ok', 'another address is not affected');
      a.release('10.0.0.1');
      await settle();
      assert.equal(b.open('10.0.0.1', now), 'ok', 'the freed place is usable elsewhere');
      await settle();
      assert.equal(a.open('10.0.0.1', now), 'ADDRESS_TOO_MANY_CONNECTIONS');
    }));

  test(`${name}: a refused open holds nothing`, () =>
    withPair({ maxOpen: 1 }, async ({ a, settle }) => {
      const now = Date.now();
      assert.equal(a.open('10.0.0.3', now), 'ok');
      for (let i = 0; i < 5; i++) assert.equal(a.open('10.0.0.3', now), 'ADDRESS_TOO_MANY_CONNECTIONS');
      a.release('10.0.0.3');
      await settle();
      assert.equal(a.open('10.0.0.3', now), 'ok');
    }));

  test(`${name}: new connections per address per window are capped over every participant`, () =>
    withPair({ maxNew: 3 }, async ({ a, b, settle }) => {
      const now = Date.now();
      assert.equal(a.open('10.0.0.4', now), 'ok');
      assert.equal(a.open('10.0.0.4', now), 'ok');
      a.release('10.0.0.4');
      a.release('10.0.0.4');
      await settle();
      assert.equal(b.open('10.0.0.4', now), 'ok');
      await settle();
      // Closing does not give a new connection back: the third was the last of this window.
      assert.equal(b.open('10.0.0.4', now), 'ADDRESS_TOO_MANY_NEW_CONNECTIONS');
      assert.equal(a.open('10.0.0.4', now), 'ADDRESS_TOO_MANY_NEW_CONNECTIONS');
      assert.equal(a.open('10.0.0.5', now), 'ok', 'another address is not affected');
    }));

  test(`${name}: the message budget per address is shared by every participant and refills with time`, () =>
    withPair({ messageRate: 10, messageBurst: 20 }, async ({ a, b, settle }) => {
      const now = Date.now();
      assert.equal(b.message('10.0.0.6', now), true, 'b has seen the address');
      await settle();
      for (let i = 0; i < 15; i++) assert.equal(a.message('10.0.0.6', now), true, `a: message ${i}`);
      await settle();
      let allowed = 0;
      for (let i = 0; i < 10; i++) if (b.message('10.0.0.6', now)) allowed++;
      assert.ok(allowed >= 4 && allowed <= 5, `b gets what is left of the burst: ${allowed}`);
      assert.equal(b.message('10.0.0.7', now), true, 'another address is not affected');
      await settle();
      assert.equal(a.message('10.0.0.6', now), false, 'a knows the budget is spent');
      // One second later: ten more (the rate), not more.
      allowed = 0;
      for (let i = 0; i < 20; i++) if (a.message('10.0.0.6', Date.now() + 1000)) allowed++;
      assert.ok(allowed >= 9 && allowed <= 12, `refilled by the rate, not more: ${allowed}`);
    }));

  test(`${name}: with every limit off nothing is refused`, () =>
    withPair({}, async ({ a, b }) => {
      const now = Date.now();
      for (let i = 0; i < 1000; i++) {
        assert.equal(a.open('10.0.0.8', now), 'ok');
        assert.equal(b.message('10.0.0.8', now), true);
      }
    }));
}
