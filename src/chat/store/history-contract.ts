// The contract every HistoryStore keeps (see history.ts), as one suite run against each store:
// memory, SQLite and Redis. Answers are awaited, so stores may answer at once or later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryStore } from './history.js';

export interface HistoryFixture {
  store: HistoryStore;
  close(): Promise<void> | void;
}

/** Makes an empty store keeping `perRoom` messages per room. */
export type HistoryFactory = (perRoom: number) => Promise<HistoryFixture>;

const from = { id: 4503599627370497, name: 'a' };
const to = { id: 4503599627370498, name: 'b' };
const say = (h: HistoryStore, room: string, text: string, keep = true) =>
  h.append({ type: 'message', room, from, to: keep ? null : to, text, ts: 1 }, keep);
const texts = (messages: { text: string }[]) => messages.map((m) => m.text);

export function historyContract(name: string, make: HistoryFactory): void {
  test(`${name}: resume from a kept id gives exactly the later public messages, in order`, async () => {
    const { store, close } = await make(10);
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
    } finally {
      await close();
    }
  });

  test(`${name}: an unknown or no longer kept id is "too old": the recent history, complete=false`, async () => {
    const { store, close } = await make(3);
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
}
