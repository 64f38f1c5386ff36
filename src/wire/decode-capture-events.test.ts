// The event filter pushed down into the decoder: with `events`, what nobody reads is not handed
// on, tcp.segment events are not even built, and the summary and the kept events are the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../shared/paths.js';
import type { Side, WireEvent } from './events.js';
import { createCaptureDecoder, type CaptureDecoderOptions } from './decode-capture.js';
import { createCaptureReader } from './source/capture-reader.js';
import { decodePacket } from './layers/decode-packet.js';
import { createFlowTable } from './flow/flow-table.js';

const FIXTURES = ['ws-echo-any.pcap', 'ws-midstream-deflate.pcap', 'workerman-current-session.pcap'];

function decode(file: string, options: CaptureDecoderOptions = {}) {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder(options, (batch) => events.push(...batch));
  const bytes = readFileSync(join(fixturesDir, file));
  // Odd chunks, so batches are cut in many places.
  for (let i = 0; i < bytes.length; i += 777) decoder.push(bytes.subarray(i, i + 777));
  return { events, summary: decoder.end() };
}

for (const file of FIXTURES) {
  test(`decoder --events ws.message: ${file}: only messages handed on, the same messages and summary`, () => {
    const all = decode(file);
    const only = decode(file, { events: (name) => name === 'ws.message' });
    assert.ok(all.events.some((e) => e.event === 'tcp.segment'));
    assert.deepEqual(
      [...new Set(only.events.map((e) => e.event))].filter((n) => n !== 'decode.problem'),
      ['ws.message'],
    );
    assert.deepEqual(
      only.events.filter((e) => e.event === 'ws.message'),
      all.events.filter((e) => e.event === 'ws.message'),
    );
    assert.deepEqual(only.summary, all.summary);
  });
}

test('decoder --events without ws.message: no chat meaning is worked out, the rest is the same', () => {
  const all = decode('workerman-current-session.pcap');
  const closes = decode('workerman-current-session.pcap', { events: (name) => name === 'ws.close' });
  assert.ok(closes.events.length > 0);
  assert.deepEqual(
    closes.events,
    all.events.filter((e) => e.event === 'ws.close' || e.event === 'decode.problem'),
  );
  assert.deepEqual(closes.summary, all.summary);
});

test('decoder: a filter that drops decode.problem still hands problems on (the view looks for the first)', () => {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder({ events: (name) => name === 'ws.message' }, (b) => events.push(...b));
  decoder.push(Buffer.from('this is not a capture at all'));
  decoder.end();
  assert.equal(events[0]?.event, 'decode.problem');
});

/** The flow table over a fixture, with or without segment events. */
function flows(file: string, segmentEvents: boolean) {
  const events: WireEvent[] = [];
  const counted: Array<{ conn: number; from: Side; len: number }> = [];
  const table = createFlowTable({
    sinkFactory: () => ({ data() {}, gap() {}, end() {} }),
    emit: (e) => events.push(e),
    segmentEvents,
    onSegment: (conn, from, len) => counted.push({ conn, from, len }),
  });
  const reader = createCaptureReader({
    onPacket: (raw) => {
      const r = decodePacket(raw);
      if (r.kind === 'tcp') table.push(r.packet);
    },
    onProblem: () => {},
  });
  reader.push(readFileSync(join(fixturesDir, file)));
  reader.end();
  table.end();
  return { events, counted };
}

for (const file of ['ws-echo-any.pcap', 'ws-midstream-plain.pcap']) {
  test(`flow table without segment events: ${file}: none built, every packet counted, the rest unchanged`, () => {
    const withSegments = flows(file, true);
    const without = flows(file, false);
    const segments = withSegments.events.filter((e) => e.event === 'tcp.segment');
    assert.ok(segments.length > 0);
    assert.equal(without.events.filter((e) => e.event === 'tcp.segment').length, 0);
    // Relative numbering state is kept the same way: the other events are identical.
    assert.deepEqual(
      without.events,
      withSegments.events.filter((e) => e.event !== 'tcp.segment'),
    );
    assert.deepEqual(
      without.counted,
      segments.map((s) => ({ conn: s.conn, from: s.from, len: s.len })),
    );
    assert.deepEqual(without.counted, withSegments.counted);
  });
}
