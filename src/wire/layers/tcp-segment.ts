// The decoded TCP segment handed to the flow table. Header and payload are read where they lie
// in the captured bytes, never copied; the addresses are kept as text and port numbers (the
// flow table matches on those), and the Endpoint objects, flags object and options text are
// made only when someone reads them.
import type { Endpoint, RawPacket, TcpFlags, TcpPacket } from '../events.js';
import { formatTcpOptionsIn } from './tcp-options.js';
import { tcpFlagsObject } from './tcp-flags.js';

export class DecodedTcpPacket implements TcpPacket {
  private optionsText: string | undefined = undefined;
  private srcEndpoint: Endpoint | undefined = undefined;
  private dstEndpoint: Endpoint | undefined = undefined;

  constructor(
    readonly raw: RawPacket,
    /** The buffer the header was read from (raw.data, or the capture chunk it lies in). */
    private readonly bytes: Buffer,
    readonly srcIp: string,
    readonly srcPort: number,
    readonly dstIp: string,
    readonly dstPort: number,
    readonly ipVersion: 4 | 6,
    readonly seq: number,
    readonly ack: number,
    /** All 9 flag bits (TH_* in tcp-flags.ts), for code that wants numbers rather than booleans. */
    readonly flagBits: number,
    readonly window: number,
    /** Where the option bytes are in `bytes` (after the fixed 20 bytes of the header). */
    private readonly optionsStart: number,
    private readonly optionsEnd: number,
    readonly payload: Buffer,
    readonly payloadLength: number,
  ) {}

  get src(): Endpoint {
    if (this.srcEndpoint === undefined) this.srcEndpoint = { ip: this.srcIp, port: this.srcPort };
    return this.srcEndpoint;
  }

  get dst(): Endpoint {
    if (this.dstEndpoint === undefined) this.dstEndpoint = { ip: this.dstIp, port: this.dstPort };
    return this.dstEndpoint;
  }

  get flags(): TcpFlags {
    return tcpFlagsObject(this.flagBits);
  }

  /** The option bytes of the header, a view (made when asked: most packets are never shown). */
  get optionBytes(): Buffer {
    return this.bytes.subarray(this.optionsStart, this.optionsEnd);
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
    return formatTcpOptionsIn(this.bytes, this.optionsStart, this.optionsEnd, sackBase);
  }
}
