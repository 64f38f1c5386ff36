// The hostile captures: each one aims at a piece of decoder state that used to grow without
// bound (flows, WebSocket state, fragments, inflated output, out-of-order bytes). `scale`
// shrinks the counts (1 = the full sizes of the table in BENCHMARKS.md).
import { constants, deflateRawSync } from 'node:zlib';
import { computeAccept } from '../../wire/http/websocket-handshake.js';
import { PcapFile } from './pcap-file.js';
import type { SyntheticEndpoint } from '../../wire/source/synthetic-tcp.js';
import { encodeFrameHeader, MAX_HEADER_BYTES } from '../../shared/websocket-framing.js';

export interface HostileCase {
  name: string;
  /** Writes the capture to `path`; undefined for inputs that are not generated (/dev/zero). */
  write?: (path: string, scale: number) => void;
  /** Fixed input instead of a generated file: a path, or '-' with stdin from `stdin`. */
  input?: { path: string; stdin?: string };
}

const SERVER: SyntheticEndpoint = { ip: '10.0.0.1', port: 7272 };
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = computeAccept(KEY);

/** Client number i: a distinct address and port for up to ~16 million clients. */
function client(i: number): SyntheticEndpoint {
  return { ip: `10.${1 + ((i >> 16) & 0xff)}.${(i >> 8) & 0xff}.${i & 0xff}`, port: 10000 + (i % 50000) };
}

const count = (n: number, scale: number): number => Math.max(1, Math.round(n * scale));

/**
 * A WebSocket frame header (+ payload): server frames unmasked, client frames masked with 0s (a
 * zero key leaves the payload as it is). `length` may announce more than the payload holds.
 */
function frame(
  opcode: number,
  payload: Buffer,
  opts: { fin?: boolean; rsv1?: boolean; masked?: boolean; length?: number } = {},
): Buffer {
  const length = opts.length ?? payload.length;
  const head = Buffer.alloc(MAX_HEADER_BYTES);
  const n = encodeFrameHeader(head, 0, {
    opcode,
    length,
    fin: opts.fin,
    rsv1: opts.rsv1,
    mask: opts.masked ? 0 : undefined,
  });
  return Buffer.concat([head.subarray(0, n), payload]);
}

/** SYN, SYN-ACK, ACK, the upgrade request and its 101: returns the next sequence numbers. */
function openWebSocket(
  f: PcapFile,
  c: SyntheticEndpoint,
  deflate: string | undefined,
): { cs: number; ss: number } {
  let cs = 1000;
  let ss = 5000;
  f.tcp(c, SERVER, cs, 0, { syn: true });
  f.tcp(SERVER, c, ss, cs + 1, { syn: true, ack: true });
  cs++;
  ss++;
  f.tcp(c, SERVER, cs, ss, { ack: true });
  const ext = deflate ? `Sec-WebSocket-Extensions: ${deflate}\r\n` : '';
  const req = Buffer.from(
    `GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${ext}\r\n`,
  );
  f.tcp(c, SERVER, cs, ss, { ack: true, psh: true }, req);
  cs += req.length;
  const res = Buffer.from(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n${ext}\r\n`,
  );
  f.tcp(SERVER, c, ss, cs, { ack: true, psh: true }, res);
  ss += res.length;
  return { cs, ss };
}

function flows(path: string, n: number, data: boolean): void {
  const f = new PcapFile(path);
  for (let i = 0; i < n; i++) {
    const c = client(i);
    f.tcp(c, SERVER, 1000, 0, { syn: true });
    if (data) f.tcp(c, SERVER, 1001, 1, { ack: true, psh: true }, Buffer.from('hello'));
  }
  f.close();
}

function midFrame(path: string, n: number, deflate: boolean): void {
  const f = new PcapFile(path);
  const part = Buffer.alloc(1000, 0x61);
  for (let i = 0; i < n; i++) {
    const c = client(i);
    const { cs, ss } = openWebSocket(f, c, deflate ? 'permessage-deflate' : undefined);
    // A frame announcing 100,000 bytes, of which 1,000 are sent each way, never the rest.
    f.tcp(SERVER, c, ss, cs, { ack: true, psh: true }, frame(2, part, { rsv1: deflate, length: 100_000 }));
    f.tcp(
      c,
      SERVER,
      cs,
      ss,
      { ack: true, psh: true },
      frame(2, part, { rsv1: deflate, masked: true, length: 100_000 }),
    );
  }
  f.close();
}

function fragments(path: string, n: number): void {
  const f = new PcapFile(path);
  const c = client(0);
  const { cs, ss: start } = openWebSocket(f, c, undefined);
  let ss = start;
  const one = Buffer.from('x');
  const first = frame(1, one, { fin: false });
  const cont = frame(0, one, { fin: false });
  const perSegment = 20_000;
  let sent = 0;
  while (sent < n) {
    const k = Math.min(perSegment, n - sent);
    const parts: Buffer[] = [];
    for (let j = 0; j < k; j++) parts.push(sent + j === 0 ? first : cont);
    const seg = Buffer.concat(parts);
    f.tcp(SERVER, c, ss, cs, { ack: true, psh: true }, seg);
    ss += seg.length;
    sent += k;
  }
  f.close();
}

function deflateBomb(path: string, messages: number): void {
  const f = new PcapFile(path);
  const c = client(0);
  const { cs, ss: start } = openWebSocket(f, c, 'permessage-deflate; server_no_context_takeover');
  let ss = start;
  // 256 MiB of spaces compress to ~261 KB (deflate's best ratio is about 1:1030).
  const compressed = deflateRawSync(Buffer.alloc(256 << 20, 0x20), {
    level: 9,
    finishFlush: constants.Z_SYNC_FLUSH,
  }).subarray(0, -4);
  const msg = frame(1, compressed, { rsv1: true });
  for (let m = 0; m < messages; m++) {
    for (let off = 0; off < msg.length; off += 65000) {
      const seg = msg.subarray(off, Math.min(msg.length, off + 65000));
      f.tcp(SERVER, c, ss, cs, { ack: true, psh: true }, seg);
      ss += seg.length;
    }
  }
  f.close();
}

function outOfOrder(path: string, n: number): void {
  const f = new PcapFile(path);
  const c = client(0);
  const { cs, ss } = openWebSocket(f, c, undefined);
  // Byte 0 never arrives; bytes 1..n arrive one per segment, in order, all waiting for it.
  for (let i = 1; i <= n; i++) f.tcp(SERVER, c, ss + i, cs, { ack: true, psh: true }, Buffer.from([0x81]));
  f.close();
}

export const HOSTILE_CASES: HostileCase[] = [
  { name: '1,000,000 flows, SYN + 5 bytes each', write: (p, s) => flows(p, count(1_000_000, s), true) },
  { name: '1,000,000 SYN-only flows', write: (p, s) => flows(p, count(1_000_000, s), false) },
  {
    name: '100,000 WebSocket connections left mid-frame, deflate',
    write: (p, s) => midFrame(p, count(100_000, s), true),
  },
  {
    name: '100,000 WebSocket connections left mid-frame',
    write: (p, s) => midFrame(p, count(100_000, s), false),
  },
  { name: '5,000,000 one-byte fragments never finished', write: (p, s) => fragments(p, count(5_000_000, s)) },
  { name: 'deflate bomb, 4 × 261 KB', write: (p) => deflateBomb(p, 4) },
  {
    name: '100,000 one-byte out-of-order segments before a gap',
    write: (p, s) => outOfOrder(p, count(100_000, s)),
  },
  { name: '`read /dev/zero`', input: { path: '/dev/zero' } },
  { name: '`read - < /dev/zero`', input: { path: '-', stdin: '/dev/zero' } },
];
