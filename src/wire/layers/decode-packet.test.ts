// Link/IP/TCP decoding: every fixture against tshark's reading, and hand-built packets for
// the link types, IP variants and malformations the fixtures do not contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fixturesDir } from '../../shared/paths.js';
import type { RawPacket, TcpPacket } from '../events.js';
import { createCaptureReader } from '../source/capture-reader.js';
import { blankTcpPacket, decodePacket, decodeTcpPacket } from './decode-packet.js';
import { formatTcpOptions, formatTcpOptionsIn } from './tcp-options.js';
import { formatTcpFlags } from './tcp-flags.js';
import { formatIpv6 } from './ip-text.js';
import { DecodedTcpPacket } from './tcp-segment.js';

function packetsOf(path: string): RawPacket[] {
  const out: RawPacket[] = [];
  const r = createCaptureReader({ onPacket: (p) => out.push(p), onProblem: () => {} });
  r.push(readFileSync(path));
  r.end();
  return out;
}

for (const name of readdirSync(fixturesDir).filter((f) => /\.pcap(ng)?$/.test(f))) {
  test(`layers: ${name} decodes to tshark's addresses, ports, seq, flags and lengths`, () => {
    const path = join(fixturesDir, name);
    const fields = [
      'ip.src',
      'ipv6.src',
      'ip.dst',
      'ipv6.dst',
      'tcp.srcport',
      'tcp.dstport',
      'tcp.seq_raw',
      'tcp.ack_raw',
      'tcp.flags',
      'tcp.len',
    ];
    const rows = execFileSync('tshark', ['-r', path, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const packets = packetsOf(path);
    assert.equal(packets.length, rows.length);
    packets.forEach((raw, i) => {
      const [ip4s, ip6s, ip4d, ip6d, sport, dport, seq, ack, flags, len] = rows[i]!;
      const r = decodePacket(raw);
      assert.equal(r.kind, 'tcp', `packet ${i + 1}`);
      const p = (r as { packet: TcpPacket }).packet;
      assert.equal(p.src.ip, ip4s || ip6s);
      assert.equal(p.dst.ip, ip4d || ip6d);
      assert.equal(p.src.port, Number(sport));
      assert.equal(p.dst.port, Number(dport));
      assert.equal(p.seq, Number(seq));
      if ((Number(flags) & 0x10) !== 0) assert.equal(p.ack, Number(ack));
      assert.equal((p as DecodedTcpPacket).flagBits, Number(flags) & 0x1ff);
      assert.equal(p.payloadLength, Number(len));
      assert.equal(p.payload.length, Number(len));
    });
  });
}

test("layers: options and flags read like tcpdump's for the seed document's handshake", () => {
  // The SYN of the seed document: mss 16396,sackOK,TS val 28679666 ecr 28679554,nop,wscale 7
  const opts = Buffer.from('0204400c0402080a01b59df201b59d8201030307', 'hex');
  assert.equal(formatTcpOptions(opts), 'mss 16396,sackOK,TS val 28679666 ecr 28679554,nop,wscale 7');
  assert.equal(
    formatTcpOptions(Buffer.from('0101080a01b59df201b59df2', 'hex')),
    'nop,nop,TS val 28679666 ecr 28679666',
  );
  assert.equal(
    formatTcpOptions(Buffer.from('0101050a000003e8000007d0', 'hex'), 999),
    'nop,nop,sack 1 {1:1001}',
  );
  assert.equal(formatTcpOptions(Buffer.from('0205', 'hex')), 'mss[bad opt]');
  assert.equal(formatTcpOptions(Buffer.from('fe04abcd00', 'hex')), 'exp 0xabcd,eol');
  assert.equal(formatTcpOptions(Buffer.from('2202', 'hex')), 'tfo cookiereq');
  // Read in place from a packet's bytes: what lies before and after the options is never read.
  const packet = Buffer.from('0204' + '0101080a01b59df201b59df2' + '0204400c', 'hex');
  assert.equal(formatTcpOptionsIn(packet, 2, 14), 'nop,nop,TS val 28679666 ecr 28679666');
  assert.equal(formatTcpOptionsIn(packet, 14, 16), 'mss[bad opt]');
  assert.equal(
    formatTcpOptionsIn(Buffer.from('ff0101050a000003e8000007d0ff', 'hex'), 1, 13, 999),
    'nop,nop,sack 1 {1:1001}',
  );
  assert.equal(formatTcpOptionsIn(packet, 2, 2), '');
  assert.equal(formatTcpFlags(0x02), 'S');
  assert.equal(formatTcpFlags(0x12), 'S.');
  assert.equal(formatTcpFlags(0x10), '.');
  assert.equal(formatTcpFlags(0x18), 'P.');
  assert.equal(formatTcpFlags(0x11), 'F.');
  assert.equal(formatTcpFlags(0x19), 'FP.');
  assert.equal(formatTcpFlags(0x04), 'R');
  assert.equal(formatTcpFlags(0x14), 'R.');
  assert.equal(formatTcpFlags(0xc2), 'SEW');
  assert.equal(formatTcpFlags(0), 'none');
});

test('layers: IPv6 text follows RFC 5952', () => {
  const v6 = (hex: string): string => formatIpv6(Buffer.from(hex, 'hex'), 0);
  assert.equal(v6('00000000000000000000000000000001'), '::1');
  assert.equal(v6('20010db8000000000001000000000001'), '2001:db8::1:0:0:1');
  assert.equal(v6('20010db8000000010001000100010001'), '2001:db8:0:1:1:1:1:1');
  assert.equal(v6('00000000000000000000ffff7f000001'), '::ffff:127.0.0.1');
  assert.equal(v6('fe800000000000000000000000000000'), 'fe80::');
});

// ---- hand-built packets -----------------------------------------------------------------------

function tcpHeader(sport: number, dport: number, opts = Buffer.alloc(0), flags = 0x18): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(1000, 4);
  h.writeUInt32BE(2000, 8);
  h[12] = ((20 + opts.length) / 4) << 4;
  h[13] = flags;
  h.writeUInt16BE(512, 14);
  return Buffer.concat([h, opts]);
}

function ipv4(
  payload: Buffer,
  opts: { proto?: number; options?: Buffer; frag?: number; total?: number } = {},
): Buffer {
  const o = opts.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20);
  h[0] = 0x40 | ((20 + o.length) / 4);
  h.writeUInt16BE(opts.total ?? 20 + o.length + payload.length, 2);
  h.writeUInt16BE(opts.frag ?? 0x4000, 6);
  h[8] = 64;
  h[9] = opts.proto ?? 6;
  Buffer.from([10, 0, 0, 1]).copy(h, 12);
  Buffer.from([10, 0, 0, 2]).copy(h, 16);
  return Buffer.concat([h, o, payload]);
}

function ipv6(next: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payload.length, 4);
  h[6] = next;
  h[7] = 64;
  h[23] = 1; // ::1
  h[39] = 1;
  return Buffer.concat([h, payload]);
}

function raw(linkType: number, data: Buffer): RawPacket {
  return { index: 1, ts: 0, linkType, data, origLen: data.length, interfaceId: 0 };
}

function tcpOf(linkType: number, data: Buffer): TcpPacket {
  const r = decodePacket(raw(linkType, data));
  assert.equal(r.kind, 'tcp', JSON.stringify(r));
  return (r as { packet: TcpPacket }).packet;
}

const segment = Buffer.concat([tcpHeader(54321, 7272), Buffer.from('hello')]);
const ethernet = (type: number, body: Buffer, vlans = 0): Buffer => {
  const parts = [Buffer.alloc(12)];
  for (let i = 0; i < vlans; i++) parts.push(Buffer.from([0x81, 0x00, 0x00, 0x05]));
  const t = Buffer.alloc(2);
  t.writeUInt16BE(type);
  return Buffer.concat([...parts, t, body]);
};

test('layers: every supported link type reaches the same TCP segment', () => {
  const ip = ipv4(segment);
  const af = (v: number, big: boolean): Buffer => {
    const b = Buffer.alloc(4);
    if (big) b.writeUInt32BE(v);
    else b.writeUInt32LE(v);
    return b;
  };
  const sll = Buffer.alloc(16);
  sll.writeUInt16BE(0x0800, 14);
  const sll2 = Buffer.alloc(20);
  sll2.writeUInt16BE(0x0800, 0);
  const variants: Array<[string, number, Buffer]> = [
    ['ethernet', 1, ethernet(0x0800, ip)],
    ['ethernet + 802.1Q', 1, ethernet(0x0800, ip, 1)],
    ['ethernet + QinQ', 1, ethernet(0x0800, ip, 2)],
    ['ethernet + padding', 1, Buffer.concat([ethernet(0x0800, ip), Buffer.alloc(6)])],
    ['linux sll', 113, Buffer.concat([sll, ip])],
    ['linux sll2', 276, Buffer.concat([sll2, ip])],
    ['null little-endian', 0, Buffer.concat([af(2, false), ip])],
    ['null big-endian', 0, Buffer.concat([af(2, true), ip])],
    ['raw', 101, ip],
    ['raw (12)', 12, ip],
    ['ipv4', 228, ip],
  ];
  for (const [name, lt, data] of variants) {
    const p = tcpOf(lt, data);
    assert.equal(p.src.ip, '10.0.0.1', name);
    assert.equal(p.dst.port, 7272, name);
    assert.equal(p.payload.toString(), 'hello', name);
    assert.equal(p.ipVersion, 4);
  }
  for (const afValue of [24, 28, 30]) {
    const p = tcpOf(0, Buffer.concat([af(afValue, false), ipv6(6, segment)]));
    assert.equal(p.src.ip, '::1');
    assert.equal(p.ipVersion, 6);
  }
  assert.equal(tcpOf(229, ipv6(6, segment)).payload.toString(), 'hello');
});

test('layers: IPv4 options, snaplen cut and offloaded total length 0', () => {
  const withOpts = tcpOf(101, ipv4(segment, { options: Buffer.from([1, 1, 1, 0]) }));
  assert.equal(withOpts.payload.toString(), 'hello');
  const full = ipv4(segment);
  const cut = tcpOf(101, full.subarray(0, full.length - 3));
  assert.equal(cut.payload.toString(), 'he');
  assert.equal(cut.payloadLength, 5);
  const tso = tcpOf(101, ipv4(segment, { total: 0 }));
  assert.equal(tso.payloadLength, 5);
});

test('layers: IPv6 extension headers are walked; fragments are reported', () => {
  const ext = (next: number, len8: number): Buffer => {
    const b = Buffer.alloc(8 * (len8 + 1));
    b[0] = next;
    b[1] = len8;
    return b;
  };
  // hop-by-hop → routing → destination options → TCP
  const chain = Buffer.concat([ext(43, 0), ext(60, 1), ext(6, 0), segment]);
  const p = tcpOf(229, ipv6(0, chain));
  assert.equal(p.payload.toString(), 'hello');
  const frag = Buffer.alloc(8);
  frag[0] = 6;
  frag.writeUInt16BE(0x0001, 2); // more fragments
  const f = decodePacket(raw(229, ipv6(44, Buffer.concat([frag, segment]))));
  assert.equal(f.kind === 'problem' && f.code, 'IP_FRAGMENT');
  const atomic = Buffer.alloc(8);
  atomic[0] = 6;
  assert.equal(tcpOf(229, ipv6(44, Buffer.concat([atomic, segment]))).payload.toString(), 'hello');
});

test('layers: IPv4 fragments are reported, non-TCP is skipped, malformed headers are problems', () => {
  const code = (lt: number, data: Buffer): string => {
    const r = decodePacket(raw(lt, data));
    return r.kind === 'problem' ? r.code : r.kind;
  };
  assert.equal(code(101, ipv4(segment, { frag: 0x2000 })), 'IP_FRAGMENT');
  assert.equal(code(101, ipv4(segment, { frag: 0x0010 })), 'IP_FRAGMENT');
  assert.equal(code(101, ipv4(segment, { proto: 17 })), 'skip');
  assert.equal(code(1, ethernet(0x0806, Buffer.alloc(28))), 'skip');
  assert.equal(code(229, ipv6(17, Buffer.alloc(8))), 'skip');
  assert.equal(code(147, segment), 'UNKNOWN_LINKTYPE');
  assert.equal(code(1, Buffer.alloc(6)), 'TRUNCATED_PACKET');
  assert.equal(code(101, ipv4(segment).subarray(0, 30)), 'TRUNCATED_PACKET');
  const badOffset = Buffer.from(segment);
  badOffset[12] = 0x30; // 12 bytes: below the minimum
  assert.equal(code(101, ipv4(badOffset)), 'BAD_TCP_HEADER');
  const tooLong = Buffer.from(segment);
  tooLong[12] = 0xf0; // 60 bytes, longer than the segment
  assert.equal(code(101, ipv4(tooLong)), 'BAD_TCP_HEADER');
  const badIhl = ipv4(segment);
  badIhl[0] = 0x43;
  assert.equal(code(101, badIhl), 'BAD_IP_HEADER');
  assert.equal(code(101, Buffer.alloc(0)), 'TRUNCATED_PACKET');
});

test('layers: random bytes under every link type never throw', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (const lt of [0, 1, 12, 14, 101, 108, 113, 228, 229, 276]) {
    for (let i = 0; i < 300; i++) {
      const data = Buffer.alloc(rnd() % 120);
      for (let j = 0; j < data.length; j++) data[j] = rnd();
      if (data.length > 0 && i % 2 === 0) data[0] = 0x45;
      const r = decodePacket(raw(lt, data));
      assert.ok(['tcp', 'skip', 'problem'].includes(r.kind));
      if (r.kind === 'tcp') void r.packet.options;
    }
  }
});

test('layers: a TCP packet object made over reads each packet as a new one does, endpoints and options too', () => {
  const reused = blankTcpPacket();
  for (const name of readdirSync(fixturesDir).filter((f) => /\.pcap(ng)?$/.test(f))) {
    for (const r of packetsOf(join(fixturesDir, name))) {
      const fresh = decodePacket(r);
      const again = decodeTcpPacket(r, reused);
      if (fresh.kind !== 'tcp') {
        assert.ok(!(again instanceof DecodedTcpPacket), `${name} packet ${r.index}`);
        continue;
      }
      assert.equal(again, reused);
      const p = fresh.packet;
      const q = again as TcpPacket;
      assert.deepEqual(
        [
          q.src,
          q.dst,
          q.seq,
          q.ack,
          q.flags,
          q.window,
          q.options,
          q.payloadLength,
          q.payload.toString('hex'),
        ],
        [
          p.src,
          p.dst,
          p.seq,
          p.ack,
          p.flags,
          p.window,
          p.options,
          p.payloadLength,
          p.payload.toString('hex'),
        ],
        `${name} packet ${r.index}`,
      );
    }
  }
});
