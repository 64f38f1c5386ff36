// MemoryPresence: join order, moves between rooms, removal, and the shared per-room-and-node
// records released when their last user leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPresence } from './memory-presence.js';

const entry = (id: number, name: string, room: string, node = 'n1') => ({ user: { id, name }, room, node });

test('members come in join order; a move puts the user last in the new room', () => {
  const p = new MemoryPresence();
  p.add(entry(1, 'ann', 'a'));
  p.add(entry(2, 'bob', 'a', 'n2'));
  p.add(entry(3, 'cy', 'b'));
  assert.deepEqual(p.members('a'), [
    { id: 1, name: 'ann' },
    { id: 2, name: 'bob' },
  ]);
  p.add(entry(1, 'ann', 'b'));
  assert.deepEqual(p.members('a'), [{ id: 2, name: 'bob' }]);
  assert.deepEqual(p.members('b'), [
    { id: 3, name: 'cy' },
    { id: 1, name: 'ann' },
  ]);
  assert.deepEqual(p.get(1), entry(1, 'ann', 'b'));
  assert.deepEqual(p.get(2), entry(2, 'bob', 'a', 'n2'));
  assert.equal(p.size, 3);
});

test('remove returns the entry once; empty rooms disappear; entries() lists everyone', () => {
  const p = new MemoryPresence();
  p.add(entry(1, 'ann', 'a'));
  p.add(entry(2, 'bob', 'b', 'n2'));
  assert.deepEqual(p.remove(1), entry(1, 'ann', 'a'));
  assert.equal(p.remove(1), undefined);
  assert.equal(p.get(1), undefined);
  assert.deepEqual(p.members('a'), []);
  assert.deepEqual(p.roomSizes(10), [['b', 1]]);
  assert.deepEqual([...p.entries()], [entry(2, 'bob', 'b', 'n2')]);
  // A user re-added to a room and node whose record was released gets a fresh one.
  p.add(entry(1, 'ann', 'a'));
  assert.deepEqual(p.get(1), entry(1, 'ann', 'a'));
  assert.equal(p.size, 2);
});
