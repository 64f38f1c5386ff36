// The flow table on real captures, checked against tshark and tcpdump (hand-built segment
// sequences for the cases captures rarely show are in flow-table-segments.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fixturesDir } from '../../shared/paths.js';
import type { TcpSegmentEvent } from '../events.js';
import { createCaptureReader } from '../source/capture-reader.js';
import { decodePacket } from '../layers/decode-packet.js';
import { makeRun, segments, type Run } from '../../testing/wire/flow-test-run.js';

function runFile(path: string): Run {
  const run = makeRun();
  const reader = createCaptureReader({
    onPacket: (raw) => {
      const r = decodePacket(raw);
      if (r.kind === 'tcp') run.push(r.packet);
    },
    onProblem: () => {},
  });
  reader.push(readFileSync(path));
  reader.end();
  run.table.end();
  return run;
}

for (const name of [
  'ws-echo-lo.pcap',
  'ws-echo-any-dumpcap.pcapng',
  'workerman-2014-seed-session.pcap',
  'ws-large-frame.pcap',
  'ws-midstream-plain.pcap',
]) {
  test(`flow: ${name}: each connection's two byte streams equal tshark's`, () => {
    const path = join(fixturesDir, name);
    const rows = execFileSync(
      'tshark',
      [
        '-r',
        path,
        '-T',
        'fields',
        '-e',
        'tcp.stream',
        '-e',
        'tcp.srcport',
        '-e',
        'tcp.dstport',
        '-e',
        'tcp.payload',
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 * 1024 * 1024,
      },
    )
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const expected = new Map<string, string>();
    for (const [stream, sport, , payload] of rows) {
      const k = `${Number(stream) + 1} ${sport}`;
      expected.set(k, (expected.get(k) ?? '') + (payload ?? '').replace(/:/g, ''));
    }
    const run = runFile(path);
    assert.equal(run.table.connectionCount, new Set(rows.map((r) => r[0])).size);
    assert.equal(run.table.activeConnections, 0);
    for (const info of run.infos) {
      for (const side of ['client', 'server'] as const) {
        const port = side === 'client' ? info.client.port : info.server.port;
        const want = expected.get(`${info.conn} ${port}`) ?? '';
        assert.equal(
          (run.streams.get(`${info.conn} ${side}`) ?? Buffer.alloc(0)).toString('hex'),
          want,
          `${info.conn} ${side}`,
        );
      }
    }
    // Every side of every connection is ended exactly once, and nothing follows its end.
    for (const info of run.infos) {
      for (const side of ['client', 'server']) {
        const mine = run.calls.filter((c) => c.startsWith(`${info.conn} ${side} `));
        assert.equal(mine.filter((c) => c.endsWith(' end')).length, 1);
        assert.ok(mine.at(-1)!.endsWith(' end'));
      }
    }
    assert.ok(!run.events.some((e) => e.event === 'tcp.gap' || e.event === 'tcp.overlap-conflict'));
  });
}

/** Our tcp.segment written the way tcpdump prints the part after the addresses. */
function asTcpdump(e: TcpSegmentEvent): string {
  const synFinRst = /[SFR]/.test(e.flags);
  let s = `Flags [${e.flags}]`;
  if (e.len > 0 || synFinRst) s += `, seq ${e.seq}` + (e.len > 0 ? `:${e.seqEnd}` : '');
  if (e.ack !== null) s += `, ack ${e.ack}`;
  s += `, win ${e.win}`;
  if (e.options !== '') s += `, options [${e.options}]`;
  return s + `, length ${e.len}`;
}

for (const name of [
  'ws-echo-lo.pcap',
  'workerman-2014-seed-session.pcap',
  'ws-echo-any-dumpcap.pcapng',
  'ws-midstream-plain.pcap',
  'ws-midstream-deflate.pcap',
]) {
  test(`flow: ${name}: flags, relative seq/ack, window, options and length read like tcpdump -r`, () => {
    const path = join(fixturesDir, name);
    const lines = execFileSync('tcpdump', ['-r', path, '-n', '-tt'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .map((l) => {
        const m = /Flags \[.*?, length \d+/.exec(l);
        return m ? m[0] : l;
      });
    const ours = segments(runFile(path)).map(asTcpdump);
    assert.deepEqual(ours, lines);
  });
}

test('flow: roles, connection numbers and event order on a real capture', () => {
  const run = runFile(join(fixturesDir, 'ws-echo-lo.pcap'));
  const segs = segments(run);
  assert.deepEqual(
    segs.slice(0, 4).map((s) => [s.role, s.from, s.conn]),
    [
      ['syn', 'client', 1],
      ['syn-ack', 'server', 1],
      ['handshake-ack', 'client', 1],
      ['data', 'client', 1],
    ],
  );
  assert.deepEqual([...new Set(segs.map((s) => s.conn))], [1, 2, 3]);
  const open = run.events.find((e) => e.event === 'tcp.open');
  assert.ok(
    open &&
      open.event === 'tcp.open' &&
      open.handshakeSeen &&
      open.client === '127.0.0.1:49458' &&
      open.server === '127.0.0.1:7272',
  );
  const closes = run.events
    .filter((e) => e.event === 'tcp.close')
    .map((e) => (e.event === 'tcp.close' ? `${e.conn} ${e.from} ${e.how}` : ''));
  assert.ok(closes.includes('1 client fin') && closes.includes('1 server both-fin'));
  // Packet 4 carries the HTTP request: its segment event comes before the sink sees the bytes.
  const i = run.order.indexOf('sink.data');
  assert.equal(run.order.slice(0, i).filter((o) => o === 'tcp.segment').length, 4);
});

test('flow: a mid-stream capture is picked up with guessed sides and handshakeSeen=false', () => {
  const run = runFile(join(fixturesDir, 'ws-midstream-plain.pcap'));
  assert.equal(run.infos.length, 1);
  assert.equal(run.infos[0]!.handshakeSeen, false);
  assert.equal(run.infos[0]!.server.port, 7272);
  assert.equal(run.order[0], 'tcp.segment');
  assert.equal(run.order[1], 'tcp.open');
  // Numbered like tcpdump: the first packet absolute, then its sender counts from its seq.
  const [first, second] = segments(run) as [TcpSegmentEvent, TcpSegmentEvent];
  assert.equal(first.seq, 463186167);
  assert.equal(first.ack, 1341290674);
  assert.deepEqual([second.seq, second.seqEnd, second.ack], [1, 15, 18]);
});
