// A packet as the pcap and pcapng readers hand it on: where its bytes lie in the chunk they
// were read from, rather than a Buffer view of them. The layers decode it in place (offsets
// into `bytes`), so most packets never get a view of their own; `data` makes one only for
// those a view shows (tcpdump -A/-X, html), on first use.
import type { RawPacket } from '../events.js';

export class CapturedPacket implements RawPacket {
  private view: Buffer | undefined = undefined;

  constructor(
    readonly index: number,
    readonly ts: number,
    readonly linkType: number,
    /** The buffer holding the packet: `bytes[start, end)` are its captured bytes. */
    readonly bytes: Buffer,
    readonly start: number,
    readonly end: number,
    readonly origLen: number,
    readonly interfaceId: number,
    readonly tsNsec: number,
  ) {}

  /** The captured bytes as a view (made once, when first asked for). */
  get data(): Buffer {
    if (this.view === undefined) this.view = this.bytes.subarray(this.start, this.end);
    return this.view;
  }
}
