// pcapng: a sequence of blocks (type, total length, body, total length again). We read the
// Section Header (either byte order, several sections), Interface Description (link type,
// snaplen, if_tsresol, if_tsoffset), Enhanced, Simple and obsolete Packet blocks, Decryption
// Secrets blocks (handed on: TLS key logs carried in the file), and skip
// every other block type. A bad packet block is reported and skipped (the block framing is
// intact); a bad block length stops the reader because nothing after it can be located.
import { MAX_BLOCK_BYTES, readerProblem, type CaptureReaderCallbacks, type UnitParser } from './framing.js';
import { CapturedPacket, nextPacket } from './captured-packet.js';
import { splitTicks, splitTime, tickScale, unitsPerSecond, type TickScale } from './timestamp.js';

import {
  OPT_IF_TSOFFSET,
  OPT_IF_TSRESOL,
  PCAPNG_BYTE_ORDER_MAGIC as BYTE_ORDER_MAGIC,
  PCAPNG_DSB as DSB,
  PCAPNG_EPB as EPB,
  PCAPNG_IDB as IDB,
  PCAPNG_OPB as OPB,
  PCAPNG_SHB,
  PCAPNG_SPB as SPB,
} from './pcapng-codes.js';
import type { WireProblemCode } from '../problem-codes.js';

export { PCAPNG_SHB };

interface PcapngInterface {
  linkType: number;
  snaplen: number;
  units: number;
  /** How ticks become exact seconds + nanoseconds at this resolution. */
  scale: TickScale;
  offset: number;
}

const MICROSECONDS = tickScale(1e6);
const EMPTY = Buffer.alloc(0);

export class PcapngParser implements UnitParser {
  private little = true;
  private sectionStarted = false;
  private interfaces: PcapngInterface[] = [];
  private index = 0;
  private lastTs = 0;
  private lastNsec = 0;
  /** The one packet object handed on when packets are not kept. */
  private readonly reused: CapturedPacket | undefined;

  constructor(
    private readonly cb: CaptureReaderCallbacks,
    private readonly onHeader: () => void,
  ) {
    this.reused = cb.packetsNotKept ? new CapturedPacket(0, 0, 0, EMPTY, 0, 0, 0, 0, 0) : undefined;
  }

  private u32(buf: Buffer, off: number): number {
    return this.little ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
  }

  private u16(buf: Buffer, off: number): number {
    return this.little ? buf.readUInt16LE(off) : buf.readUInt16BE(off);
  }

  private fail(code: WireProblemCode, message: string): number {
    this.cb.onProblem(readerProblem(code, message, 'error', this.lastTs, null));
    return -1;
  }

  need(buf: Buffer, off: number, avail: number): number {
    if (avail < 12) return 12;
    const type = buf.readUInt32LE(off);
    if (type === PCAPNG_SHB) {
      // A new section may switch byte order: its byte-order magic decides how to read lengths.
      const bomLe = buf.readUInt32LE(off + 8);
      if (bomLe === BYTE_ORDER_MAGIC) this.little = true;
      else if (buf.readUInt32BE(off + 8) === BYTE_ORDER_MAGIC) this.little = false;
      else return this.fail('BLOCK_UNREADABLE', 'section header block with a bad byte-order magic');
    } else if (!this.sectionStarted) {
      return this.fail('BAD_CAPTURE_HEADER', 'pcapng file does not start with a section header block');
    }
    const total = this.u32(buf, off + 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_BLOCK_BYTES || (type === PCAPNG_SHB && total < 28)) {
      return this.fail(
        'BLOCK_UNREADABLE',
        `block of type 0x${type.toString(16)} has an impossible length ${total}`,
      );
    }
    return total;
  }

  unit(buf: Buffer, off: number, len: number): void {
    if (this.u32(buf, off + len - 4) !== len) {
      // The trailing length disagrees: report, but the leading length still frames the block.
      this.problem('BAD_BLOCK', `block at packet ${this.index} has mismatched lengths`);
      return;
    }
    const type = this.u32(buf, off);
    const body = off + 8;
    const bodyEnd = off + len - 4;
    switch (type) {
      case PCAPNG_SHB:
        this.interfaces = [];
        if (!this.sectionStarted) {
          this.sectionStarted = true;
          this.onHeader();
        }
        return;
      case IDB:
        this.readInterface(buf, body, bodyEnd);
        return;
      case EPB:
        this.readPacket(buf, body, bodyEnd, this.u32(buf, body), false);
        return;
      case OPB:
        this.readPacket(buf, body, bodyEnd, this.u16(buf, body), true);
        return;
      case SPB:
        this.readSimplePacket(buf, body, bodyEnd);
        return;
      case DSB:
        this.readSecrets(buf, body, bodyEnd);
        return;
      default:
        return; // name resolution, statistics, custom blocks…: not needed here
    }
  }

  private problem(code: WireProblemCode, message: string): void {
    this.cb.onProblem(readerProblem(code, message, 'warning', this.lastTs, this.index || null));
  }

  /** A Decryption Secrets Block: secrets type u32, length u32, the secrets (padded), options. */
  private readSecrets(buf: Buffer, body: number, end: number): void {
    if (end - body < 8) {
      this.problem('BAD_BLOCK', 'decryption secrets block too short');
      return;
    }
    const secretsType = this.u32(buf, body);
    const length = this.u32(buf, body + 4);
    if (length > end - body - 8) {
      this.problem(
        'BAD_BLOCK',
        `decryption secrets block claims ${length} bytes but holds ${end - body - 8}`,
      );
      return;
    }
    // Copied: the secrets outlive the chunk they arrived in.
    this.cb.onSecrets?.(secretsType, Buffer.from(buf.subarray(body + 8, body + 8 + length)));
  }

  private readInterface(buf: Buffer, body: number, end: number): void {
    if (end - body < 8) {
      this.problem('BAD_BLOCK', 'interface description block too short');
      this.interfaces.push({ linkType: -1, snaplen: 0, units: 1e6, scale: MICROSECONDS, offset: 0 });
      return;
    }
    const iface: PcapngInterface = {
      linkType: this.u16(buf, body),
      snaplen: this.u32(buf, body + 4),
      units: 1e6,
      scale: MICROSECONDS,
      offset: 0,
    };
    let p = body + 8;
    while (p + 4 <= end) {
      const code = this.u16(buf, p);
      const olen = this.u16(buf, p + 2);
      if (code === 0) break;
      const v = p + 4;
      if (v + olen > end) break;
      if (code === OPT_IF_TSRESOL && olen >= 1) {
        iface.units = unitsPerSecond(buf[v]!);
        iface.scale = tickScale(iface.units);
      }
      if (code === OPT_IF_TSOFFSET && olen >= 8) {
        const lo = this.u32(buf, this.little ? v : v + 4);
        const hi = this.little ? buf.readInt32LE(v + 4) : buf.readInt32BE(v);
        iface.offset = hi * 4294967296 + lo;
      }
      p = v + ((olen + 3) & ~3);
    }
    this.interfaces.push(iface);
  }

  /** EPB (interface u32) and OPB (interface u16 + drops u16) share the rest of their layout. */
  private readPacket(buf: Buffer, body: number, end: number, ifId: number, obsolete: boolean): void {
    if (end - body < 20) {
      this.problem('BAD_BLOCK', `${obsolete ? 'packet' : 'enhanced packet'} block too short`);
      return;
    }
    const iface = this.interfaces[ifId];
    if (iface === undefined) {
      this.problem('BAD_BLOCK', `packet for undeclared interface ${ifId}`);
      return;
    }
    const high = this.u32(buf, body + 4);
    const low = this.u32(buf, body + 8);
    const caplen = this.u32(buf, body + 12);
    const origLen = this.u32(buf, body + 16);
    const data = body + 20;
    if (caplen > end - data) {
      this.problem('BAD_BLOCK', `packet block claims ${caplen} bytes but holds ${end - data}`);
      return;
    }
    // if_tsoffset is whole seconds, so it moves only the seconds: the nanoseconds stay exact.
    const ts = splitTicks(high, low, iface.scale) + iface.offset;
    this.emit(ts, splitTime.nsec, iface.linkType, buf, data, data + caplen, origLen, ifId);
  }

  private readSimplePacket(buf: Buffer, body: number, end: number): void {
    const iface = this.interfaces[0];
    if (iface === undefined || end - body < 4) {
      this.problem('BAD_BLOCK', 'simple packet block without interface 0 or too short');
      return;
    }
    const origLen = this.u32(buf, body);
    let caplen = Math.min(origLen, end - body - 4);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    // No timestamp in an SPB: it takes the time of the packet before it.
    this.emit(this.lastTs, this.lastNsec, iface.linkType, buf, body + 4, body + 4 + caplen, origLen, 0);
  }

  private emit(
    ts: number,
    tsNsec: number,
    linkType: number,
    buf: Buffer,
    start: number,
    end: number,
    origLen: number,
    interfaceId: number,
  ): void {
    this.index++;
    this.lastTs = ts;
    this.lastNsec = tsNsec;
    const caplen = end - start;
    this.cb.onPacket(
      nextPacket(
        this.reused,
        this.index,
        ts,
        linkType,
        buf,
        start,
        end,
        origLen < caplen ? caplen : origLen,
        interfaceId,
        tsNsec,
      ),
    );
  }

  get lastTimestamp(): number {
    return this.lastTs;
  }

  get packetCount(): number {
    return this.index;
  }
}
