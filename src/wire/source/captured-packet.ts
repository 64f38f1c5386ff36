// A packet as the pcap and pcapng readers hand it on: where its bytes lie in the chunk they
// were read from, rather than a Buffer view of them. The layers decode it in place (offsets
// into `bytes`), so most packets never get a view of their own; `data` makes one only for
// those a view shows (tcpdump -A/-X, html), on first use.
import type { RawPacket } from '../events.js';

export class CapturedPacket implements RawPacket {
  private view: Buffer | undefined = undefined;

  constructor(
    public index: number,
    public ts: number,
    public linkType: number,
    /** The buffer holding the packet: `bytes[start, end)` are its captured bytes. */
    public bytes: Buffer,
    public start: number,
    public end: number,
    public origLen: number,
    public interfaceId: number,
    public tsNsec: number,
  ) {}

  /** The captured bytes as a view (made once, when first asked for). */
  get data(): Buffer {
    if (this.view === undefined) this.view = this.bytes.subarray(this.start, this.end);
    return this.view;
  }

  /** Makes this object the next packet (a reader whose packets are not kept reuses one). */
  set(
    index: number,
    ts: number,
    linkType: number,
    bytes: Buffer,
    start: number,
    end: number,
    origLen: number,
    interfaceId: number,
    tsNsec: number,
  ): this {
    this.index = index;
    this.ts = ts;
    this.linkType = linkType;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.origLen = origLen;
    this.interfaceId = interfaceId;
    this.tsNsec = tsNsec;
    this.view = undefined;
    return this;
  }
}

/**
 * The packet object for the next packet: a new one, or `reused` made over when the reader's
 * packets are not kept past onPacket (no object per packet then).
 */
export function nextPacket(
  reused: CapturedPacket | undefined,
  index: number,
  ts: number,
  linkType: number,
  bytes: Buffer,
  start: number,
  end: number,
  origLen: number,
  interfaceId: number,
  tsNsec: number,
): CapturedPacket {
  return reused !== undefined
    ? reused.set(index, ts, linkType, bytes, start, end, origLen, interfaceId, tsNsec)
    : new CapturedPacket(index, ts, linkType, bytes, start, end, origLen, interfaceId, tsNsec);
}
