// Streaming capture reader: bytes of a pcap or pcapng file in chunks of any size → RawPackets.
// Only the unfinished unit (record or block) is kept between pushes, copied into a buffer of
// exactly the size it needs, so memory stays flat however the input is chunked.
// Packets are views into the pushed chunks (or into that carry buffer): callers must not
// modify a chunk after pushing it.
import { readerProblem, type CaptureReaderCallbacks, type UnitParser } from './framing.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PcapParser } from './pcap-format.js';
import { PCAPNG_SHB, PcapngParser } from './pcapng-format.js';

export type { CaptureReaderCallbacks } from './framing.js';

export interface CaptureReader {
  /** Any chunking works (a byte at a time too). */
  push(chunk: Buffer): void;
  /** The input is over: reports a truncated last record or a file too short to have a header. */
  end(): void;
  /** 'pcap' | 'pcapng' once the header was read, else undefined. */
  readonly format: 'pcap' | 'pcapng' | undefined;
  /** false when the header is garbage (nothing can be read from the file). */
  readonly usable: boolean;
  /**
   * true once nothing more can be read (a garbage header, a record or block whose length cannot
   * be trusted): later pushes are ignored, so the caller should stop reading its input.
   */
  readonly stopped: boolean;
}

export function createCaptureReader(callbacks: CaptureReaderCallbacks): CaptureReader {
  return new StreamingCaptureReader(callbacks);
}

function isPcapMagic(m: number): boolean {
  return m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS;
}

class StreamingCaptureReader implements CaptureReader {
  format: 'pcap' | 'pcapng' | undefined = undefined;
  usable = true;
  private parser: (UnitParser & { readonly lastTimestamp: number; readonly packetCount: number }) | undefined;
  stopped = false;
  private ended = false;
  private carry: Buffer | null = null;
  private carryLen = 0;
  private bytesSeen = 0;

  constructor(private readonly cb: CaptureReaderCallbacks) {}

  push(chunk: Buffer): void {
    if (this.stopped || this.ended || chunk.length === 0) return;
    this.bytesSeen += chunk.length;
    let off = 0;
    const end = chunk.length;
    if (this.carryLen > 0) {
      // Complete the unfinished unit first, copying no more than it needs.
      for (;;) {
        const need = this.need(this.carry!, 0, this.carryLen);
        if (need < 0) return this.stop();
        if (this.carryLen >= need) {
          const buf = this.carry!;
          this.carry = null;
          this.carryLen = 0;
          this.parser!.unit(buf, 0, need);
          break;
        }
        if (off >= end) return;
        const take = Math.min(need - this.carryLen, end - off);
        this.ensureCarry(need);
        chunk.copy(this.carry!, this.carryLen, off, off + take);
        this.carryLen += take;
        off += take;
      }
    }
    while (off < end && !this.stopped) {
      const avail = end - off;
      const need = this.need(chunk, off, avail);
      if (need < 0) return this.stop();
      if (avail < need) {
        this.ensureCarry(need);
        chunk.copy(this.carry!, 0, off, end);
        this.carryLen = avail;
        return;
      }
      this.parser!.unit(chunk, off, need);
      off += need;
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.stopped) return;
    if (this.format === undefined) {
      this.usable = false;
      const what = this.bytesSeen === 0 ? 'the capture is empty' : 'the capture ends inside its file header';
      this.cb.onProblem(readerProblem('BAD_CAPTURE_HEADER', what, 'error', 0, null));
    } else if (this.carryLen > 0) {
      const p = this.parser!;
      this.cb.onProblem(
        readerProblem(
          'TRUNCATED_FILE',
          `the capture ends in the middle of a ${this.format === 'pcap' ? 'record' : 'block'} after packet ${p.packetCount} (${this.carryLen} bytes left over)`,
          'error',
          p.lastTimestamp,
          p.packetCount + 1,
        ),
      );
    }
    this.carry = null;
    this.carryLen = 0;
  }

  private stop(): void {
    this.stopped = true;
    this.carry = null;
    this.carryLen = 0;
  }

  private ensureCarry(size: number): void {
    if (this.carry !== null && this.carry.length >= size) return;
    const next = Buffer.allocUnsafe(size);
    if (this.carry !== null && this.carryLen > 0) this.carry.copy(next, 0, 0, this.carryLen);
    this.carry = next;
  }

  private need(buf: Buffer, off: number, avail: number): number {
    if (this.parser === undefined) {
      if (avail < 4) return 4;
      const le = buf.readUInt32LE(off);
      const be = buf.readUInt32BE(off);
      if (isPcapMagic(le) || isPcapMagic(be)) {
        this.parser = new PcapParser(this.cb, () => (this.format = 'pcap'));
      } else if (le === PCAPNG_SHB) {
        this.parser = new PcapngParser(this.cb, () => (this.format = 'pcapng'));
      } else {
        this.usable = false;
        this.cb.onProblem(
          readerProblem(
            'BAD_CAPTURE_HEADER',
            `not a pcap or pcapng file (starts with ${buf.toString('hex', off, off + 4)})`,
            'error',
            0,
            null,
          ),
        );
        return -1;
      }
    }
    const need = this.parser.need(buf, off, avail);
    if (need < 0 && this.format === undefined) this.usable = false;
    return need;
  }
}
