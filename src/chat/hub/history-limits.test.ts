// What keeps history and rooms from being weapons, on real hubs (links record frames; the hub has
// no I/O): answers encoded once and reused until the room changes, the history and room-switch
// budgets, the byte cap of an answer in every dialect, and nothing kept for rooms once their
// users are gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roomChannel } from '../broker/broker.js';
import { MemoryBroker, MemoryBus } from '../broker/memory-broker.js';
import { MemoryHistory } from '../store/memory-history.js';
import { MemoryPresence } from '../store/memory-presence.js';
import { Hub, type HubOptions } from './hub.js';
import type { Link } from './link.js';

const silent = { info() {}, debug() {}, error() {} };
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

class BufferLink implements Link {
  frames: Buffer[] = [];
  send(frame: Buffer): void {
    this.frames.push(frame);
  }
  close(): void {}
  take(): Buffer[] {
    const out = this.frames;
    this.frames = [];
    return out;
  }
  json(): Record<string, unknown>[] {
    return this.take().map((f) => JSON.parse(f.toString()) as Record<string, unknown>);
  }
}

function world(options: Partial<HubOptions> = {}) {
  const clock = { now: 1_000_000 };
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const history = new MemoryHistory({ expiryMs: 60_000 }, () => clock.now);
  const brokers: MemoryBroker[] = [];
  const hub = (node = 'A') => {
    const broker = new MemoryBroker(node, bus);
    brokers.push(broker);
    return new Hub({ broker, presence, history, logger: silent, now: () => clock.now, ...options });
  };
  const join = (h: Hub, name: string, room: string) => {
    const link = new BufferLink();
    const session = h.connect(link);
    h.receive(session, JSON.stringify({ type: 'join', name, room }));
    link.take();
    return { session, link };
  };
  return { clock, presence, history, brokers, hub, join };
}

test('a history answer is encoded once and the same bytes reused until a message changes the room', async () => {
  const { hub, join } = world();
  const [a, b] = [hub('A'), hub('B')];
  const alice = join(a, 'alice', 'r');
  const bob = join(b, 'bob', 'r');
  a.receive(alice.session, '{"type":"send","to":"all","text":"one"}');
  await settle();
  alice.link.take();

  a.receive(alice.session, '{"type":"history"}');
  a.receive(alice.session, '{"type":"history"}');
  const [first, second] = alice.link.take();
  assert.ok(first && first === second, 'the very same bytes, not an equal copy');
  assert.equal(a.usage.answers.encodes, 1);

  b.receive(bob.session, '{"type":"send","to":"all","text":"two"}'); // said on the other node
  await settle();
  alice.link.take();
  a.receive(alice.session, '{"type":"history"}');
  const [third] = alice.link.json();
  assert.equal(a.usage.answers.encodes, 2, 'the message from the other node invalidated the answer');
  assert.deepEqual(
    (third!.messages as { text: string }[]).map((m) => m.text),
    ['one', 'two'],
  );
  a.receive(alice.session, '{"type":"history","limit":1}');
  assert.equal(a.usage.answers.encodes, 3, 'another limit is another answer');
});

test('history requests have their own budget: the 6th at once is refused, the connection goes on', () => {
  const { hub, join, clock } = world();
  const a = hub();
  const alice = join(a, 'alice', 'r');
  for (let i = 0; i < 5; i++) a.receive(alice.session, '{"type":"history"}');
  assert.deepEqual(
    alice.link.json().map((m) => m.type),
    ['history', 'history', 'history', 'history', 'history'],
  );
  a.receive(alice.session, '{"type":"history"}');
  assert.deepEqual(
    alice.link.json().map((m) => [m.type, m.code]),
    [['error', 'HISTORY_RATE_LIMITED']],
  );
  a.receive(alice.session, '{"type":"send","to":"all","text":"still here"}');
  assert.equal(alice.link.json()[0]!.text, 'still here');
  clock.now += 2000; // one request per 2 s
  a.receive(alice.session, '{"type":"history"}');
  assert.equal(alice.link.json()[0]!.type, 'history');
  a.receive(alice.session, '{"type":"history"}');
  assert.equal(alice.link.json()[0]!.code, 'HISTORY_RATE_LIMITED');
});

test('an answer over the byte cap holds the newest messages that fit and says older ones were left out', async () => {
  const cap = 20_000;
  const { hub, join } = world({ historyAnswers: { answerBytes: cap } });
  const a = hub();
  const writer = join(a, 'writer', '1');
  const cjk = '漢'.repeat(2000); // 6 bytes each as \uXXXX in the workerman dialects, 3 in UTF-8
  for (let i = 0; i < 10; i++)
    a.receive(writer.session, JSON.stringify({ type: 'send', to: 'all', text: `${i}${cjk}` }));
  const logins = {
    native: '{"type":"join","name":"nat","room":"1"}',
    workerman: '{"type":"login","client_name":"wm","room_id":"1"}',
    seed: '{"type":"login","name":"sd"}',
  };
  for (const [dialect, login] of Object.entries(logins)) {
    const link = new BufferLink();
    const session = a.connect(link);
    a.receive(session, login);
    link.take();
    a.receive(session, '{"type":"history","limit":100}');
    const frames = link.take();
    const answer = JSON.parse(frames[0]!.toString()) as {
      complete: boolean;
      messages: Record<string, string>[];
    };
    assert.ok(frames[0]!.length <= cap, `${dialect}: ${frames[0]!.length} bytes within the cap`);
    assert.equal(answer.complete, false, dialect);
    const texts = answer.messages.map((m) => m.text ?? m.content);
    assert.ok(texts.length >= 1 && texts.length < 10, `${dialect}: ${texts.length} messages`);
    assert.equal(texts.at(-1), `9${cjk}`, `${dialect}: the newest message is there`);
    if (dialect === 'native') assert.equal(frames.length, 1, 'native: complete:false says it all');
    else {
      const notice = JSON.parse(frames[1]!.toString()) as { code: string };
      assert.equal(notice.code, 'HISTORY_TRUNCATED', dialect);
    }
  }
});

test('room switches have a budget: the 6th at once is refused and the user stays where they are', () => {
  const { hub, clock, presence } = world();
  const a = hub();
  const link = new BufferLink();
  const session = a.connect(link);
  for (const room of ['a', 'b', 'c', 'd', 'e', 'f'])
    a.receive(session, JSON.stringify({ type: 'join', name: 'x', room }));
  const last = link.json().at(-1)!;
  assert.equal(last.code, 'ROOM_SWITCH_RATE_LIMITED');
  assert.equal(presence.get(session.id)?.room, 'e');
  clock.now += 1000; // one switch per second
  a.receive(session, '{"type":"join","name":"x","room":"f"}');
  assert.equal(presence.get(session.id)?.room, 'f');
});

test('when users each in their own room come and go, nothing is kept for their rooms', async () => {
  const { hub, clock, presence, history, brokers } = world({ reconnectGraceMs: 0 });
  const a = hub();
  const users = [];
  for (let i = 0; i < 300; i++) {
    const link = new BufferLink();
    const session = a.connect(link);
    a.receive(session, JSON.stringify({ type: 'join', name: `u${i}`, room: `room-${i}` }));
    a.receive(session, '{"type":"send","to":"all","text":"m"}');
    a.receive(session, '{"type":"history"}');
    users.push(session);
  }
  assert.equal(a.usage.rooms, 300);
  assert.equal(a.usage.answers.entries, 300);
  assert.equal(history.usage.rooms, 300);
  for (const session of users) a.disconnect(session, 'close');
  await settle();
  assert.deepEqual(a.usage, {
    sessions: 0,
    rooms: 0,
    held: 0,
    answers: { entries: 0, rooms: 0, bytes: 0, encodes: 300 },
  });
  assert.deepEqual(presence.usage, { users: 0, rooms: 0, places: 0 });
  assert.ok(
    users.every((_, i) => !brokers[0]!.isSubscribed(roomChannel(`room-${i}`))),
    'no subscriptions left',
  );
  clock.now += 61_000; // past the expiry, nobody in those rooms
  history.expire({ occupied: (room) => presence.occupied(room), local: () => a.localRooms() });
  assert.deepEqual(history.usage, { rooms: 0, bytes: 0 });
});

test('a resume from an id too old shares one cached answer; a complete resume is encoded for its client', () => {
  const { hub, join } = world();
  const a = hub();
  const alice = join(a, 'alice', 'r');
  a.receive(alice.session, '{"type":"send","to":"all","text":"one"}');
  const [said] = alice.link.json();
  let returns = 0;
  const resume = (after: string) => {
    const link = new BufferLink();
    const session = a.connect(link);
    const name = `back${++returns}`; // names are unique in the room
    a.receive(session, JSON.stringify({ type: 'join', name, room: 'r', after }));
    return link.take().find((f) => f.toString().startsWith('{"type":"history"'))!;
  };
  const before = a.usage.answers.encodes;
  const first = resume('not-an-id');
  const second = resume('nonsense');
  assert.ok(first === second, 'the same bytes for both "too old" resumes');
  assert.equal(a.usage.answers.encodes, before + 1);
  assert.equal((JSON.parse(first.toString()) as { complete: boolean }).complete, false);
  const exact = JSON.parse(resume(String(said!.id)).toString()) as { complete: boolean; messages: [] };
  assert.deepEqual([exact.complete, exact.messages.length], [true, 0]);
});
