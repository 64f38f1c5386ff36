// The primary's relay: batches go to every other worker in order, a late worker starts with the
// rooms' history and the presence snapshot, and the users of a worker that died are removed and announced as gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageEvent } from '../protocol/events.js';
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
    ['history', 'snapshot', 'ops'],
  );
  assert.deepEqual(
    b.got.map((m) => (m.t === 'ops' ? m.ops.map((o) => o.op) : m.t)),
    ['history', 'snapshot', ['add'], ['add', 'rm']],
  );
  const late = port();
  relay.join(3, late);
  assert.deepEqual(late.got, [
    { t: 'history', seed: { rooms: [] } },
    { t: 'snapshot', entries: [entry(11, 'A'), entry(20, 'B', 's')] },
  ]);
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

const message = (id: string, text: string, room = 'r', to: MessageEvent['to'] = null): MessageEvent => ({
  type: 'message',
  id,
  room,
  from: { id: 10, name: 'u10' },
  to,
  text,
  ts: 5,
});

test('a late worker gets the public messages relayed so far, once each, before anything else', () => {
  const relay = new Relay(() => 42, { perRoom: 2 });
  const [a, b] = [port(), port()];
  relay.join(1, a);
  relay.join(2, b);
  const pub = (event: MessageEvent, channel = `room:${event.room}`) => ({ op: 'pub', channel, event });
  relay.receive(1, { t: 'ops', ops: [pub(message('7-0', 'one')), pub(message('7-2', 'two'))] });
  relay.receive(2, { t: 'ops', ops: [pub(message('7-1', 'between')), pub(message('8-1', 's', 's'))] });
  relay.receive(2, { t: 'ops', ops: [pub(message('9-1', 'secret', 'r', { id: 3, name: 'x' }), 'node:x')] });
  const late = port();
  relay.join(3, late);
  // Room r kept its last two by id ('7-0' dropped), least recently written room first; the newest
  // id counts the private message too.
  assert.deepEqual(late.got[0], {
    t: 'history',
    seed: {
      rooms: [
        { room: 'r', messages: [message('7-1', 'between'), message('7-2', 'two')], gap: '7-0' },
        { room: 's', messages: [message('8-1', 's', 's')] },
      ],
      newest: '9-1',
    },
  });
  assert.equal(late.got[1]!.t, 'snapshot');
  relay.receive(1, { t: 'ops', ops: [pub(message('10-0', 'after'))] });
  assert.deepEqual(
    late.got.slice(2),
    [{ t: 'ops', ops: [pub(message('10-0', 'after'))] }],
    'later messages come in batches only',
  );
});

test('the primary’s history copy forgets expired rooms nobody in the cluster is in', () => {
  let now = 0;
  const relay = new Relay(() => now, { expiryMs: 1000 });
  const message = (id: string, room: string): MessageEvent => ({
    type: 'message',
    id,
    room,
    from: { id: 10, name: 'u10' },
    to: null,
    text: 'hi',
    ts: 0,
  });
  relay.join(1, port());
  relay.receive(1, {
    t: 'ops',
    ops: [
      { op: 'pub', channel: 'room:empty', event: message('1-0', 'empty') },
      { op: 'add', entry: entry(10, 'A', 'busy') },
      { op: 'pub', channel: 'room:busy', event: message('2-0', 'busy') },
    ],
  });
  now = 5000;
  assert.equal(relay.expireHistory(), 1);
  const late = port();
  relay.join(2, late);
  const seed = late.got[0]!;
  assert.ok(seed.t === 'history');
  assert.deepEqual(
    seed.seed.rooms.map((r) => r.room),
    ['busy'],
  );
});
