// Turns what a proxy sees (a connection opening, byte chunks each way, half-closes, resets) into
// the IPv4/IPv6 + TCP packets a capture of the same conversation would hold, so the tap's traffic
// runs through the very decoder and views that read real captures. Packets use LINKTYPE_RAW (101):
// the IP header comes first, no link layer. Checksums are correct so tshark shows no warnings.
import { isIPv4, isIPv6 } from 'node:net';
import type { Side } from '../events.js';

export const LINKTYPE_RAW = 101;
/** Largest TCP payload in one synthetic segment: 65535 minus IPv4 and TCP headers (loopback MSS). */
export const MAX_SEGMENT = 65495;
const WINDOW = 65535;

export interface SyntheticEndpoint {
  ip: string;
  port: number;
}

export interface SyntheticPacket {
  /** Capture time in seconds (fractional) and in nanoseconds. */
  ts: number;
  tsNanos: bigint;
  linkType: number;
  data: Buffer;
}

export interface TcpFlagBits {
  fin?: boolean;
  syn?: boolean;
  rst?: boolean;
  psh?: boolean;
  ack?: boolean;
}

let lastNanos = 0n;
/** Wall-clock nanoseconds, strictly increasing so packet order and timestamp order agree. */
export function nowNanos(): bigint {
  let n = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  if (n <= lastNanos) n = lastNanos + 1n;
  lastNanos = n;
  return n;
}

/** 16-byte form of an IPv6 address (IPv4 given as "::ffff:a.b.c.d"-mapped). */
function ipv6Bytes(ip: string): Buffer {
  const out = Buffer.alloc(16);
  if (isIPv4(ip)) {
    out.writeUInt16BE(0xffff, 10);
    ipv4Bytes(ip).copy(out, 12);
    return out;
  }
  let text = ip.replace(/%.*$/, '');
  // An embedded dotted IPv4 tail ("::ffff:1.2.3.4") becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const halves = text.split('::');
  const parse = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16) || 0) : []);
  const left = parse(halves[0]);
  const right = halves.length > 1 ? parse(halves[1]) : [];
  const zeros = Math.max(0, 8 - left.length - right.length);
  const all = halves.length > 1 ? [...left, ...new Array<number>(zeros).fill(0), ...right] : left;
  all.slice(0, 8).forEach((w, i) => out.writeUInt16BE(w & 0xffff, i * 2));
  return out;
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map((p) => Number(p) & 0xff));
}

/** Folds a ones-complement sum over the bytes into `sum`. */
function sumWords(buf: Buffer, sum: number): number {
  const even = buf.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Strips the IPv4-mapped prefix Node reports for dual-stack sockets. */
export function plainIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/** One IP + TCP packet with correct checksums. IPv4 when both addresses are IPv4, else IPv6. */
export function buildTcpPacket(
  src: SyntheticEndpoint,
  dst: SyntheticEndpoint,
  seq: number,
  ack: number,
  flags: TcpFlagBits,
  payload: Buffer = Buffer.alloc(0),
  ipId = 0,
): Buffer {
  const srcIp = plainIp(src.ip);
  const dstIp = plainIp(dst.ip);
  const v4 = isIPv4(srcIp) && isIPv4(dstIp);
  if (!v4 && !(isIPv6(srcIp) || isIPv4(srcIp))) throw new Error(`not an IP address: ${src.ip}`);
  const tcp = tcpHeader(src.port, dst.port, seq, ack, flags);
  const tcpLength = tcp.length + payload.length;
  const [header, pseudo] = v4
    ? ipv4Header(srcIp, dstIp, tcpLength, ipId)
    : ipv6Header(srcIp, dstIp, tcpLength);
  const checksum = fold(sumWords(payload, sumWords(tcp, sumWords(pseudo, 0))));
  tcp.writeUInt16BE(checksum, 16);
  return Buffer.concat([header, tcp, payload]);
}

/** The TCP header, checksum left 0. */
function tcpHeader(srcPort: number, dstPort: number, seq: number, ack: number, flags: TcpFlagBits): Buffer {
  // A SYN carries the MSS option like the kernel's; other segments carry none.
  const options = flags.syn ? Buffer.from([2, 4, MAX_SEGMENT >> 8, MAX_SEGMENT & 0xff]) : Buffer.alloc(0);
  const tcp = Buffer.alloc(20 + options.length);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(flags.ack ? ack >>> 0 : 0, 8);
  tcp[12] = (tcp.length / 4) << 4;
  tcp[13] =
    (flags.fin ? 0x01 : 0) |
    (flags.syn ? 0x02 : 0) |
    (flags.rst ? 0x04 : 0) |
    (flags.psh ? 0x08 : 0) |
    (flags.ack ? 0x10 : 0);
  tcp.writeUInt16BE(WINDOW, 14);
  options.copy(tcp, 20);
  return tcp;
}

/** An IPv4 header (with its checksum) and the pseudo-header of the TCP checksum. */
function ipv4Header(srcIp: string, dstIp: string, tcpLength: number, ipId: number): [Buffer, Buffer] {
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + tcpLength, 2);
  header.writeUInt16BE(ipId & 0xffff, 4);
  header.writeUInt16BE(0x4000, 6); // don't fragment
  header[8] = 64;
  header[9] = 6;
  ipv4Bytes(srcIp).copy(header, 12);
  ipv4Bytes(dstIp).copy(header, 16);
  header.writeUInt16BE(fold(sumWords(header, 0)), 10);
  const pseudo = Buffer.alloc(12);
  header.copy(pseudo, 0, 12, 20);
  pseudo[9] = 6;
  pseudo.writeUInt16BE(tcpLength, 10);
  return [header, pseudo];
}

/** An IPv6 header and the pseudo-header of the TCP checksum. */
function ipv6Header(srcIp: string, dstIp: string, tcpLength: number): [Buffer, Buffer] {
  const header = Buffer.alloc(40);
  header.writeUInt32BE(0x60000000, 0);
  header.writeUInt16BE(tcpLength, 4);
  header[6] = 6;
  header[7] = 64;
  ipv6Bytes(srcIp).copy(header, 8);
  ipv6Bytes(dstIp).copy(header, 24);
  const pseudo = Buffer.alloc(40);
  header.copy(pseudo, 0, 8, 40);
  pseudo.writeUInt32BE(tcpLength, 32);
  pseudo[39] = 6;
  return [header, pseudo];
}

/** What happened on one proxied connection, in the order it happened. */
export interface SyntheticConnection {
  /** The upstream accepted: SYN, SYN-ACK, ACK. */
  open(): void;
  /** The upstream refused: SYN, then RST-ACK from the server. */
  refused(): void;
  /** `from` sent these bytes: data segments (≤ MAX_SEGMENT each), then the receiver's ACK. */
  data(from: Side, bytes: Buffer): void;
  /** `from` half-closed (FIN); the peer ACKs it. */
  fin(from: Side): void;
  /** `from` reset the connection. */
  reset(from: Side): void;
}

export function createSyntheticConnection(
  client: SyntheticEndpoint,
  server: SyntheticEndpoint,
  emit: (packet: SyntheticPacket) => void,
  clock: () => bigint = nowNanos,
): SyntheticConnection {
  const randomIsn = (): number => Math.floor(Math.random() * 0x100000000) >>> 0;
  // Next sequence number each side will send.
  const next: Record<Side, number> = { client: randomIsn(), server: randomIsn() };
  const finSent: Record<Side, boolean> = { client: false, server: false };
  let ipId = Math.floor(Math.random() * 0x10000);
  let closed = false;

  const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');
  function send(from: Side, flags: TcpFlagBits, payload?: Buffer): void {
    const [src, dst] = from === 'client' ? [client, server] : [server, client];
    const data = buildTcpPacket(src, dst, next[from], next[other(from)], flags, payload, ipId++);
    const tsNanos = clock();
    emit({ ts: Number(tsNanos) / 1e9, tsNanos, linkType: LINKTYPE_RAW, data });
  }
  const advance = (side: Side, n: number): void => {
    next[side] = (next[side] + n) >>> 0;
  };

  return {
    open(): void {
      send('client', { syn: true });
      advance('client', 1);
      send('server', { syn: true, ack: true });
      advance('server', 1);
      send('client', { ack: true });
    },
    refused(): void {
      send('client', { syn: true });
      advance('client', 1);
      send('server', { rst: true, ack: true });
      closed = true;
    },
    data(from: Side, bytes: Buffer): void {
      if (closed || finSent[from] || bytes.length === 0) return;
      for (let off = 0; off < bytes.length; off += MAX_SEGMENT) {
        const chunk = bytes.subarray(off, Math.min(bytes.length, off + MAX_SEGMENT));
        send(from, { psh: true, ack: true }, chunk);
        advance(from, chunk.length);
      }
      send(other(from), { ack: true });
    },
    fin(from: Side): void {
      if (closed || finSent[from]) return;
      finSent[from] = true;
      send(from, { fin: true, ack: true });
      advance(from, 1);
      send(other(from), { ack: true });
      if (finSent[other(from)]) closed = true;
    },
    reset(from: Side): void {
      if (closed) return;
      closed = true;
      send(from, { rst: true, ack: true });
    },
  };
}
