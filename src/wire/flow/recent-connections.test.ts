// The flow table's memory of recent connections: found by endpoint in either direction, never
// after it was forgotten (a released connection), and only the last few.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from './connection.js';
import { flowKey } from './flow-key.js';
import { PacketBatch } from './packet-batch.js';
import { RecentConnections } from './recent-connections.js';

const server = { ip: '10.0.0.1', port: 7272 };
const clientOf = (i: number) => ({ ip: '10.9.0.1', port: 40000 + i });
const connection = (i: number): Connection =>
  new Connection(
    i,
    flowKey(clientOf(i), server),
    clientOf(i),
    server,
    true,
    new PacketBatch(() => {}),
    () => {},
    1 << 20,
  );

test('recent connections: found both ways, forgotten when released, cleared', () => {
  const recent = new RecentConnections();
  const a = connection(1);
  const b = connection(2);
  assert.equal(recent.find(clientOf(1), server), null);
  recent.remember(a);
  recent.remember(b);
  assert.equal(recent.find(clientOf(1), server), a);
  assert.equal(recent.find(server, clientOf(1)), a);
  assert.equal(recent.find(server, clientOf(2)), b);
  // Same addresses, another port: not this connection.
  assert.equal(recent.find({ ip: '10.9.0.1', port: 39999 }, server), null);
  recent.forget(a);
  assert.equal(recent.find(clientOf(1), server), null);
  assert.equal(recent.find(clientOf(2), server), b);
  recent.clear();
  assert.equal(recent.find(clientOf(2), server), null);
});

test('recent connections: only the last eight are kept', () => {
  const recent = new RecentConnections();
  const all = Array.from({ length: 9 }, (_, i) => connection(i + 1));
  for (const c of all) recent.remember(c);
  assert.equal(recent.find(clientOf(1), server), null, 'the first was pushed out by the ninth');
  for (let i = 2; i <= 9; i++) assert.equal(recent.find(clientOf(i), server), all[i - 1]);
});
