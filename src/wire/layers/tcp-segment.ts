// The decoded TCP segment handed to the flow table. Header and payload are views into the
// captured bytes, never copies; the options text is built only when someone reads it.
import type { Endpoint, RawPacket, TcpFlags, TcpPacket } from '../events.js';
import { formatTcpOptionsIn } from './tcp-options.js';
import { tcpFlagsObject } from './tcp-flags.js';

export class DecodedTcpPacket implements TcpPacket {
  private optionsText: string | undefined;
  readonly flags: TcpFlags;

  constructor(
    readonly raw: RawPacket,
    readonly src: Endpoint,
    readonly dst: Endpoint,
    readonly ipVersion: 4 | 6,
    readonly seq: number,
    readonly ack: number,
    /** All 9 flag bits (TH_* in tcp-flags.ts), for code that wants numbers rather than booleans. */
    readonly flagBits: number,
    readonly window: number,
    /** Where the option bytes are in raw.data (after the fixed 20 bytes of the header). */
    private readonly optionsStart: number,
    private readonly optionsEnd: number,
    readonly payload: Buffer,
    readonly payloadLength: number,
  ) {
    this.flags = tcpFlagsObject(flagBits);
  }

  /** The option bytes of the header, a view (made when asked: most packets are never shown). */
  get optionBytes(): Buffer {
    return this.raw.data.subarray(this.optionsStart, this.optionsEnd);
  }

  get index(): number {
    return this.raw.index;
  }

  get ts(): number {
    return this.raw.ts;
  }

  /** tcpdump's text for the options, with SACK edges absolute. */
  get options(): string {
    if (this.optionsText === undefined) this.optionsText = this.optionsRelativeTo(0);
    return this.optionsText;
  }

  /** tcpdump's text for the options, SACK edges less `sackBase`: read in place, no view made. */
  optionsRelativeTo(sackBase: number): string {
    return formatTcpOptionsIn(this.raw.data, this.optionsStart, this.optionsEnd, sackBase);
  }
}
