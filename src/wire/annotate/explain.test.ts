// Explanations of TCP segments: acknowledged bytes are counted from the handshake on, in the
// relative numbers the flow table prints after it (the SYN-ACK's own ack is absolute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpSegmentEvent } from '../events.js';
import { decodeFile, fixture } from '../../testing/wire/e2e-test-kit.js';
import { createExplainer } from './explain.js';

const CLIENT = '127.0.0.1:60653';
const SERVER = '127.0.0.1:7272';

function segment(
  packet: number,
  from: 'client' | 'server',
  role: TcpSegmentEvent['role'],
  ack: number | null,
  len = 0,
): TcpSegmentEvent {
  return {
    event: 'tcp.segment',
    ts: 1407837000 + packet,
    src: from === 'client' ? CLIENT : SERVER,
    dst: from === 'client' ? SERVER : CLIENT,
    conn: 1,
    packet,
    from,
    flags: role === 'syn' ? 'S' : role === 'syn-ack' ? 'S.' : len > 0 ? 'P.' : '.',
    seq: 1,
    seqEnd: 1 + len,
    ack,
    win: 256,
    len,
    options: '',
    role,
  };
}

test('the first ACK after the handshake counts from the handshake, not from the absolute ISN', () => {
  const explainer = createExplainer();
  const lines = [
    segment(1, 'client', 'syn', null),
    segment(2, 'server', 'syn-ack', 3524290971),
    segment(3, 'client', 'handshake-ack', 1),
    segment(4, 'client', 'data', 1, 715),
    segment(5, 'server', 'ack', 716),
    segment(6, 'server', 'data', 716, 156),
    segment(7, 'client', 'ack', 157),
  ].map((s) => explainer.explain(s).join(' | '));
  assert.equal(lines[4], '127.0.0.1.7272 acknowledges 715 bytes');
  assert.equal(lines[5], '127.0.0.1.7272 sends 156 bytes');
  assert.equal(lines[6], '127.0.0.1.60653 acknowledges 156 bytes');
});

test('a SYN-ACK seen again later (retransmitted) starts the count afresh', () => {
  const explainer = createExplainer();
  explainer.explain(segment(1, 'client', 'syn', null));
  explainer.explain(segment(2, 'server', 'syn-ack', 1165571768));
  explainer.explain(segment(3, 'server', 'syn-ack', 1165571768));
  assert.deepEqual(explainer.explain(segment(4, 'server', 'ack', 1)), [
    '127.0.0.1.7272 acknowledges (nothing new)',
  ]);
  assert.deepEqual(explainer.explain(segment(5, 'server', 'ack', 11)), [
    '127.0.0.1.7272 acknowledges 10 bytes',
  ]);
});

test('no segment of the seed session acknowledges more bytes than were sent', () => {
  const { events } = decodeFile(fixture('workerman-2014-seed-session.pcap'));
  const explainer = createExplainer();
  let sent = 0;
  for (const ev of events) {
    if (ev.event !== 'tcp.segment') continue;
    sent += ev.len;
    for (const line of explainer.explain(ev)) {
      const m = /acknowledg\w+ (\d+) bytes?/.exec(line);
      if (m) assert.ok(Number(m[1]) <= sent, `${line} (packet ${ev.packet})`);
    }
  }
  assert.ok(sent > 0);
});

test('mid-stream: the first packet is absolute (like tcpdump), the next ACK counts from it', () => {
  const { events } = decodeFile(fixture('ws-midstream-plain.pcap'));
  const explainer = createExplainer();
  const said: string[] = [];
  for (const ev of events) said.push(...explainer.explain(ev));
  const acked = said.filter((l) => /acknowledg/.test(l));
  assert.ok(acked.length > 0);
  for (const line of acked) {
    const m = /acknowledg\w+ (\d+) bytes?/.exec(line);
    if (m) assert.ok(Number(m[1]) < 100_000, line);
  }
  // The client's first pure ACK acknowledges the server's 14 bytes (seq 1:15).
  assert.ok(said.includes('127.0.0.1.49466 acknowledges 14 bytes'), acked.join('\n'));
});
