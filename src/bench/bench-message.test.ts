import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMarker, sayTemplate, writeMarker, type MarkerFields } from './bench-message.js';

test('a marker written into a say template reads back, in both dialects', () => {
  for (const dialect of ['seed', 'workerman'] as const) {
    const { payload, markerAt } = sayTemplate(dialect);
    writeMarker(payload, markerAt, 42, 1234567, 1_764_000_000_123_456);
    const msg = JSON.parse(payload.toString()) as { type: string; content: string };
    assert.equal(msg.type, 'say');
    const out: MarkerFields = { sender: 0, seq: 0, micros: 0 };
    // The marker is found in any JSON the server wraps the content in.
    const echoed = Buffer.from(
      JSON.stringify({ type: 'say', from_uid: 7, to_uid: 'all', content: msg.content }),
    );
    const at = echoed.indexOf('#wcb');
    assert.ok(readMarker(echoed, at, echoed.length, out));
    assert.deepEqual(out, { sender: 42, seq: 1234567, micros: 1_764_000_000_123_456 });
  }
});

test('a truncated or damaged marker is rejected', () => {
  const { payload, markerAt } = sayTemplate('seed');
  writeMarker(payload, markerAt, 1, 2, 3);
  const out: MarkerFields = { sender: 0, seq: 0, micros: 0 };
  assert.equal(readMarker(payload, markerAt, markerAt + 20, out), false);
  payload[markerAt + 8] = 'x'.charCodeAt(0);
  assert.equal(readMarker(payload, markerAt, payload.length, out), false);
});
