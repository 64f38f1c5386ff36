// Each bound of the memory budget, with budgets small enough to reach in a few packets: what is
// given up, in which order, how it is reported and counted, and that charges come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, constants } from 'node:zlib';
import type { TcpCloseEvent, TcpOpenEvent, WsMessageEvent } from '../events.js';
import { serverFrame } from '../../testing/wire/test-frames.js';
import { CLOSED_FLOW_COST, FLOW_COST, FLOW_DATA_COST, SINK_COST } from '../flow/flow-costs.js';
import { WS_CONNECTION_COST } from '../websocket/connection-decoder.js';
import { PIECE_OVERHEAD } from '../reassembly/stream-reassembler.js';
import { INFLATE_SHARE } from './memory-budget.js';
import { client, Conn, decodeWithBudget } from '../../testing/wire/budget-test-capture.js';

const closes = (events: { event: string }[]): string[] =>
  events.filter((e): e is TcpCloseEvent => e.event === 'tcp.close').map((e) => `${e.conn} ${e.how}`);
const messages = (events: { event: string }[]): WsMessageEvent[] =>
  events.filter((e): e is WsMessageEvent => e.event === 'ws.message');

test('budget: flows are evicted least recently seen first, the first N reported, the rest counted', () => {
  const c = [1, 2, 3, 4, 5].map((i) => new Conn(client(i)));
  const packets = [
    c[0]!.syn(),
    c[1]!.syn(),
    c[2]!.syn(),
    c[0]!.client(Buffer.alloc(0)), // connection 1 seen again: 2 is now the oldest
    c[3]!.syn(),
    c[4]!.syn(),
  ];
  const run = decodeWithBudget(packets, { maxMemory: 3 * FLOW_COST, maxEvictionReports: 1 });
  assert.deepEqual(closes(run.events).slice(0, 2), ['2 evicted', '3 evicted']);
  assert.deepEqual(run.problems, ['FLOW_EVICTED 2', 'EVICTIONS_NOT_SHOWN -']);
  assert.deepEqual(run.summary.evictions, { FLOW_EVICTED: 2 });
  assert.equal(run.usedBeforeEnd, 3 * FLOW_COST);
  assert.equal(run.budget.used, 0);
});

test('budget: an evicted connection seen again is a new connection picked up mid-stream', () => {
  const a = new Conn(client(1));
  const b = new Conn(client(2));
  const packets = [a.syn(), b.syn(), a.client(Buffer.from('late'))];
  const run = decodeWithBudget(packets, { maxMemory: FLOW_COST + 100 });
  assert.deepEqual(run.problems.slice(0, 1), ['FLOW_EVICTED 1']);
  const opens = run.events.filter((e): e is TcpOpenEvent => e.event === 'tcp.open');
  assert.deepEqual(
    opens.map((o) => `${o.conn} ${o.handshakeSeen}`),
    ['3 false'],
  );
});

test('budget: WebSocket state of the oldest connection is evicted; its later frames resync', () => {
  const a = new Conn(client(1));
  const b = new Conn(client(2));
  // A frame announcing 1000 bytes, of which 100 are sent: the message stays unfinished.
  const partial = serverFrame({ opcode: 1, payload: Buffer.alloc(1000, 0x61) }).subarray(0, 104);
  const perConn = FLOW_COST + SINK_COST + FLOW_DATA_COST + WS_CONNECTION_COST + 100;
  const packets = [...a.open(), a.server(partial), ...b.open(), b.server(partial)];
  // Connection 1 later sends two whole frames after bytes that were never captured.
  const later = Buffer.concat([
    serverFrame({ opcode: 1, payload: 'hello' }),
    serverFrame({ opcode: 1, payload: 'world' }),
  ]);
  packets.push(a.server(later, a.ss + 5000));
  const run = decodeWithBudget(packets, { maxMemory: Math.floor(perConn * 1.5) });
  assert.equal(run.problems[0], 'WS_STATE_EVICTED 1');
  assert.ok(closes(run.events).includes('1 evicted'));
  const texts = messages(run.events).map((m) => `${m.conn} ${m.text}`);
  assert.ok(texts.includes('3 world'), texts.join(', '));
  assert.ok(run.summary.evictions?.WS_STATE_EVICTED ?? 0 >= 1);
  assert.equal(run.budget.used, 0);
});

test('budget: an unfinished message of many fragments is dropped, the next message decodes', () => {
  const a = new Conn(client(1));
  const packets = [...a.open()];
  const fragments: Buffer[] = [serverFrame({ opcode: 1, payload: 'x', fin: false })];
  for (let i = 0; i < 4000; i++) fragments.push(serverFrame({ opcode: 0, payload: 'x', fin: false }));
  fragments.push(serverFrame({ opcode: 0, payload: 'x', fin: true }));
  // 100 fragments per packet: the message outgrows the budget part of the way through.
  for (let i = 0; i < fragments.length; i += 100)
    packets.push(a.server(Buffer.concat(fragments.slice(i, i + 100))));
  packets.push(a.server(serverFrame({ opcode: 1, payload: 'after' })));
  const limit = FLOW_COST + SINK_COST + FLOW_DATA_COST + WS_CONNECTION_COST + 1000;
  const run = decodeWithBudget(packets, { maxMemory: limit });
  assert.deepEqual(run.problems, ['FRAGMENTS_DROPPED 1']);
  assert.deepEqual(
    messages(run.events).map((m) => m.text),
    ['after'],
  );
  // Never more than one packet's worth (100 fragments) over the limit.
  assert.ok(run.budget.peak <= limit + 2048, `peak ${run.budget.peak}`);
  assert.equal(run.summary.evictions?.FRAGMENTS_DROPPED, 1);
});

test('budget: out-of-order bytes past the budget: the hole becomes a gap, what waited is delivered', () => {
  const a = new Conn(client(1));
  const packets = [a.syn()];
  // Byte 0 never comes; bytes 1..60 arrive one segment each.
  for (let i = 1; i <= 60; i++) packets.push(a.client(Buffer.from([0x41 + (i % 26)]), a.cs + i));
  const limit = FLOW_COST + SINK_COST + FLOW_DATA_COST + 20 * (1 + PIECE_OVERHEAD);
  const run = decodeWithBudget(packets, { maxMemory: limit });
  assert.deepEqual(
    run.problems.filter((p) => p !== 'NOT_WEBSOCKET 1'),
    ['OUT_OF_ORDER_DROPPED 1'],
  );
  const gaps = run.events.filter((e) => e.event === 'tcp.gap');
  assert.equal(gaps.length, 1);
  assert.ok(run.budget.peak <= limit + 1 + PIECE_OVERHEAD + FLOW_DATA_COST);
});

test('budget: out-of-order bytes are counted across flows: the older flow holding them goes', () => {
  const a = new Conn(client(1));
  const b = new Conn(client(2));
  const packets = [a.syn(), b.syn()];
  for (let i = 1; i <= 30; i++) packets.push(a.client(Buffer.from('a'), a.cs + i));
  for (let i = 1; i <= 30; i++) packets.push(b.client(Buffer.from('b'), b.cs + i));
  const run = decodeWithBudget(packets, { maxMemory: 2 * FLOW_COST + 45 * (1 + PIECE_OVERHEAD) });
  assert.equal(run.problems[0], 'FLOW_EVICTED 1');
  assert.ok(!run.problems.includes('OUT_OF_ORDER_DROPPED 2'));
});

test('budget: an inflated message is cut at its share of the budget (INFLATE_LIMIT)', () => {
  const a = new Conn(client(1));
  const text = 'a'.repeat(200_000);
  const compressed = deflateRawSync(Buffer.from(text), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(
    0,
    -4,
  );
  const packets = [
    ...a.open('permessage-deflate'),
    a.server(serverFrame({ opcode: 1, payload: compressed, rsv1: true })),
  ];
  const maxMemory = 1024 * 1024;
  const run = decodeWithBudget(packets, { maxMemory });
  assert.deepEqual(run.problems, ['INFLATE_LIMIT 1']);
  const [m] = messages(run.events);
  assert.equal(m!.text!.length, maxMemory / INFLATE_SHARE);
  // Without the small budget the same message is whole.
  const roomy = decodeWithBudget(packets, {});
  assert.equal(messages(roomy.events)[0]!.text, text);
});

test('budget: charges come back to zero when connections close and at the end', () => {
  const conns = [1, 2, 3].map((i) => new Conn(client(i)));
  const packets: Buffer[] = [];
  for (const c of conns) {
    packets.push(...c.open('permessage-deflate'));
    const compressed = deflateRawSync(Buffer.from('hello hello'), {
      finishFlush: constants.Z_SYNC_FLUSH,
    }).subarray(0, -4);
    packets.push(c.server(serverFrame({ opcode: 1, payload: compressed, rsv1: true })));
  }
  // Connections 1 and 2 close both ways; 3 stays open in the middle of a fragmented message.
  for (const c of conns.slice(0, 2)) packets.push(c.fin('client'), c.fin('server'));
  packets.push(conns[2]!.server(serverFrame({ opcode: 1, payload: 'part', fin: false })));
  const run = decodeWithBudget(packets, {});
  assert.equal(messages(run.events).length, 3);
  assert.deepEqual(
    run.problems.filter((p) => !p.startsWith('INCOMPLETE')),
    [],
  );
  // What is left before the end: two closed records and the open connection's state.
  assert.ok(run.usedBeforeEnd >= 2 * CLOSED_FLOW_COST + FLOW_COST + WS_CONNECTION_COST + 4);
  assert.equal(run.budget.used, 0);
});
