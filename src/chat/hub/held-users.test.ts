// The hub's reconnect grace period without sockets: a page user whose connection closes is held
// (listed, counted in presence, unannounced) and freed at the end of the grace period with one
// departure; workerman users leave at once as before; shutdown ends every hold at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBroker } from '../broker/memory-broker.js';
import { MemoryHistory } from '../store/memory-history.js';
import { MemoryPresence } from '../store/memory-presence.js';
import { Hub } from './hub.js';
import type { Link } from './link.js';

const silent = { info() {}, debug() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class RecordingLink implements Link {
  frames: Record<string, unknown>[] = [];
  send(frame: Buffer): void {
    this.frames.push(JSON.parse(frame.toString()) as Record<string, unknown>);
  }
  close(): void {}
  types(): unknown[] {
    return this.frames.map((f) => f.type);
  }
}

function world(reconnectGraceMs: number) {
  const presence = new MemoryPresence();
  const hub = new Hub({
    broker: new MemoryBroker('A'),
    presence,
    history: new MemoryHistory(),
    logger: silent,
    reconnectGraceMs,
  });
  const watcherLink = new RecordingLink();
  const watcher = hub.connect(watcherLink);
  hub.receive(watcher, '{"type":"login","client_name":"wes","room_id":"r"}');
  watcherLink.frames = [];
  return { hub, presence, watcherLink };
}

test('a dropped page user is held, listed and counted, then freed with one departure at the end of the grace period', async () => {
  const { hub, presence, watcherLink } = world(80);
  const session = hub.connect(new RecordingLink());
  hub.receive(session, '{"type":"join","name":"ann","room":"r"}');
  const id = session.id;
  assert.deepEqual(watcherLink.types(), ['login']);
  hub.disconnect(session, 'close');
  assert.equal(hub.usage.held, 1);
  assert.equal(presence.get(id)?.room, 'r', 'still listed while held');
  assert.equal(presence.members('r').length, 2);
  assert.deepEqual(watcherLink.types(), ['login'], 'nothing announced yet');
  await sleep(200);
  assert.equal(hub.usage.held, 0, 'the hold is freed');
  assert.equal(presence.get(id), undefined);
  assert.deepEqual(watcherLink.types(), ['login', 'logout']);
});

test('workerman users leave at once, as in the original', () => {
  const { hub, watcherLink } = world(10_000);
  const session = hub.connect(new RecordingLink());
  hub.receive(session, '{"type":"login","client_name":"wil","room_id":"r"}');
  hub.disconnect(session, 'close');
  assert.equal(hub.usage.held, 0);
  assert.deepEqual(watcherLink.types(), ['login', 'logout']);
});

test('shutdown ends every hold at once, so no departure is lost with the process', () => {
  const { hub, presence } = world(10_000);
  const session = hub.connect(new RecordingLink());
  hub.receive(session, '{"type":"join","name":"ann","room":"r"}');
  hub.disconnect(session, 'close');
  assert.equal(hub.usage.held, 1);
  hub.beginShutdown();
  assert.equal(hub.usage.held, 0);
  assert.equal(presence.get(session.id), undefined);
});

test('a grace period of 0 announces the departure at once', () => {
  const { hub, watcherLink } = world(0);
  const session = hub.connect(new RecordingLink());
  hub.receive(session, '{"type":"join","name":"ann","room":"r"}');
  hub.disconnect(session, 'close');
  assert.equal(hub.usage.held, 0);
  assert.deepEqual(watcherLink.types(), ['login', 'logout']);
});
