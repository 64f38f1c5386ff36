// Builds small captures whose timestamps are exactly what a test asks for (pcap in µs or ns,
// pcapng with any if_tsresol and if_tsoffset), holding one WebSocket conversation over TCP, so
// the readers and views can be checked against tcpdump reading the same bytes.
import { createHash } from 'node:crypto';
import type { SyntheticPacket } from '../../wire/source/synthetic-tcp.js';
import { LINKTYPE_RAW, createSyntheticConnection } from '../../wire/source/synthetic-tcp.js';
import { encodeFrame, OPCODE } from '../../shared/websocket-framing.js';
import {
  OPT_ENDOFOPT,
  OPT_IF_TSOFFSET,
  OPT_IF_TSRESOL,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_SHB,
  PCAPNG_SPB,
} from '../../wire/source/pcapng-codes.js';

/** A packet's time as whole seconds + a count of file units past them. */
export interface TickTime {
  sec: bigint;
  frac: bigint;
}

/**
 * Packets of one WebSocket conversation (handshake, a server text frame, a masked client frame,
 * FINs); the i-th packet gets times[i % times.length] moved on by whole seconds each round, so
 * every packet, data ones included, carries one of the awkward fractions.
 */
export function conversation(): Buffer[] {
  const packets: SyntheticPacket[] = [];
  const conn = createSyntheticConnection(
    { ip: '10.0.0.1', port: 40000 },
    { ip: '10.0.0.2', port: 7272 },
    (p) => packets.push(p),
    () => 0n,
  );
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  conn.open();
  conn.data(
    'client',
    Buffer.from(
      `GET /chat HTTP/1.1\r\nHost: 10.0.0.2:7272\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ),
  );
  conn.data(
    'server',
    Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    ),
  );
  conn.data('server', encodeFrame(Buffer.from('hello'), { opcode: OPCODE.TEXT }));
  conn.data('client', encodeFrame(Buffer.from('hi, all'), { opcode: OPCODE.TEXT, mask: 0x01020304 }));
  conn.fin('client');
  conn.fin('server');
  return packets.map((p) => p.data);
}

/** Times for n packets: the fractions in turn, the whole second moving on by one per round. */
export function timesFor(n: number, baseSec: bigint, fracs: readonly bigint[]): TickTime[] {
  const out: TickTime[] = [];
  for (let i = 0; i < n; i++)
    out.push({ sec: baseSec + BigInt(Math.floor(i / fracs.length)), frac: fracs[i % fracs.length]! });
  return out;
}

/** Classic pcap, little-endian, LINKTYPE_RAW; `nano` picks the a1b23c4d magic. */
export function writePcap(packets: Buffer[], times: TickTime[], nano: boolean): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(LINKTYPE_RAW, 20);
  const parts: Buffer[] = [header];
  packets.forEach((data, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Number(times[i]!.sec), 0);
    rec.writeUInt32LE(Number(times[i]!.frac), 4);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    parts.push(rec, data);
  });
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const out = Buffer.alloc(padded.length + 12);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(out.length, 4);
  padded.copy(out, 8);
  out.writeUInt32LE(out.length, out.length - 4);
  return out;
}

export interface PcapngTimeOptions {
  /** The if_tsresol byte (bit 7: power of two). Omitted: no option (microseconds). */
  tsresol?: number;
  /** if_tsoffset in seconds, added to every packet's time. */
  tsoffset?: bigint;
  /** Also write a Simple Packet Block (no time of its own) after packet `simpleAfter`. */
  simpleAfter?: number;
}

/** pcapng, little-endian, one LINKTYPE_RAW interface; `ticks` are the raw 64-bit counts. */
export function writePcapng(packets: Buffer[], ticks: bigint[], options: PcapngTimeOptions = {}): Buffer {
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idb: Buffer[] = [Buffer.from([LINKTYPE_RAW, 0, 0, 0, 0, 0, 4, 0])];
  const option = (code: number, value: Buffer): void => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(value.length, 2);
    idb.push(head, value, Buffer.alloc((4 - (value.length % 4)) % 4));
  };
  if (options.tsresol !== undefined) option(OPT_IF_TSRESOL, Buffer.from([options.tsresol]));
  if (options.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    v.writeBigInt64LE(options.tsoffset, 0);
    option(OPT_IF_TSOFFSET, v);
  }
  if (idb.length > 1) idb.push(Buffer.from([OPT_ENDOFOPT, 0, 0, 0]));
  const parts = [block(PCAPNG_SHB, shb), block(PCAPNG_IDB, Buffer.concat(idb))];
  packets.forEach((data, i) => {
    const head = Buffer.alloc(20);
    head.writeUInt32LE(Number(ticks[i]! >> 32n), 4);
    head.writeUInt32LE(Number(ticks[i]! & 0xffffffffn), 8);
    head.writeUInt32LE(data.length, 12);
    head.writeUInt32LE(data.length, 16);
    parts.push(block(PCAPNG_EPB, Buffer.concat([head, data])));
    if (options.simpleAfter === i) {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(data.length, 0);
      parts.push(block(PCAPNG_SPB, Buffer.concat([len, data])));
    }
  });
  return Buffer.concat(parts);
}

/** Ticks at `unitsPerSecond` for each time (frac counted in those same units). */
export function ticksOf(times: TickTime[], unitsPerSecond: bigint): bigint[] {
  return times.map((t) => t.sec * unitsPerSecond + t.frac);
}
