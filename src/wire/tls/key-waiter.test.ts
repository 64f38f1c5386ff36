// A TLS connection whose secrets are not known yet waits for them, within bounds: decoded in full
// once they arrive, or reported TLS_NO_KEYS when its time is up or the bytes held would pass the
// bound; the end of the connection waits with it, and the end of the run releases everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionSink } from '../stream.js';
import { KeyStore } from './key-store.js';
import { KeyWaiter } from './key-waiter.js';
import { parseKeyLog } from './keylog-parser.js';
import { decodeChunks, makeCertificate, recordSession } from '../../testing/wire/tls-test-kit.js';

const cert = makeCertificate();
const session = await recordSession(cert, {
  clientSends: [Buffer.from('hello from the client')],
  serverSends: [Buffer.from('hello from the server')],
});

function setUp(options: { maxWaitMs?: number; maxBytes?: number; release?: boolean } = {}) {
  let clock = 0;
  const store = new KeyStore();
  const waiter = new KeyWaiter((random) => store.get(random) !== undefined, { ...options, now: () => clock });
  const plain: Record<'client' | 'server', Buffer[]> = { client: [], server: [] };
  const calls: string[] = [];
  const inner = (): ConnectionSink => ({
    data: (label, bytes) => void plain[label].push(Buffer.from(bytes)),
    gap: () => undefined,
    end: (label) => void calls.push(`end ${label}`),
    release: () => void calls.push('release'),
  });
  const decoded = decodeChunks(session.chunks, undefined, {
    keys: store,
    waiter,
    inner,
    release: options.release,
  });
  return {
    store,
    waiter,
    decoded,
    calls,
    text: (label: 'client' | 'server') => Buffer.concat(plain[label]).toString(),
    advance: (ms: number) => (clock += ms),
    codes: () => decoded.events.filter((e) => e.event === 'decode.problem').map((e) => e.code),
  };
}

test('held until the secrets arrive, then decoded from the ClientHello, the end after the data', () => {
  const s = setUp({ maxWaitMs: 1000 });
  assert.equal(s.waiter.size, 1);
  assert.equal(s.decoded.events.length, 0, 'nothing shown while waiting');
  assert.deepEqual(s.calls, [], 'the end waits too');
  s.advance(500);
  s.waiter.check();
  assert.equal(s.waiter.size, 1, 'still within its time');
  parseKeyLog(session.keylog, s.store, 'late');
  s.waiter.check();
  assert.equal(s.waiter.size, 0);
  assert.equal(s.text('client'), 'hello from the client');
  assert.equal(s.text('server'), 'hello from the server');
  assert.deepEqual(s.codes(), []);
  assert.deepEqual(s.calls, ['end client', 'end server']);
  assert.equal(s.waiter.counts.found, 1);
});

test('a connection closed before its secrets arrive still waits for them, and is released once decoded', () => {
  const s = setUp({ maxWaitMs: 1000, release: true });
  assert.equal(s.waiter.size, 1, 'the close does not end the wait');
  assert.deepEqual(s.calls, [], 'nothing reaches the inner sink while waiting, not even its release');
  parseKeyLog(session.keylog, s.store, 'late');
  s.waiter.check();
  assert.equal(s.waiter.size, 0);
  assert.equal(s.text('client'), 'hello from the client');
  assert.equal(s.text('server'), 'hello from the server');
  assert.deepEqual(s.codes(), []);
  assert.deepEqual(s.calls, ['end client', 'end server', 'release']);
});

test('past its time: TLS_NO_KEYS as without a wait, nothing decrypted', () => {
  const s = setUp({ maxWaitMs: 1000 });
  s.advance(1000);
  s.waiter.check();
  assert.equal(s.waiter.size, 0);
  assert.deepEqual(s.codes(), ['TLS_NO_KEYS']);
  assert.equal(s.text('client'), '');
  assert.equal(s.waiter.counts.timedOut, 1);
});

test('past the byte bound the connection is decoded at once, without waiting', () => {
  const s = setUp({ maxWaitMs: 1000, maxBytes: 100 });
  assert.equal(s.waiter.size, 0);
  assert.deepEqual(s.codes(), ['TLS_NO_KEYS']);
  assert.equal(s.waiter.counts.overBudget, 1);
});

test('the end of the run releases whatever still waits', () => {
  const s = setUp({ maxWaitMs: 60_000 });
  s.waiter.releaseAll();
  assert.equal(s.waiter.size, 0);
  assert.deepEqual(s.codes(), ['TLS_NO_KEYS']);
  assert.deepEqual(s.calls, ['end client', 'end server']);
});
