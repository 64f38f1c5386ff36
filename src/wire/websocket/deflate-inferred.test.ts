// ws.message.deflateInferred: set on messages inflated because RSV1 was seen on a connection whose
// handshake was not captured, absent where the handshake negotiated permessage-deflate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WsMessageEvent } from '../events.js';
import { decodeFile, fixture } from '../../testing/wire/e2e-test-kit.js';

function messages(name: string): WsMessageEvent[] {
  return decodeFile(fixture(name)).events.filter((e): e is WsMessageEvent => e.event === 'ws.message');
}

test('mid-stream deflate: every compressed message says its compression was inferred', () => {
  const all = messages('ws-midstream-deflate.pcap');
  const compressed = all.filter((m) => m.compressed);
  assert.ok(compressed.length >= 4);
  for (const m of compressed) assert.equal(m.deflateInferred, true, m.text);
  for (const m of all.filter((x) => !x.compressed)) assert.equal(m.deflateInferred, undefined);
});

test('negotiated deflate: compressed messages carry no deflateInferred', () => {
  const compressed = messages('ws-echo-lo.pcap').filter((m) => m.compressed);
  assert.ok(compressed.length >= 4);
  for (const m of compressed) assert.equal(m.deflateInferred, undefined);
});
