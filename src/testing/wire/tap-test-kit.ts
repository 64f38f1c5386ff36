// Test support for the tap: reassembles the synthetic packets back into each connection's two
// byte streams (independently of the decoder, so a bug in one cannot hide a bug in the other),
// and runs tshark over a written file.
import { spawnSync } from 'node:child_process';
import type { SyntheticPacket } from '../../wire/source/synthetic-tcp.js';

export interface ParsedSegment {
  src: string;
  dst: string;
  seq: number;
  ack: number;
  flags: string;
  payload: Buffer;
}

/** Parses a LINKTYPE_RAW IPv4/IPv6 + TCP packet; also checks both checksums. */
export function parseSegment(data: Buffer): ParsedSegment & { checksumOk: boolean } {
  const version = data[0]! >> 4;
  let off: number;
  let src: string;
  let dst: string;
  let pseudo: Buffer;
  let checksumOk = true;
  if (version === 4) {
    off = (data[0]! & 0x0f) * 4;
    src = [...data.subarray(12, 16)].join('.');
    dst = [...data.subarray(16, 20)].join('.');
    checksumOk = onesSum(data.subarray(0, off)) === 0xffff;
    pseudo = Buffer.alloc(12);
    data.copy(pseudo, 0, 12, 20);
    pseudo[9] = 6;
    pseudo.writeUInt16BE(data.length - off, 10);
  } else {
    off = 40;
    src = data.subarray(8, 24).toString('hex');
    dst = data.subarray(24, 40).toString('hex');
    pseudo = Buffer.alloc(40);
    data.copy(pseudo, 0, 8, 40);
    pseudo.writeUInt32BE(data.length - off, 32);
    pseudo[39] = 6;
  }
  const tcp = data.subarray(off);
  if (onesSum(Buffer.concat([pseudo, tcp])) !== 0xffff) checksumOk = false;
  const f = tcp[13]!;
  const flags =
    (f & 0x02 ? 'S' : '') +
    (f & 0x01 ? 'F' : '') +
    (f & 0x04 ? 'R' : '') +
    (f & 0x08 ? 'P' : '') +
    (f & 0x10 ? '.' : '');
  return {
    src: `${src}:${tcp.readUInt16BE(0)}`,
    dst: `${dst}:${tcp.readUInt16BE(2)}`,
    seq: tcp.readUInt32BE(4),
    ack: tcp.readUInt32BE(8),
    flags,
    payload: tcp.subarray((tcp[12]! >> 4) * 4),
    checksumOk,
  };
}

function onesSum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export interface ReassembledFlow {
  /** Bytes per direction, keyed "src>dst". */
  bytes: Map<string, Buffer>;
  /** Flags of every segment in order, "src>dst FLAGS". */
  flags: string[];
  /** Every data segment continued exactly where the previous one of its direction ended. */
  inOrder: boolean;
  checksumsOk: boolean;
}

/** Groups packets per connection (by the unordered endpoint pair) and joins each direction. */
export function reassemble(packets: SyntheticPacket[]): Map<string, ReassembledFlow> {
  const flows = new Map<string, ReassembledFlow>();
  const nextSeq = new Map<string, number>();
  const chunks = new Map<string, Buffer[]>();
  for (const p of packets) {
    const s = parseSegment(p.data);
    const key = [s.src, s.dst].sort().join(' ');
    let flow = flows.get(key);
    if (!flow) {
      flow = { bytes: new Map(), flags: [], inOrder: true, checksumsOk: true };
      flows.set(key, flow);
    }
    const dir = `${s.src}>${s.dst}`;
    flow.flags.push(`${dir} ${s.flags}`);
    if (!s.checksumOk) flow.checksumsOk = false;
    if (s.flags.includes('S')) {
      nextSeq.set(dir, (s.seq + 1) >>> 0);
      continue;
    }
    if (s.payload.length > 0) {
      if (nextSeq.get(dir) !== s.seq) flow.inOrder = false;
      nextSeq.set(dir, (s.seq + s.payload.length) >>> 0);
      const list = chunks.get(`${key}|${dir}`) ?? [];
      list.push(Buffer.from(s.payload));
      chunks.set(`${key}|${dir}`, list);
    }
  }
  for (const [k, list] of chunks) {
    const [key, dir] = k.split('|') as [string, string];
    flows.get(key)!.bytes.set(dir, Buffer.concat(list));
  }
  return flows;
}

/** Runs tshark with arguments; returns stdout, throws with stderr on failure. */
export function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
