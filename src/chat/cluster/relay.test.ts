// The primary's relay: batches go to every other worker in order, a late worker starts with the
// presence snapshot, and the users of a worker that died are removed and announced as gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceEntry } from '../store/presence.js';
import type { PrimaryMessage } from './messages.js';
import { Relay } from './relay.js';

const entry = (id: number, node: string, room = 'r'): PresenceEntry => ({
  user: { id, name: `u${id}` },
  room,
  node,
});

function port() {
  const got: PrimaryMessage[] = [];
  return { got, send: (m: PrimaryMessage) => void got.push(m) };
}

test('relays each batch to the other workers only, in order, and snapshots presence for late joiners', () => {
  const relay = new Relay(() => 42);
  const [a, b] = [port(), port()];
  relay.join(1, a);
  relay.join(2, b);
  relay.receive(1, { t: 'ops', ops: [{ op: 'add', entry: entry(10, 'A') }] });
  relay.receive(1, {
    t: 'ops',
    ops: [
      { op: 'add', entry: entry(11, 'A') },
      { op: 'rm', id: 10 },
    ],
  });
  relay.receive(2, { t: 'ops', ops: [{ op: 'add', entry: entry(20, 'B', 's') }] });
  relay.receive(2, { t: 'hello' }); // not a batch: ignored
  assert.deepEqual(
    a.got.map((m) => m.t),
    ['snapshot', 'ops'],
  );
  assert.deepEqual(
    b.got.map((m) => (m.t === 'ops' ? m.ops.map((o) => o.op) : m.t)),
    ['snapshot', ['add'], ['add', 'rm']],
  );
  const late = port();
  relay.join(3, late);
  assert.deepEqual(late.got, [{ t: 'snapshot', entries: [entry(11, 'A'), entry(20, 'B', 's')] }]);
  assert.equal(relay.online, 2);
});

test('a worker that died: its users are removed everywhere and their rooms hear a logout', () => {
  const relay = new Relay(() => 42);
  const [a, b] = [port(), port()];
  relay.join(1, a);
  relay.join(2, b);
  relay.receive(1, { t: 'ops', ops: [{ op: 'add', entry: entry(10, 'A') }] });
  relay.receive(2, { t: 'ops', ops: [{ op: 'add', entry: entry(20, 'B', 's') }] });
  b.got.length = 0;
  relay.leave(1, 'A');
  assert.deepEqual(b.got, [
    {
      t: 'ops',
      ops: [
        { op: 'rm', id: 10 },
        {
          op: 'pub',
          channel: 'room:r',
          event: { type: 'leave', room: 'r', user: { id: 10, name: 'u10' }, ts: 42, reason: 'close' },
        },
      ],
    },
  ]);
  assert.equal(relay.online, 1);
  relay.leave(2); // shut down on purpose: nothing announced
  assert.equal(relay.online, 1);
});
