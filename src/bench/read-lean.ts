// A baseline for `wirechat read --format jsonl --events ws.message [--no-chat]`: the leanest decoder
// that prints the same lines for the captures it can read, timed by read-bench.ts beside the real
// one. It reads classic little-endian pcap with Ethernet or Linux cooked headers, IPv4 and TCP only, and assumes the easy case: every
// segment in order (a retransmission of bytes already read is skipped; at any other gap, overlap
// or reordering it stops), permessage-deflate only with 15 window bits (the project's inflater),
// no TLS, no HTTP beyond skipping to the end of the upgrade, no events but the
// message lines, no memory budget, no problems reported. Its lines are built with the project's
// own encoder (ByteOutput), so the difference to `read` is the cost of everything a real decoder
// does besides. With --chat each text's chat meaning is worked out by the project's annotator and
// written as `read` does (its lines are then those of `read --events ws.message`). Runnable alone:
//   node dist/bench/read-lean.js [--chat] FILE > out.jsonl   (exit 3: not an easy case)
import { isAscii, isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  decodeFrameHeader,
  HEADER_NEEDS_MORE,
  headerLengthFor,
  MAX_HEADER_BYTES,
  newFrameHeader,
  type FrameHeader,
} from '../shared/websocket-framing.js';
import { maskInPlace } from '../shared/websocket-masking.js';
import { createChatContext, type ChatContext } from '../wire/annotate/chat-meaning.js';
import { ByteOutput } from '../wire/render/byte-output.js';
import { createInflater, type Inflater } from '../wire/websocket/inflater.js';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const PIECES = {
  head: latin1('{"event":"ws.message","ts":'),
  packet: latin1(',"packet":'),
  clientText: latin1(',"from":"client","opcode":1,"text":'),
  serverText: latin1(',"from":"server","opcode":1,"text":'),
  clientBinary: latin1(',"from":"client","opcode":2,"data_base64":'),
  serverBinary: latin1(',"from":"server","opcode":2,"data_base64":'),
  length: latin1(',"length":'),
  wireLength: latin1(',"wireLength":'),
  fragments: latin1(',"compressed":false,"fragments":'),
  compressedFragments: latin1(',"compressed":true,"fragments":'),
  chatDialect: latin1(',"chat":{"dialect":'),
  chatType: latin1(',"type":'),
  chatSummary: latin1(',"summary":'),
  chatEnd: latin1('}}\n'),
};
/** `,"masked":…` and `,"utf8Valid":…` (text only) and the end of the line. */
const tails = (masked: boolean): Buffer[] =>
  [',"utf8Valid":true', ',"utf8Valid":false', ''].map((v) => latin1(`,"masked":${masked}${v}}\n`));
const CLIENT_TAILS = tails(true);
const SERVER_TAILS = tails(false);

/** Per pcap link type read here: the link header's size, and where its protocol field is
 * (Ethernet, Linux cooked v1 as `tcpdump -i any` writes, Linux cooked v2). */
const LINK_HEADER: Record<number, [number, number]> = { 1: [14, 12], 113: [16, 14], 276: [20, 0] };

/** Not an easy case: the lean decoder gives up (the real one would go on). */
class NotLean extends Error {}

/** One direction of a connection. */
class Direction {
  seq = -1;
  upgrading = true;
  httpTail = '';
  /** A frame header's bytes (collected across packets when split), and the header read. */
  readonly header = new Uint8Array(MAX_HEADER_BYTES);
  headerBytes = 0;
  readonly frame: FrameHeader = newFrameHeader();
  payload: Buffer | null = null;
  filled = 0;
  /** The fragments of a message under way. */
  parts: Buffer[] = [];
  messageOpcode = 0;
  compressed = false;
  /** The other direction of the connection. */
  reverse: Direction | undefined;
  /** Set when the upgrade's answer agreed on permessage-deflate. */
  inflater: Inflater | undefined;
  constructor(
    readonly client: boolean,
    readonly route: Buffer,
    readonly conn: number,
    /** Source and destination addresses (IPv4 as numbers). */
    readonly from: number,
    readonly to: number,
  ) {}
}

const ipText = (ip: number): string => `${ip >>> 24}.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`;

export class LeanDecoder {
  private readonly directions = new Map<string, Direction>();
  /** The same directions by their two ports (the usual lookup: no text made per packet). */
  private readonly byPorts = new Map<number, Direction>();
  private connections = 0;
  private packetNumber = 0;
  private ts = 0;
  messages = 0;

  constructor(
    private readonly out: ByteOutput,
    /** With the chat meaning of each text (the project's annotator), as `read` without --no-chat. */
    private readonly chat?: ChatContext,
  ) {}

  /** One packet: `buf[at, at + length)` holds its link-layer frame (`link`: pcap's link type). */
  packet(buf: Buffer, at: number, length: number, ts: number, link: number): void {
    this.packetNumber++;
    this.ts = ts;
    const linkHeader = LINK_HEADER[link];
    if (linkHeader === undefined) throw new NotLean(`link type ${link}`);
    const [size, protocolAt] = linkHeader;
    if (length < size + 40 || buf.readUInt16BE(at + protocolAt) !== 0x0800) throw new NotLean('not IPv4');
    const ip = at + size;
    if (buf[ip + 9] !== 6) throw new NotLean('not TCP');
    const tcp = ip + (buf[ip]! & 15) * 4;
    const end = ip + buf.readUInt16BE(ip + 2);
    const start = tcp + (buf[tcp + 12]! >> 4) * 4;
    const d = this.direction(buf, ip, tcp);
    const seq = buf.readUInt32BE(tcp + 4);
    const flags = buf[tcp + 13]!;
    if (flags & 2) d.seq = (seq + 1) >>> 0;
    if (end <= start) return;
    if (seq !== d.seq) {
      // A retransmission of bytes already read is skipped; anything else is not the easy case.
      if (((d.seq - seq) | 0) >= end - start) return;
      throw new NotLean('a segment out of order');
    }
    d.seq = (seq + end - start) >>> 0;
    if (d.upgrading) this.upgrade(d, buf, start, end);
    else this.frames(d, buf, start, end);
  }

  private direction(buf: Buffer, ip: number, tcp: number): Direction {
    const from = buf.readUInt32BE(ip + 12);
    const to = buf.readUInt32BE(ip + 16);
    const ports = buf.readUInt16BE(tcp) * 65536 + buf.readUInt16BE(tcp + 2);
    const known = this.byPorts.get(ports);
    if (known !== undefined && known.from === from && known.to === to) return known;
    const src = `${ipText(from)}:${buf.readUInt16BE(tcp)}`;
    const dst = `${ipText(to)}:${buf.readUInt16BE(tcp + 2)}`;
    const key = src + ' ' + dst;
    let d = this.directions.get(key);
    if (d === undefined) {
      // The first packet of a connection comes from its client (its SYN).
      const reverse = this.directions.get(dst + ' ' + src);
      const conn = reverse ? reverse.conn : ++this.connections;
      const route = latin1(`,"src":"${src}","dst":"${dst}","conn":${conn}`);
      d = new Direction(reverse === undefined, route, conn, from, to);
      if (reverse) {
        d.reverse = reverse;
        reverse.reverse = d;
      }
      this.directions.set(key, d);
    }
    this.byPorts.set(ports, d);
    return d;
  }

  /** Skips the HTTP upgrade: frames start after its blank line. */
  private upgrade(d: Direction, buf: Buffer, start: number, end: number): void {
    d.httpTail += buf.toString('latin1', start, end);
    const blank = d.httpTail.indexOf('\r\n\r\n');
    if (blank < 0) return;
    const after = d.httpTail.length - blank - 4;
    if (!d.client) this.agree(d, d.httpTail.slice(0, blank));
    d.upgrading = false;
    d.httpTail = '';
    if (after > 0) this.frames(d, buf, end - after, end);
  }

  /** The server's answer: permessage-deflate agreed (15 window bits) gives each side an inflater. */
  private agree(server: Direction, head: string): void {
    const offer = /^sec-websocket-extensions:(.*)$/im.exec(head)?.[1];
    if (offer === undefined || !/permessage-deflate/i.test(offer)) return;
    if (/max_window_bits=(?!15)/i.test(offer)) throw new NotLean('a deflate window other than 15 bits');
    const inflater = (noContextTakeover: boolean): Inflater =>
      createInflater({ windowBits: 15, noContextTakeover, maxOutputBytes: 64 * 1024 * 1024, maxRatio: 200 });
    server.inflater = inflater(/server_no_context_takeover/i.test(offer));
    if (server.reverse) server.reverse.inflater = inflater(/client_no_context_takeover/i.test(offer));
  }

  private frames(d: Direction, buf: Buffer, from: number, end: number): void {
    let p = from;
    while (p < end) {
      if (d.payload === null) {
        p = this.header(d, buf, p, end);
        continue;
      }
      const take = Math.min(end - p, d.payload.length - d.filled);
      buf.copy(d.payload, d.filled, p, p + take);
      d.filled += take;
      p += take;
      if (d.filled === d.payload.length) {
        const payload = d.payload;
        d.payload = null;
        this.frame(d, payload);
      }
    }
  }

  /** Reads a frame header (kept across packets when split); a frame whole in this packet is
   * handled at once. Returns where the rest of the packet starts. */
  private header(d: Direction, buf: Buffer, from: number, end: number): number {
    let p = from;
    const h = d.header;
    while (p < end && d.headerBytes < MAX_HEADER_BYTES) {
      h[d.headerBytes++] = buf[p++]!;
      if (d.headerBytes >= 2 && d.headerBytes === headerLengthFor(h[1]!)) break;
    }
    const f = d.frame;
    const size = decodeFrameHeader(h, 0, d.headerBytes, f);
    if (size === HEADER_NEEDS_MORE) return p;
    if (size < 0) throw new NotLean('an impossible frame length');
    d.headerBytes = 0;
    if (f.rsv2 || f.rsv3 || (f.rsv1 && d.inflater === undefined)) throw new NotLean('RSV bits');
    if (f.opcode !== 0 && f.opcode < 8) d.compressed = f.rsv1;
    const len = f.length;
    if (end - p >= len) {
      // Whole in this packet: read in place (nothing else reads the chunk).
      this.frame(d, buf.subarray(p, p + len));
      return p + len;
    }
    d.payload = Buffer.allocUnsafe(len);
    d.filled = 0;
    return p;
  }

  private frame(d: Direction, payload: Buffer): void {
    const f = d.frame;
    if (f.masked) maskInPlace(payload, 0, payload.length, f.maskKey, 0);
    if (f.opcode >= 8) return;
    if (f.opcode !== 0) d.messageOpcode = f.opcode;
    d.parts.push(payload);
    if (!f.fin) return;
    const wire = d.parts.length === 1 ? payload : Buffer.concat(d.parts);
    const fragments = d.parts.length;
    d.parts = [];
    if (!d.compressed) return this.line(d, wire, wire.length, fragments);
    const inflated = d.inflater!.inflate(wire);
    if (inflated.kind !== 'ok') throw new NotLean('a message that does not inflate');
    this.line(d, inflated.data, wire.length, fragments);
  }

  private line(d: Direction, message: Buffer, wireLength: number, fragments: number): void {
    const out = this.out;
    this.messages++;
    out.reserve(256 + d.route.length);
    out.putBytes(PIECES.head);
    out.putAscii(String(this.ts));
    out.putBytes(d.route);
    out.putBytes(PIECES.packet);
    out.putNumber(this.packetNumber);
    const tails = d.client ? CLIENT_TAILS : SERVER_TAILS;
    let tail = tails[2]!;
    let text: string | undefined;
    if (d.messageOpcode === 1) {
      out.putBytes(d.client ? PIECES.clientText : PIECES.serverText);
      const ascii = isAscii(message);
      const valid = ascii || isUtf8(message);
      text = message.toString(ascii ? 'latin1' : 'utf8');
      out.jsonString(text, ascii);
      tail = tails[valid ? 0 : 1]!;
    } else {
      out.putBytes(d.client ? PIECES.clientBinary : PIECES.serverBinary);
      out.jsonString(message.toString('base64'), true);
    }
    out.reserve(256);
    out.putBytes(PIECES.length);
    out.putNumber(message.length);
    out.putBytes(PIECES.wireLength);
    out.putNumber(wireLength);
    out.putBytes(d.compressed ? PIECES.compressedFragments : PIECES.fragments);
    out.putNumber(fragments);
    const meaning =
      text === undefined ? undefined : this.chat?.describe(d.conn, d.client ? 'client' : 'server', text);
    if (meaning === undefined) return out.putBytes(tail);
    out.putBytes(tail.subarray(0, tail.length - 2)); // without "}\n"
    out.putBytes(PIECES.chatDialect);
    out.jsonString(meaning.dialect);
    out.putBytes(PIECES.chatType);
    out.jsonString(meaning.type);
    out.putBytes(PIECES.chatSummary);
    out.jsonString(meaning.summary);
    out.reserve(4);
    out.putBytes(PIECES.chatEnd);
  }
}

/** Reads a classic pcap file in 1 MiB chunks, as `read` does; the lines go to `fd`. */
export function readLean(file: string, fd: number, chat: boolean): number {
  const out = new ByteOutput(
    (block) => writeSync(fd, block),
    1 << 20,
    () => true,
  );
  const lean = new LeanDecoder(out, chat ? createChatContext() : undefined);
  const input = openSync(file, 'r');
  let carry: Buffer | undefined;
  let first = true;
  let nano = false;
  let link = 1;
  try {
    for (;;) {
      const fresh = Buffer.allocUnsafe(1 << 20);
      const n = readSync(input, fresh, 0, fresh.length, null);
      if (n === 0) break;
      const chunk = carry ? Buffer.concat([carry, fresh.subarray(0, n)]) : fresh.subarray(0, n);
      let p = 0;
      if (first) {
        const magic = chunk.readUInt32LE(0);
        if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new NotLean('not a little-endian pcap');
        nano = magic === 0xa1b23c4d;
        link = chunk.readUInt32LE(20) & 0xffff;
        p = 24;
        first = false;
      }
      for (; p + 16 <= chunk.length;) {
        const caplen = chunk.readUInt32LE(p + 8);
        if (p + 16 + caplen > chunk.length) break;
        const ts = chunk.readUInt32LE(p) + chunk.readUInt32LE(p + 4) / (nano ? 1e9 : 1e6);
        lean.packet(chunk, p + 16, caplen, ts, link);
        p += 16 + caplen;
      }
      carry = p < chunk.length ? Buffer.from(chunk.subarray(p)) : undefined;
      out.flush();
    }
  } finally {
    closeSync(input);
  }
  out.flush();
  return lean.messages;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const chat = process.argv[2] === '--chat';
  const file = process.argv[chat ? 3 : 2];
  if (!file) {
    console.error('usage: read-lean [--chat] FILE');
    process.exitCode = 2;
  } else {
    try {
      readLean(file, 1, chat);
    } catch (err) {
      if (!(err instanceof NotLean)) throw err;
      console.error(`read-lean: ${file}: ${err.message}: not an easy case`);
      process.exitCode = 3;
    }
  }
}
