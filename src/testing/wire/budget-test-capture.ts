// Captures built in memory for the budget tests: TCP connections as scripts of packets, and
// the decoder run over them with a small budget.
import { buildTcpPacket, LINKTYPE_RAW, type SyntheticEndpoint } from '../../wire/source/synthetic-tcp.js';
import { handshake } from './test-frames.js';
import { createCaptureDecoder, type CaptureDecoderOptions } from '../../wire/decode-capture.js';
import type { DecodeProblemEvent, SummaryEvent, WireEvent } from '../../wire/events.js';
import type { MemoryBudget } from '../../wire/budget/memory-budget.js';

export const SERVER: SyntheticEndpoint = { ip: '10.0.0.1', port: 7272 };
export const client = (i: number): SyntheticEndpoint => ({ ip: `10.9.0.${i}`, port: 40000 + i });

/** The 24-byte header of a classic pcap file of raw IP packets (microseconds, snaplen 262144). */
export function pcapHeader(): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(LINKTYPE_RAW, 20);
  return header;
}

/** A pcap file of raw IP packets, 1 ms apart. */
export function pcap(packets: Buffer[]): Buffer {
  const parts: Buffer[] = [pcapHeader()];
  packets.forEach((p, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000, 0);
    rec.writeUInt32LE(i * 1000, 4);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    parts.push(rec, p);
  });
  return Buffer.concat(parts);
}

/** One connection's packets, sequence numbers kept. */
export class Conn {
  cs = 1001;
  ss = 5001;
  constructor(readonly c: SyntheticEndpoint) {}

  syn(): Buffer {
    return buildTcpPacket(this.c, SERVER, 1000, 0, { syn: true });
  }

  client(bytes: Buffer, at = this.cs): Buffer {
    const p = buildTcpPacket(this.c, SERVER, at, this.ss, { ack: true, psh: true }, bytes);
    if (at === this.cs) this.cs += bytes.length;
    return p;
  }

  server(bytes: Buffer, at = this.ss): Buffer {
    const p = buildTcpPacket(SERVER, this.c, at, this.cs, { ack: true, psh: true }, bytes);
    if (at === this.ss) this.ss += bytes.length;
    return p;
  }

  fin(from: 'client' | 'server'): Buffer {
    const p =
      from === 'client'
        ? buildTcpPacket(this.c, SERVER, this.cs, this.ss, { fin: true, ack: true })
        : buildTcpPacket(SERVER, this.c, this.ss, this.cs, { fin: true, ack: true });
    if (from === 'client') this.cs++;
    else this.ss++;
    return p;
  }

  /** SYN, SYN-ACK, ACK, then the upgrade request and its 101. */
  open(extensions?: string): Buffer[] {
    const hs = handshake(extensions);
    return [
      this.syn(),
      buildTcpPacket(SERVER, this.c, 5000, 1001, { syn: true, ack: true }),
      buildTcpPacket(this.c, SERVER, 1001, 5001, { ack: true }),
      this.client(hs.request),
      this.server(hs.response),
    ];
  }
}

export interface BudgetRun {
  events: WireEvent[];
  summary: SummaryEvent;
  budget: MemoryBudget;
  /** decode.problem codes in order, with their connection: "FLOW_EVICTED 1". */
  problems: string[];
  /** budget.used right before end(). */
  usedBeforeEnd: number;
}

export function decodeWithBudget(packets: Buffer[], options: CaptureDecoderOptions): BudgetRun {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder(options, (batch) => events.push(...batch));
  decoder.push(pcap(packets));
  const usedBeforeEnd = decoder.budget.used;
  const summary = decoder.end();
  const problems = events
    .filter((e): e is DecodeProblemEvent => e.event === 'decode.problem')
    .map((e) => `${e.code} ${e.conn ?? '-'}`);
  return { events, summary, budget: decoder.budget, problems, usedBeforeEnd };
}
