// The pcap/pcapng readers on every fixture (checked against tshark and tcpdump), fed whole and
// one byte at a time, plus hand-built files for the variants the fixtures do not contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fixturesDir } from '../../shared/paths.js';
import type { DecodeProblemEvent, RawPacket } from '../events.js';
import { createCaptureReader, type CaptureReader } from './capture-reader.js';

interface ReadResult {
  packets: RawPacket[];
  problems: DecodeProblemEvent[];
  reader: CaptureReader;
}

function read(bytes: Buffer, chunk = bytes.length || 1): ReadResult {
  const packets: RawPacket[] = [];
  const problems: DecodeProblemEvent[] = [];
  const reader = createCaptureReader({
    onPacket: (p) => packets.push(p),
    onProblem: (p) => problems.push(p),
  });
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk));
  reader.end();
  return { packets, problems, reader };
}

const fixtures = readdirSync(fixturesDir).filter((f) => /\.pcap(ng)?$/.test(f));
const LINK_NAMES: Record<string, number> = { EN10MB: 1, LINUX_SLL: 113, LINUX_SLL2: 276 };

test('there are capture fixtures to read', () => assert.ok(fixtures.length >= 8));

for (const name of fixtures) {
  test(`reader: ${name} matches tshark, whole and a byte at a time`, () => {
    const path = join(fixturesDir, name);
    const bytes = readFileSync(path);
    const tshark = execFileSync(
      'tshark',
      ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const whole = read(bytes);
    assert.deepEqual(whole.problems, []);
    assert.equal(whole.packets.length, tshark.length);
    whole.packets.forEach((p, i) => {
      const [time, capLen, len] = tshark[i]!;
      assert.equal(p.index, i + 1);
      assert.equal(p.data.length, Number(capLen));
      assert.equal(p.origLen, Number(len));
      assert.ok(Math.abs(p.ts - Number(time)) < 2e-6, `packet ${i + 1}: ${p.ts} vs ${time}`);
    });
    assert.equal(whole.reader.format, bytes.readUInt32LE(0) === 0x0a0d0d0a ? 'pcapng' : 'pcap');
    const bytewise = read(bytes, 1);
    assert.deepEqual(bytewise.problems, []);
    assert.equal(bytewise.packets.length, whole.packets.length);
    bytewise.packets.forEach((p, i) => {
      assert.ok(p.data.equals(whole.packets[i]!.data));
      assert.equal(p.ts, whole.packets[i]!.ts);
    });
    const odd = read(bytes, 4093);
    assert.equal(odd.packets.length, whole.packets.length);
  });
}

test('reader: link types agree with tcpdump -r', () => {
  for (const name of fixtures) {
    const path = join(fixturesDir, name);
    const stderr = execFileSync('sh', ['-c', `tcpdump -r '${path}' -c 1 -n 2>&1 >/dev/null`], {
      encoding: 'utf8',
    });
    const m = /link-type (\w+)/.exec(stderr);
    assert.ok(m, `tcpdump names a link type for ${name}: ${stderr}`);
    const expected = LINK_NAMES[m[1]!];
    assert.ok(expected !== undefined, `unexpected link type ${m[1]}`);
    const { packets } = read(readFileSync(path));
    assert.equal(packets[0]!.linkType, expected, name);
  }
});

test('reader: the fixtures have the link types their README states', () => {
  const linkOf = (name: string): number => read(readFileSync(join(fixturesDir, name))).packets[0]!.linkType;
  assert.equal(linkOf('ws-echo-lo.pcap'), 1);
  assert.equal(linkOf('ws-echo-any.pcap'), 276);
  assert.equal(linkOf('ws-echo-any-dumpcap.pcapng'), 113);
});

test('reader: a truncated file gives its whole packets and TRUNCATED_FILE', () => {
  const bytes = readFileSync(join(fixturesDir, 'ws-echo-lo.pcap'));
  const full = read(bytes).packets.length;
  for (const chunk of [bytes.length, 1, 777]) {
    const cut = read(bytes.subarray(0, bytes.length - 10), chunk);
    assert.equal(cut.packets.length, full - 1);
    assert.deepEqual(
      cut.problems.map((p) => p.code),
      ['TRUNCATED_FILE'],
    );
    assert.equal(cut.reader.usable, true);
  }
  const ng = readFileSync(join(fixturesDir, 'ws-echo-any-dumpcap.pcapng'));
  const ngCut = read(ng.subarray(0, ng.length - 3));
  assert.deepEqual(
    ngCut.problems.map((p) => p.code),
    ['TRUNCATED_FILE'],
  );
});

test('reader: garbage, empty and too-short input are unusable with BAD_CAPTURE_HEADER', () => {
  for (const bytes of [
    Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    Buffer.alloc(0),
    Buffer.from([0xd4, 0xc3]),
    Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0]),
  ]) {
    const r = read(bytes, 1);
    assert.equal(r.packets.length, 0);
    assert.equal(r.reader.usable, false);
    assert.equal(r.reader.format, undefined);
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['BAD_CAPTURE_HEADER'],
    );
  }
});

test('reader: random bytes after a valid header never throw and never allocate absurd lengths', () => {
  let seed = 12345;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (const base of ['ws-echo-lo.pcap', 'ws-echo-any-dumpcap.pcapng']) {
    const bytes = Buffer.from(readFileSync(join(fixturesDir, base)));
    for (let round = 0; round < 30; round++) {
      const copy = Buffer.from(bytes);
      for (let k = 0; k < 20; k++) copy[32 + (((rnd() << 8) | rnd()) % (copy.length - 32))] = rnd();
      const r = read(copy, 1 + rnd() * 37);
      assert.ok(r.packets.every((p) => p.data.length <= 16 * 1024 * 1024));
    }
  }
});

// ---- hand-built files -----------------------------------------------------------------------

function pcapFile(
  opts: { big?: boolean; nano?: boolean; snaplen?: number; linkType?: number },
  records: Array<{ sec: number; frac: number; data: Buffer; orig?: number; caplen?: number }>,
): Buffer {
  const w32 = (b: Buffer, v: number, o: number): number =>
    opts.big ? b.writeUInt32BE(v >>> 0, o) : b.writeUInt32LE(v >>> 0, o);
  const w16 = (b: Buffer, v: number, o: number): number =>
    opts.big ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o);
  const h = Buffer.alloc(24);
  w32(h, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, opts.snaplen ?? 65535, 16);
  w32(h, opts.linkType ?? 1, 20);
  const parts: Buffer[] = [h];
  for (const r of records) {
    const rh = Buffer.alloc(16);
    w32(rh, r.sec, 0);
    w32(rh, r.frac, 4);
    w32(rh, r.caplen ?? r.data.length, 8);
    w32(rh, r.orig ?? r.data.length, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}

test('reader: pcap in both byte orders, micro- and nanosecond timestamps', () => {
  const data = Buffer.from('0123456789');
  for (const big of [false, true]) {
    for (const nano of [false, true]) {
      const file = pcapFile({ big, nano, linkType: 101 }, [
        { sec: 1700000000, frac: nano ? 250000000 : 250000, data, orig: 40 },
        { sec: 1700000001, frac: nano ? 5 : 0, data: data.subarray(0, 3) },
      ]);
      const r = read(file, 3);
      assert.deepEqual(r.problems, []);
      assert.equal(r.reader.format, 'pcap');
      assert.equal(r.packets.length, 2);
      assert.equal(r.packets[0]!.ts, 1700000000.25);
      assert.equal(r.packets[0]!.linkType, 101);
      assert.equal(r.packets[0]!.origLen, 40);
      assert.equal(r.packets[1]!.data.toString(), '012');
      assert.ok(Math.abs(r.packets[1]!.ts - 1700000001) < 1e-6);
    }
  }
});

test('reader: a record with an absurd length stops cleanly with BAD_RECORD', () => {
  const file = pcapFile({ snaplen: 96 }, [
    { sec: 1, frac: 0, data: Buffer.alloc(20) },
    { sec: 2, frac: 0, data: Buffer.alloc(20), caplen: 0x7fffffff },
    { sec: 3, frac: 0, data: Buffer.alloc(20) },
  ]);
  for (const chunk of [file.length, 1]) {
    const r = read(file, chunk);
    assert.equal(r.packets.length, 1);
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['BAD_RECORD'],
    );
    assert.equal(r.reader.usable, true);
  }
});

test('reader: caplen above the snaplen is read, with one CAPLEN_OVER_SNAPLEN warning', () => {
  const file = pcapFile({ snaplen: 8 }, [
    { sec: 1, frac: 0, data: Buffer.alloc(20) },
    { sec: 2, frac: 0, data: Buffer.alloc(20) },
  ]);
  const r = read(file);
  assert.equal(r.packets.length, 2);
  assert.deepEqual(
    r.problems.map((p) => [p.code, p.severity]),
    [['CAPLEN_OVER_SNAPLEN', 'warning']],
  );
});

/** pcapng writer for tests: options as [code, value] pairs. */
class NgWriter {
  parts: Buffer[] = [];
  constructor(private big = false) {}
  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.big) b.writeUInt32BE(v >>> 0);
    else b.writeUInt32LE(v >>> 0);
    return b;
  }
  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.big) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    return b;
  }
  private pad(b: Buffer): Buffer {
    return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  }
  private options(opts: Array<[number, Buffer]>): Buffer {
    if (opts.length === 0) return Buffer.alloc(0);
    const out: Buffer[] = [];
    for (const [code, v] of opts) out.push(this.u16(code), this.u16(v.length), this.pad(v));
    out.push(this.u16(0), this.u16(0));
    return Buffer.concat(out);
  }
  block(type: number, body: Buffer): this {
    const total = 12 + body.length;
    this.parts.push(this.u32(type), this.u32(total), body, this.u32(total));
    return this;
  }
  shb(): this {
    return this.block(
      0x0a0d0d0a,
      Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)]),
    );
  }
  idb(linkType: number, snaplen: number, opts: Array<[number, Buffer]> = []): this {
    return this.block(
      1,
      Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snaplen), this.options(opts)]),
    );
  }
  epb(ifId: number, ticks: bigint, data: Buffer, orig = data.length): this {
    return this.block(
      6,
      Buffer.concat([
        this.u32(ifId),
        this.u32(Number(ticks >> 32n)),
        this.u32(Number(ticks & 0xffffffffn)),
        this.u32(data.length),
        this.u32(orig),
        this.pad(data),
      ]),
    );
  }
  spb(data: Buffer, orig = data.length): this {
    return this.block(3, Buffer.concat([this.u32(orig), this.pad(data)]));
  }
  opb(ifId: number, ticks: bigint, data: Buffer): this {
    return this.block(
      2,
      Buffer.concat([
        this.u16(ifId),
        this.u16(0),
        this.u32(Number(ticks >> 32n)),
        this.u32(Number(ticks & 0xffffffffn)),
        this.u32(data.length),
        this.u32(data.length),
        this.pad(data),
      ]),
    );
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function int64(v: bigint, big: boolean): Buffer {
  const b = Buffer.alloc(8);
  if (big) b.writeBigInt64BE(v);
  else b.writeBigInt64LE(v);
  return b;
}

test('reader: pcapng with several interfaces, tsresol, tsoffset, SPB, OPB, unknown blocks, two sections', () => {
  const d = (s: string): Buffer => Buffer.from(s);
  for (const big of [false, true]) {
    const other = new NgWriter(!big);
    const file = Buffer.concat([
      new NgWriter(big)
        .shb()
        .idb(1, 0) // microseconds by default
        .idb(276, 0, [[9, Buffer.from([9])]]) // nanoseconds
        .idb(101, 0, [
          [9, Buffer.from([0x80 | 20])], // 2^-20 seconds
          [14, int64(100n, big)], // +100 s
        ])
        .epb(0, 1700000000_500000n, d('eth'))
        .epb(1, 1700000001_123456789n, d('sll2'))
        .block(0x0bad, Buffer.alloc(16)) // unknown: skipped
        .epb(2, 1700000000n << 20n, d('raw'))
        .spb(d('simple-no-time'))
        .opb(1, 1700000002_000000001n, d('obsolete'))
        .epb(7, 0n, d('no such interface'))
        .bytes(),
      // A second section in the other byte order, with its own interfaces.
      other.shb().idb(113, 4).epb(0, 1700000003_000000n, d('cut-'), 14).spb(d('spb-uses-snaplen')).bytes(),
    ]);
    for (const chunk of [file.length, 1, 5]) {
      const r = read(file, chunk);
      assert.equal(r.reader.format, 'pcapng');
      assert.deepEqual(
        r.problems.map((p) => p.code),
        ['BAD_BLOCK'],
        'the packet for an undeclared interface is reported and skipped',
      );
      const got = r.packets.map((p) => [p.linkType, p.interfaceId, p.data.toString()]);
      assert.deepEqual(got, [
        [1, 0, 'eth'],
        [276, 1, 'sll2'],
        [101, 2, 'raw'],
        [1, 0, 'simple-no-time'],
        [276, 1, 'obsolete'],
        [113, 0, 'cut-'],
        [113, 0, 'spb-'],
      ]);
      const ts = r.packets.map((p) => p.ts);
      assert.equal(ts[0], 1700000000.5);
      assert.ok(Math.abs(ts[1]! - 1700000001.1234567) < 1e-6);
      assert.equal(ts[2], 1700000100);
      assert.equal(ts[3], ts[2], 'an SPB takes the time of the packet before it');
      assert.ok(Math.abs(ts[4]! - 1700000002) < 1e-6);
      assert.equal(r.packets[5]!.origLen, 14);
    }
  }
});

test('reader: a pcapng block with an impossible length stops the reader', () => {
  const file = new NgWriter().shb().idb(1, 0).epb(0, 1n, Buffer.from('ok')).bytes();
  const bad = Buffer.concat([file, Buffer.from([6, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(64)]);
  const r = read(bad, 1);
  assert.equal(r.packets.length, 1);
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['BLOCK_UNREADABLE'],
  );
});
