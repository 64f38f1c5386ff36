// TLS state is charged to the run's memory budget like WebSocket state: each TLS connection's
// fixed cost and the bytes of its unfinished records, given back when it goes. Many TLS
// connections that each leave a large record unfinished (a hostile capture) are evicted within
// the budget and reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildTcpPacket } from '../source/synthetic-tcp.js';
import { Conn, decodeWithBudget, SERVER } from '../../testing/wire/budget-test-capture.js';
import { FLOW_COST, FLOW_DATA_COST, SINK_COST } from '../flow/flow-costs.js';
import { makeCertificate, recordSession } from '../../testing/wire/tls-test-kit.js';
import { TLS_CONNECTION_COST } from './tls-sink.js';

/** A real TLS 1.3 ClientHello (the client's first bytes of a session made by node:tls). */
const hello = (async () => {
  const session = await recordSession(makeCertificate(), {
    server: { minVersion: 'TLSv1.3' },
    clientSends: [Buffer.from('x')],
    serverSends: [],
  });
  return session.chunks.find((c) => c.from === 'client')!.bytes;
})();

/** Connection i: handshake, the ClientHello, then `unfinished` bytes of a 16 KiB record. */
function tlsConnection(i: number, clientHello: Buffer, unfinished: number): Buffer[] {
  const c = new Conn({ ip: `10.9.${i >> 8}.${i & 255}`, port: 40000 + (i % 20000) });
  const header = Buffer.from([23, 3, 3, 0x40, 0x00]); // application data, 16384 bytes announced
  return [
    c.syn(),
    buildTcpPacket(SERVER, c.c, 5000, 1001, { syn: true, ack: true }),
    buildTcpPacket(c.c, SERVER, 1001, 5001, { ack: true }),
    c.client(clientHello),
    c.client(Buffer.concat([header, randomBytes(unfinished)])),
  ];
}

test('TLS budget: each connection is charged its TLS state and the bytes of its unfinished record', async () => {
  const clientHello = await hello;
  const n = 10;
  const run = (unfinished: number) =>
    decodeWithBudget(Array.from({ length: n }, (_, i) => tlsConnection(i, clientHello, unfinished)).flat(), {
      maxMemory: 1 << 30,
      chat: false,
    });
  const small = run(4000);
  const large = run(12000);
  // The unfinished record's bytes, to the byte: 8000 more per connection.
  assert.equal(large.usedBeforeEnd - small.usedBeforeEnd, n * 8000);
  // And the fixed costs: the flow, its decoder, its data, the TLS state, the record so far.
  assert.ok(
    small.usedBeforeEnd >= n * (FLOW_COST + SINK_COST + FLOW_DATA_COST + TLS_CONNECTION_COST + 5 + 4000),
    `charged ${small.usedBeforeEnd}`,
  );
  assert.deepEqual(small.summary.evictions, {});
  // Everything comes back at the end of the capture.
  assert.equal(small.budget.used, 0);
  assert.equal(large.budget.used, 0);
});

test('TLS budget: many connections with large unfinished records stay within the budget, evictions reported', async () => {
  const clientHello = await hello;
  const n = 200;
  const unfinished = 16000;
  const maxMemory = 1 << 20;
  const run = decodeWithBudget(
    Array.from({ length: n }, (_, i) => tlsConnection(i, clientHello, unfinished)).flat(),
    { maxMemory, chat: false, maxEvictionReports: 5 },
  );
  // What one such connection really holds: at most this many fit in the budget at once.
  const perConnection = FLOW_COST + SINK_COST + FLOW_DATA_COST + TLS_CONNECTION_COST + 5 + unfinished;
  const fit = Math.floor(maxMemory / perConnection);
  const evicted = run.summary.evictions?.FLOW_EVICTED ?? 0;
  assert.ok(evicted >= n - fit - 1, `${evicted} evicted, ${fit} fit`);
  // Over the limit by at most what one packet adds.
  assert.ok(run.budget.peak <= maxMemory + perConnection, `peak ${run.budget.peak}`);
  assert.ok(run.usedBeforeEnd <= maxMemory);
  // Reported one by one up to the limit, then counted.
  assert.equal(run.problems.filter((p) => p.startsWith('FLOW_EVICTED')).length, 5);
  assert.ok(run.problems.includes('EVICTIONS_NOT_SHOWN -'));
  assert.equal(run.budget.used, 0);
});
