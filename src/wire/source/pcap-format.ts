// Classic libpcap files: a 24-byte header, then 16-byte record headers each followed by the
// captured bytes. Either byte order; magic a1b2c3d4 = microseconds, a1b23c4d = nanoseconds.
import { CapturedPacket, nextPacket } from './captured-packet.js';

const EMPTY = Buffer.alloc(0);
import { MAX_PACKET_BYTES, readerProblem, type CaptureReaderCallbacks, type UnitParser } from './framing.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

/** A 32-bit field in the file's byte order (read by hand: Buffer's readers check bounds per call). */
function u32(b: Buffer, o: number, little: boolean): number {
  return little
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export class PcapParser implements UnitParser {
  private headerDone = false;
  private little = true;
  private fracPerSecond = 1e6;
  private snaplen = 0;
  linkType = 0;
  private index = 0;
  private lastTs = 0;
  private warnedSnaplen = false;
  /** The one packet object handed on when packets are not kept. */
  private readonly reused: CapturedPacket | undefined;

  constructor(
    private readonly cb: CaptureReaderCallbacks,
    private readonly onHeader: () => void,
  ) {
    this.reused = cb.packetsNotKept ? new CapturedPacket(0, 0, 0, EMPTY, 0, 0, 0, 0, 0) : undefined;
  }

  need(buf: Buffer, off: number, avail: number): number {
    if (!this.headerDone) return 24;
    if (avail < 16) return 16;
    const caplen = u32(buf, off + 8, this.little);
    // Whatever the header's snaplen says (a garbage one may say 4 GiB), a record is never larger
    // than libpcap's largest packet: a longer one is corruption, reported instead of buffered.
    if (caplen > MAX_PACKET_BYTES) {
      this.cb.onProblem(
        readerProblem(
          'BAD_RECORD',
          `record ${this.index + 1} claims ${caplen} captured bytes (snaplen ${this.snaplen}, at most ${MAX_PACKET_BYTES}); the rest of the file cannot be trusted`,
          'error',
          this.lastTs,
          this.index + 1,
        ),
      );
      return -1;
    }
    return 16 + caplen;
  }

  unit(buf: Buffer, off: number, len: number): void {
    if (!this.headerDone) {
      this.readHeader(buf, off);
      return;
    }
    const le = this.little;
    const sec = u32(buf, off, le);
    const frac = u32(buf, off + 4, le);
    const caplen = len - 16;
    const origLen = u32(buf, off + 12, le);
    this.index++;
    if (caplen > this.snaplen && this.snaplen > 0 && !this.warnedSnaplen) {
      // libpcap reads such records too; we say so once and go on.
      this.warnedSnaplen = true;
      this.cb.onProblem(
        readerProblem(
          'CAPLEN_OVER_SNAPLEN',
          `record ${this.index} has ${caplen} captured bytes, more than the file's snaplen ${this.snaplen}`,
          'warning',
          this.lastTs,
          this.index,
        ),
      );
    }
    const perSecond = this.fracPerSecond;
    const ts = sec + frac / perSecond;
    this.lastTs = ts;
    // The exact fraction in nanoseconds; a fraction of a second or more (a broken writer) carries
    // into ts, so it is kept within the second here too.
    const within = frac < perSecond ? frac : frac % perSecond;
    const packet = nextPacket(
      this.reused,
      this.index,
      ts,
      this.linkType,
      buf,
      off + 16,
      off + len,
      origLen < caplen ? caplen : origLen,
      0,
      perSecond === 1e6 ? within * 1000 : within,
    );
    this.cb.onPacket(packet);
  }

  private readHeader(buf: Buffer, off: number): void {
    const magicLe = buf.readUInt32LE(off);
    this.little = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS;
    const magic = this.little ? magicLe : buf.readUInt32BE(off);
    this.fracPerSecond = magic === PCAP_MAGIC_NS ? 1e9 : 1e6;
    this.snaplen = this.little ? buf.readUInt32LE(off + 16) : buf.readUInt32BE(off + 16);
    const linkField = this.little ? buf.readUInt32LE(off + 20) : buf.readUInt32BE(off + 20);
    // The upper bits may carry FCS information; the link type is the low 16 bits.
    this.linkType = linkField & 0xffff;
    this.headerDone = true;
    this.onHeader();
  }

  get lastTimestamp(): number {
    return this.lastTs;
  }

  get packetCount(): number {
    return this.index;
  }
}
