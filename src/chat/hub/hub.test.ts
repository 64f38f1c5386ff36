// Two hubs (two "nodes") joined by a MemoryBroker bus and one shared presence: users connected
// to different nodes see each other, in their own dialects, and private messages cross nodes.
// Links here record frames in arrays: the hub has no I/O, so nothing else is needed to run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBroker, MemoryBus } from '../broker/memory-broker.js';
import { MemoryHistory } from '../store/memory-history.js';
import { MemoryPresence } from '../store/memory-presence.js';
import { Hub } from './hub.js';
import type { Link } from './link.js';

const silent = { info() {}, debug() {}, error() {} };

class RecordingLink implements Link {
  frames: string[] = [];
  send(frame: Buffer): void {
    this.frames.push(frame.toString());
  }
  close(): void {}
  take(): Record<string, unknown>[] {
    const out = this.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
    this.frames = [];
    return out;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('users on two nodes of one bus chat across nodes, each in their own dialect', async () => {
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const history = new MemoryHistory();
  const make = (node: string) =>
    new Hub({ broker: new MemoryBroker(node, bus), presence, history, logger: silent, now: () => 0 });
  const [hubA, hubB] = [make('A'), make('B')];

  const seedLink = new RecordingLink();
  const seed = hubA.connect(seedLink);
  hubA.receive(seed, '{"type":"login","name":"sam"}');
  const wmLink = new RecordingLink();
  const wm = hubB.connect(wmLink);
  hubB.receive(wm, '{"type":"login","client_name":"wes","room_id":"1"}');
  await settle();
  assert.deepEqual(
    seedLink.take().map((m) => m.type),
    ['user_list', 'login', 'login'],
  );
  const [wWelcome] = wmLink.take();
  assert.deepEqual(wWelcome!.client_list, { [String(seed.id)]: 'sam', [String(wm.id)]: 'wes' });

  hubB.receive(wm, `{"type":"say","to_client_id":"${seed.id}","content":"across"}`);
  await settle();
  const [privately] = seedLink.take();
  assert.deepEqual([privately!.from_uid, privately!.to_uid, privately!.content], [wm.id, seed.id, 'across']);
  assert.deepEqual(
    wmLink.take().map((m) => m.content),
    ['<b>你对sam说: </b>across'],
  );

  hubA.receive(seed, '{"type":"say","to_uid":"all","content":"all of you"}');
  await settle();
  assert.deepEqual(
    seedLink.take().map((m) => [m.from_uid, m.to_uid, m.content]),
    [[seed.id, 'all', 'all of you']],
  );
  assert.deepEqual(
    wmLink.take().map((m) => m.content),
    ['all of you'],
  );

  hubA.disconnect(seed, 'close');
  await settle();
  const [logout] = wmLink.take();
  assert.equal(logout!.type, 'logout');
  assert.equal(logout!.from_client_id, String(seed.id));
  assert.deepEqual(presence.members('1'), [{ id: wm.id, name: 'wes' }]);
});
