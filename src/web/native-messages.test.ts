import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerMessage } from './native-messages.js';

const alice = { id: '123', name: 'alice' };
const bob = { id: '456', name: 'bob' };

test('understands every message of the dialect', () => {
  assert.deepEqual(
    parseServerMessage(
      JSON.stringify({ type: 'welcome', you: alice, room: '1', users: [bob, alice], ts: 5 }),
    ),
    { type: 'welcome', you: alice, room: '1', users: [bob, alice], ts: 5 },
  );
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'left', room: '1', user: bob, ts: 9 })), {
    type: 'left',
    room: '1',
    user: bob,
    ts: 9,
  });
  const priv = parseServerMessage(
    JSON.stringify({
      type: 'message',
      id: 'm1',
      room: '1',
      from: alice,
      to: bob,
      private: true,
      text: 'x',
      ts: 1,
    }),
  );
  assert.equal(priv?.type, 'message');
  assert.ok(priv?.type === 'message' && priv.private && priv.to !== 'all' && priv.to.id === '456');
  const history = parseServerMessage(
    JSON.stringify({
      type: 'history',
      room: '1',
      complete: false,
      messages: [{ id: 'm2', room: '1', from: bob, to: 'all', text: 'hi', ts: 2 }, { junk: true }],
    }),
  );
  assert.ok(history?.type === 'history' && history.messages.length === 1 && !history.complete);
  assert.deepEqual(parseServerMessage('{"type":"error","code":"RATE_LIMITED","message":"slow"}'), {
    type: 'error',
    code: 'RATE_LIMITED',
    message: 'slow',
  });
  assert.deepEqual(parseServerMessage('{"type":"ping"}'), { type: 'ping' });
});

test('malformed frames are ignored, never thrown', () => {
  const bad = [
    'not json',
    '"a string"',
    'null',
    '[1,2]',
    '{}',
    '{"type":"nope"}',
    '{"type":"welcome","you":{"id":1,"name":"x"},"room":"1","users":[]}',
    '{"type":"message","id":"m","from":{"id":"1","name":"a"},"text":5}',
    '{"type":"message","id":"m","from":{"id":"1","name":"a"},"text":"t","to":{"id":3}}',
    '{"type":"joined","user":"bob"}',
    '{"type":"history","messages":"x"}',
  ];
  for (const frame of bad) assert.equal(parseServerMessage(frame), undefined, frame);
});

test('a missing or bad time becomes a usable number', () => {
  const m = parseServerMessage('{"type":"joined","room":"1","user":{"id":"1","name":"a"},"ts":"yesterday"}');
  assert.ok(m?.type === 'joined' && Number.isFinite(m.ts));
});
