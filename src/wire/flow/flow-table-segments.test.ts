// The flow table on hand-built segment sequences: the life cycle, resets, side guessing,
// retransmissions, snaplen cuts, idle release, filters, buffer bounds and failing sinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpPacket, WireEvent } from '../events.js';
import { tcpFlagsObject } from '../layers/tcp-flags.js';
import { createFlowTable } from './flow-table.js';
import { makeRun, segments } from '../../testing/wire/flow-test-run.js';

let index = 0;
function seg(
  from: [string, number],
  to: [string, number],
  flags: number,
  seq: number,
  ack: number,
  text = '',
  opts: { ts?: number; wire?: number } = {},
): TcpPacket {
  const payload = Buffer.from(text);
  index++;
  return {
    index,
    ts: opts.ts ?? index,
    src: { ip: from[0], port: from[1] },
    dst: { ip: to[0], port: to[1] },
    ipVersion: 4,
    seq: seq >>> 0,
    ack: ack >>> 0,
    flags: tcpFlagsObject(flags),
    window: 100,
    options: '',
    payload,
    payloadLength: opts.wire ?? payload.length,
    raw: { index, ts: 0, linkType: 101, data: payload, origLen: payload.length, interfaceId: 0 },
  };
}

const C: [string, number] = ['10.0.0.1', 50000];
const S: [string, number] = ['10.0.0.2', 7272];
const SYN = 0x02;
const ACK = 0x10;
const PSH_ACK = 0x18;
const FIN_ACK = 0x11;
const RST = 0x04;

function handshake(run: ReturnType<typeof makeRun>, cIsn: number, sIsn: number, ts?: number): void {
  run.push(seg(C, S, SYN, cIsn, 0, '', { ts }));
  run.push(seg(S, C, SYN | ACK, sIsn, cIsn + 1, '', { ts }));
  run.push(seg(C, S, ACK, cIsn + 1, sIsn + 1, '', { ts }));
}

test('flow: full life cycle: handshake, data both ways, FINs, stray last ACK, reuse of the 4-tuple', () => {
  const run = makeRun();
  handshake(run, 100, 0xfffffff0);
  run.push(seg(C, S, PSH_ACK, 101, 0xfffffff1, 'ping'));
  run.push(seg(S, C, PSH_ACK, 0xfffffff1, 105, 'pong-across-the-wrap'));
  run.push(seg(C, S, FIN_ACK, 105, 5, ''));
  run.push(seg(S, C, FIN_ACK, 5, 106, ''));
  run.push(seg(C, S, ACK, 106, 6, '')); // the last ACK, after the state was released
  assert.equal(run.table.activeConnections, 0);
  handshake(run, 5000, 9000); // same 4-tuple, new SYN
  run.push(seg(C, S, PSH_ACK, 5001, 9001, 'again'));
  run.table.end();
  assert.equal(run.table.connectionCount, 2);
  assert.equal(run.streams.get('1 client')!.toString(), 'ping');
  assert.equal(run.streams.get('1 server')!.toString(), 'pong-across-the-wrap');
  assert.equal(run.streams.get('2 client')!.toString(), 'again');
  const segs = segments(run);
  assert.deepEqual(
    segs.map((s) => `${s.conn} ${s.role} ${s.seq}:${s.seqEnd} ${s.ack}`),
    [
      '1 syn 100:100 null',
      '1 syn-ack 4294967280:4294967280 101',
      '1 handshake-ack 1:1 1',
      '1 data 1:5 1',
      '1 data 1:21 5',
      '1 fin 5:5 21',
      '1 fin 21:21 6',
      '1 ack 6:6 22',
      '2 syn 5000:5000 null',
      '2 syn-ack 9000:9000 5001',
      '2 handshake-ack 1:1 1',
      '2 data 1:6 1',
    ],
  );
  const closes = run.events
    .filter((e) => e.event === 'tcp.close')
    .map((e) => (e.event === 'tcp.close' ? `${e.conn} ${e.how}` : ''));
  assert.deepEqual(closes, ['1 fin', '1 fin', '1 both-fin', '2 end-of-capture']);
  assert.deepEqual(
    run.calls.filter((c) => c.endsWith('end')),
    ['1 client end', '1 server end', '2 client end', '2 server end'],
  );
});

test('flow: RST closes and releases; one packet gives segment, problems, close, then sink calls', () => {
  const run = makeRun();
  handshake(run, 1, 1000);
  run.push(seg(C, S, PSH_ACK, 12, 1001, 'later')); // 10 bytes missing before it
  run.order.length = 0;
  run.push(seg(S, C, RST | ACK, 1001, 2, ''));
  assert.deepEqual(run.order, [
    'tcp.segment',
    'tcp.gap',
    'tcp.close',
    'sink.gap',
    'sink.data',
    'sink.end',
    'sink.end',
  ]);
  assert.equal(run.table.activeConnections, 0);
  assert.deepEqual(run.calls.slice(-4), [
    '1 client gap 10',
    '1 client data 5',
    '1 client end',
    '1 server end',
  ]);
});

test('flow: mid-stream side guessing', () => {
  const cases: Array<[[string, number], [string, number], number]> = [
    [['10.0.0.1', 7272], ['10.0.0.2', 50123], 50123], // ephemeral port talking to a lower port
    [['10.0.0.1', 40000], ['10.0.0.2', 80], 40000],
    [['10.0.0.1', 1025], ['10.0.0.2', 3000], 3000], // no ephemeral port: the higher port
    [['10.0.0.1', 8080], ['10.0.0.2', 8080], 8080],
  ];
  for (const [a, b, clientPort] of cases) {
    const run = makeRun();
    run.push(seg(a, b, PSH_ACK, 500, 900, 'x'));
    run.push(seg(b, a, PSH_ACK, 900, 501, 'y'));
    run.push(seg(a, b, PSH_ACK, 501, 901, 'z'));
    run.table.end();
    assert.equal(run.infos[0]!.client.port, clientPort);
    assert.equal(run.infos[0]!.handshakeSeen, false);
    // As tcpdump numbers them: the first packet absolute, its sender then counting from its
    // seq, the other side from its ack − 1.
    assert.deepEqual(
      segments(run).map((s) => [s.seq, s.seqEnd, s.ack]),
      [
        [500, 501, 900],
        [1, 2, 1],
        [1, 2, 2],
      ],
    );
  }
});

test('flow: retransmission and keep-alive roles; nothing is delivered twice', () => {
  const run = makeRun();
  handshake(run, 1, 1000);
  run.push(seg(C, S, PSH_ACK, 2, 1001, 'abc'));
  run.push(seg(C, S, PSH_ACK, 2, 1001, 'abc'));
  run.push(seg(C, S, ACK, 4, 1001, '')); // keep-alive: seq one before the next byte
  run.table.end();
  assert.deepEqual(
    segments(run)
      .slice(3)
      .map((s) => s.role),
    ['data', 'retransmission', 'keepalive'],
  );
  assert.ok(run.events.some((e) => e.event === 'tcp.retransmission' && e.bytes === 3));
  assert.equal(run.streams.get('1 client')!.toString(), 'abc');
});

test('flow: snaplen-cut segments deliver what was captured, a gap, and one SNAPLEN_CUT problem', () => {
  const run = makeRun();
  handshake(run, 1, 1000);
  run.push(seg(C, S, PSH_ACK, 2, 1001, 'abc', { wire: 10 }));
  run.push(seg(C, S, PSH_ACK, 12, 1001, 'def', { wire: 10 }));
  run.table.end();
  assert.deepEqual(
    run.calls.filter((c) => c.startsWith('1 client')),
    ['1 client data 3', '1 client gap 7', '1 client data 3', '1 client gap 7', '1 client end'],
  );
  assert.equal(run.events.filter((e) => e.event === 'decode.problem' && e.code === 'SNAPLEN_CUT').length, 1);
});

test('flow: idle connections are released after idleTimeout seconds of capture time', () => {
  const run = makeRun({ idleTimeout: 30 });
  handshake(run, 1, 1000, 100);
  run.push(seg(['10.0.0.9', 40000], S, SYN, 7, 0, '', { ts: 200 }));
  assert.equal(run.table.activeConnections, 1);
  const close = run.events.find((e) => e.event === 'tcp.close');
  assert.ok(close && close.event === 'tcp.close' && close.how === 'idle' && close.conn === 1);
  // A late packet of the released connection starts a new, mid-stream one.
  run.push(seg(C, S, PSH_ACK, 2, 1001, 'late', { ts: 201 }));
  assert.equal(run.table.connectionCount, 3);
  // Decoders start with a connection's first bytes: the SYN-only connection 2 never needed one.
  assert.deepEqual(
    run.infos.map((i) => i.conn),
    [1, 3],
  );
  assert.equal(run.infos.find((i) => i.conn === 3)!.handshakeSeen, false);
});

test('flow: port and host filters keep only matching connections', () => {
  const run = makeRun({ ports: [7272] });
  handshake(run, 1, 1000);
  run.push(seg(['10.0.0.1', 50001], ['10.0.0.2', 9999], SYN, 1, 0));
  assert.equal(run.table.connectionCount, 1);
  const byHost = makeRun({ hosts: ['10.0.0.3'] });
  handshake(byHost, 1, 1000);
  assert.equal(byHost.table.connectionCount, 0);
});

test('flow: out-of-order data beyond maxBufferedBytes becomes a gap and memory stays bounded', () => {
  const run = makeRun({ maxBufferedBytes: 100 });
  handshake(run, 1, 1000);
  for (let i = 0; i < 50; i++) run.push(seg(C, S, PSH_ACK, 1002 + i * 40, 1001, 'x'.repeat(40)));
  assert.ok(run.events.some((e) => e.event === 'tcp.gap' && e.bytes === 1000));
  run.table.end();
  assert.equal(run.streams.get('1 client')!.length, 2000);
});

test('flow: a sink that throws is reported as DECODER_FAILED and switched off', () => {
  const events: WireEvent[] = [];
  const table = createFlowTable({
    emit: (e) => events.push(e),
    sinkFactory: () => ({
      data: () => {
        throw new Error('boom');
      },
      gap: () => {},
      end: () => {},
    }),
  });
  const run = { push: (p: TcpPacket) => table.push(p) } as unknown as ReturnType<typeof makeRun>;
  handshake(run, 1, 1000);
  table.push(seg(C, S, PSH_ACK, 2, 1001, 'a'));
  table.push(seg(C, S, PSH_ACK, 3, 1001, 'b'));
  table.end();
  assert.equal(events.filter((e) => e.event === 'decode.problem' && e.code === 'DECODER_FAILED').length, 1);
});
