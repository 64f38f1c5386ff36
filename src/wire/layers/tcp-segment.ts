// The decoded TCP segment handed to the flow table. Header and payload are read where they lie
// in the captured bytes, never copied; the addresses are kept as text and port numbers (the
// flow table matches on those), and the Endpoint objects, flags object and options text are
// made only when someone reads them. A decoder run whose packets are not kept past the flow
// table makes one object over for every packet (set()).
import type { Endpoint, RawPacket, TcpFlags, TcpPacket } from '../events.js';
import { formatTcpOptionsIn } from './tcp-options.js';
import { tcpFlagsObject } from './tcp-flags.js';

export class DecodedTcpPacket implements TcpPacket {
  private optionsText: string | undefined = undefined;
  private srcEndpoint: Endpoint | undefined = undefined;
  private dstEndpoint: Endpoint | undefined = undefined;

  constructor(
    public raw: RawPacket,
    /** The buffer the header was read from (raw.data, or the capture chunk it lies in). */
    private bytes: Buffer,
    public srcIp: string,
    public srcPort: number,
    public dstIp: string,
    public dstPort: number,
    public ipVersion: 4 | 6,
    public seq: number,
    public ack: number,
    /** All 9 flag bits (TH_* in tcp-flags.ts), for code that wants numbers rather than booleans. */
    public flagBits: number,
    public window: number,
    /** Where the option bytes are in `bytes` (after the fixed 20 bytes of the header). */
    private optionsStart: number,
    private optionsEnd: number,
    public payload: Buffer,
    public payloadLength: number,
  ) {}

  /** Makes this object the next packet (arguments as the constructor's). */
  set(
    raw: RawPacket,
    bytes: Buffer,
    srcIp: string,
    srcPort: number,
    dstIp: string,
    dstPort: number,
    ipVersion: 4 | 6,
    seq: number,
    ack: number,
    flagBits: number,
    window: number,
    optionsStart: number,
    optionsEnd: number,
    payload: Buffer,
    payloadLength: number,
  ): this {
    this.raw = raw;
    this.bytes = bytes;
    this.srcIp = srcIp;
    this.srcPort = srcPort;
    this.dstIp = dstIp;
    this.dstPort = dstPort;
    this.ipVersion = ipVersion;
    this.seq = seq;
    this.ack = ack;
    this.flagBits = flagBits;
    this.window = window;
    this.optionsStart = optionsStart;
    this.optionsEnd = optionsEnd;
    this.payload = payload;
    this.payloadLength = payloadLength;
    this.optionsText = undefined;
    this.srcEndpoint = undefined;
    this.dstEndpoint = undefined;
    return this;
  }

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
