// A classic pcap file written as it is generated (LINKTYPE_RAW: IP first), in large blocks so
// generating a million packets stays quick and never holds the whole file in memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { buildTcpPacket, type SyntheticEndpoint, type TcpFlagBits } from '../../wire/source/synthetic-tcp.js';
import { pcapHeader } from '../../testing/wire/budget-test-capture.js';

const BLOCK = 4 << 20;

export class PcapFile {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(BLOCK);
  private at = 0;
  private micros = 0;
  bytes = 0;
  packets = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    this.put(pcapHeader());
  }

  /** One packet, 10 µs after the previous one. */
  packet(data: Buffer): void {
    this.micros += 10;
    const rec = Buffer.allocUnsafe(16);
    rec.writeUInt32LE(1_700_000_000 + Math.floor(this.micros / 1e6), 0);
    rec.writeUInt32LE(this.micros % 1e6, 4);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    this.put(rec);
    this.put(data);
    this.packets++;
  }

  /** One TCP segment between two endpoints. */
  tcp(
    src: SyntheticEndpoint,
    dst: SyntheticEndpoint,
    seq: number,
    ack: number,
    flags: TcpFlagBits,
    payload?: Buffer,
  ): void {
    this.packet(buildTcpPacket(src, dst, seq, ack, flags, payload));
  }

  private put(b: Buffer): void {
    if (this.at + b.length > this.buf.length) this.drain();
    if (b.length > this.buf.length) {
      writeSync(this.fd, b);
    } else {
      b.copy(this.buf, this.at);
      this.at += b.length;
    }
    this.bytes += b.length;
  }

  private drain(): void {
    if (this.at > 0) writeSync(this.fd, this.buf, 0, this.at);
    this.at = 0;
  }

  close(): void {
    this.drain();
    closeSync(this.fd);
  }
}
