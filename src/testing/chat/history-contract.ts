// The contract every HistoryStore keeps (see history.ts), as one suite run against each store:
// memory, SQLite and Redis. Answers are awaited (stores in this process also answer at once,
// through `sync`, and must answer the same); the bounds on rooms and the expiry may act later
// too (Redis), so those are awaited with a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryStore } from '../../chat/store/history.js';

export interface HistoryFixture {
  store: HistoryStore;
  close(): Promise<void> | void;
}

export interface ContractLimits {
  perRoom: number;
  maxRooms?: number;
  expiryMs?: number;
}

/** Makes an empty store with these bounds (the others at their defaults). */
export type HistoryFactory = (limits: ContractLimits) => Promise<HistoryFixture>;

/** Polls `check` until it holds or 3 s pass (a shared store applies some bounds later). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 3000;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const from = { id: 4503599627370497, name: 'a' };
const to = { id: 4503599627370498, name: 'b' };
const say = (h: HistoryStore, room: string, text: string, keep = true) =>
  h.append({ type: 'message', room, from, to: keep ? null : to, text, ts: 1 }, keep);
const texts = (messages: { text: string }[]) => messages.map((m) => m.text);

export function historyContract(name: string, make: HistoryFactory): void {
  test(`${name}: resume from a kept id gives exactly the later public messages, in order`, async () => {
    const { store, close } = await make({ perRoom: 10 });
    try {
      const first = say(store, 'r', 'm1');
      say(store, 'r', 'secret', false);
      say(store, 's', 'other room');
      const second = say(store, 'r', 'm2');
      const third = say(store, 'r', 'm3');
      assert.equal(new Set([first.id, second.id, third.id]).size, 3, 'ids are unique');
      assert.deepEqual(await store.since('r', first.id), {
        messages: [second, third],
        complete: true,
      });
      assert.deepEqual(await store.since('r', third.id), { messages: [], complete: true });
      assert.deepEqual(texts(await store.recent('r', 2)), ['m2', 'm3']);
      assert.deepEqual(texts(await store.recent('s', 10)), ['other room']);
      // A store that also answers at once (the hub's fast path) answers the same.
      if (store.sync) {
        for (const after of [first.id, third.id, 'nonsense'])
          assert.deepEqual(store.sync.sinceNow('r', after), await store.since('r', after), after);
        for (const room of ['r', 's', 'nowhere'])
          assert.deepEqual(store.sync.recentNow(room, 2), await store.recent(room, 2), room);
      }
    } finally {
      await close();
    }
  });

  test(`${name}: an unknown or no longer kept id is "too old": the recent history, complete=false`, async () => {
    const { store, close } = await make({ perRoom: 3 });
    try {
      const first = say(store, 'r', 'm1');
      for (const text of ['m2', 'm3', 'm4', 'm5']) say(store, 'r', text);
      for (const after of [first.id, 'nonsense', '1-0']) {
        const answer = await store.since('r', after);
        assert.equal(answer.complete, false, after);
        assert.deepEqual(texts(answer.messages), ['m3', 'm4', 'm5'], after);
      }
      assert.deepEqual(texts(await store.recent('r', 100)), ['m3', 'm4', 'm5'], 'at most perRoom kept');
      assert.deepEqual(await store.recent('nowhere', 10), []);
    } finally {
      await close();
    }
  });

  test(`${name}: past the room cap the least recently written room's history is gone`, async () => {
    const { store, close } = await make({ perRoom: 10, maxRooms: 3 });
    try {
      for (const room of ['a', 'b', 'c']) {
        say(store, room, `in ${room}`);
        await new Promise((resolve) => setTimeout(resolve, 5)); // distinct times of last use
      }
      say(store, 'a', 'a again'); // a is now the most recently used
      say(store, 'd', 'in d');
      const nobody = { occupied: () => false, local: () => [] };
      store.expire?.(nobody);
      assert.ok(
        await eventually(async () => (await store.recent('b', 10)).length === 0),
        'b, the least recently used, is forgotten',
      );
      for (const room of ['a', 'c', 'd']) assert.equal((await store.recent(room, 10)).length > 0, true, room);
    } finally {
      await close();
    }
  });

  test(`${name}: an unused room's history expires unless somebody is in it`, async () => {
    const { store, close } = await make({ perRoom: 10, expiryMs: 200 });
    try {
      say(store, 'idle', 'nobody here');
      say(store, 'busy', 'somebody here');
      const use = { occupied: (room: string) => room === 'busy', local: () => ['busy'] };
      for (let waited = 0; waited < 300; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        store.expire?.(use); // as the server does, more often than the expiry
        if (waited === 150) say(store, 'fresh', 'written later');
      }
      assert.ok(await eventually(async () => (await store.recent('idle', 10)).length === 0), 'idle expired');
      assert.deepEqual(texts(await store.recent('busy', 10)), ['somebody here'], 'an occupied room stays');
      assert.deepEqual(texts(await store.recent('fresh', 10)), ['written later'], 'a recent room stays');
    } finally {
      await close();
    }
  });
}
