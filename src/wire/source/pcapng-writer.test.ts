import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createPcapngWriter } from './pcapng-writer.js';
import { buildTcpPacket, LINKTYPE_RAW } from './synthetic-tcp.js';
import { tshark } from '../../testing/wire/tap-test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'wirechat-pcapng-'));
const a = { ip: '10.0.0.1', port: 40000 };
const b = { ip: '10.0.0.2', port: 7272 };

function ethernet(ipPacket: Buffer): Buffer {
  const head = Buffer.alloc(14);
  head.writeUInt16BE(0x0800, 12);
  return Buffer.concat([head, ipPacket]);
}

function writeSample(resolution: 'ns' | 'us', mixedLinks = true): string {
  const w = createPcapngWriter({ resolution, application: 'wirechat test' });
  const payload = Buffer.from('hello, wire');
  const parts = [
    w.header(),
    w.packet({
      ts: 0,
      tsNanos: 1_700_000_000_123_456_789n,
      linkType: LINKTYPE_RAW,
      data: buildTcpPacket(a, b, 1000, 0, { syn: true }),
    }),
    // A second link type gets its own interface block.
    mixedLinks
      ? w.packet({
          ts: 1_700_000_001.5,
          linkType: 1,
          data: ethernet(buildTcpPacket(b, a, 5000, 1001, { syn: true, ack: true })),
        })
      : w.packet({
          ts: 1_700_000_001.5,
          linkType: LINKTYPE_RAW,
          data: buildTcpPacket(b, a, 5000, 1001, { syn: true, ack: true }),
        }),
    w.packet({
      ts: 1_700_000_002.25,
      linkType: LINKTYPE_RAW,
      data: buildTcpPacket(a, b, 1001, 5001, { psh: true, ack: true }, payload),
    }),
  ];
  const file = join(dir, `sample-${resolution}-${mixedLinks}.pcapng`);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

test('tshark reads every packet with its time, link type and payload, with ns and µs resolution', () => {
  for (const resolution of ['ns', 'us'] as const) {
    const file = writeSample(resolution);
    const out = tshark([
      '-r',
      file,
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'ip.check_checksum:TRUE',
      '-T',
      'fields',
      '-e',
      'frame.time_epoch',
      '-e',
      'frame.interface_id',
      '-e',
      'ip.src',
      '-e',
      'tcp.flags.str',
      '-e',
      'tcp.payload',
      '-e',
      'tcp.checksum.status',
      '-e',
      'ip.checksum.status',
    ])
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.equal(out.length, 3);
    const expectFirst = resolution === 'ns' ? '1700000000.123456789' : '1700000000.123456000';
    assert.equal(out[0]![0], expectFirst);
    assert.deepEqual(
      out.map((r) => r[1]),
      ['0', '1', '0'],
    );
    assert.deepEqual(
      out.map((r) => r[2]),
      ['10.0.0.1', '10.0.0.2', '10.0.0.1'],
    );
    assert.equal(out[2]![4], Buffer.from('hello, wire').toString('hex'));
    // Checksum status 1 = good (0 bad, 2 unverified).
    assert.deepEqual(
      out.map((r) => [r[5], r[6]]),
      [
        ['1', '1'],
        ['1', '1'],
        ['1', '1'],
      ],
    );
  }
});

test('tcpdump -r reads a single-link-type file too (libpcap refuses mixed link types)', () => {
  const file = writeSample('ns', false);
  const r = spawnSync('tcpdump', ['-nn', '-r', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /10\.0\.0\.1\.40000 > 10\.0\.0\.2\.7272: Flags \[S\]/);
  assert.match(lines[2]!, /Flags \[P\.\], seq 1:12, ack 1, .*length 11/);
});

test('an IPv6 packet is written and read back with its addresses', () => {
  const w = createPcapngWriter();
  const file = join(dir, 'v6.pcapng');
  const pkt = buildTcpPacket(
    { ip: '::1', port: 1 },
    { ip: 'fe80::1:2', port: 2 },
    7,
    9,
    { ack: true },
    Buffer.from('x'),
  );
  writeFileSync(file, Buffer.concat([w.header(), w.packet({ ts: 1, linkType: LINKTYPE_RAW, data: pkt })]));
  const out = tshark([
    '-r',
    file,
    '-o',
    'tcp.check_checksum:TRUE',
    '-T',
    'fields',
    '-e',
    'ipv6.src',
    '-e',
    'ipv6.dst',
    '-e',
    'tcp.checksum.status',
  ]);
  assert.equal(out.trim(), '::1\tfe80::1:2\t1');
});
