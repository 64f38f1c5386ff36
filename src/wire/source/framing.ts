// Shared by the pcap and pcapng readers: how a reader reports packets and problems, and the
// limits that keep a hostile file from making us allocate without bound.
import type { DecodeProblemEvent, RawPacket } from '../events.js';
import type { WireProblemCode } from '../problem-codes.js';

export interface CaptureReaderCallbacks {
  onPacket(packet: RawPacket): void;
  /** TRUNCATED_FILE, BAD_CAPTURE_HEADER, BAD_RECORD, BAD_BLOCK, CAPLEN_OVER_SNAPLEN, … */
  onProblem(problem: DecodeProblemEvent): void;
  /** A pcapng Decryption Secrets Block: its secrets type and data (padding removed). */
  onSecrets?(secretsType: number, data: Buffer): void;
  /**
   * true: the packet handed to onPacket is not kept once the call returns (nor its `data`), so
   * the reader may hand on one object made over for every packet. Default false.
   */
  packetsNotKept?: boolean;
}

/**
 * libpcap's largest packet for ordinary link types (MAXIMUM_SNAPLEN; libpcap refuses longer
 * records too). A record claiming more is corrupt: we stop instead of allocating it.
 */
export const MAX_PACKET_BYTES = 262144;
/** Largest pcapng block we buffer (a packet block holds at most one MAX_PACKET_BYTES frame; other
 * blocks are small); a longer block length is treated as corruption. */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

/** A format parser: tells the streaming reader how long the next unit is, then takes it whole. */
export interface UnitParser {
  /**
   * Bytes needed for the next complete unit, given `avail` bytes at `off` (when `avail` is too
   * short to tell, the number needed to learn more). Negative: stop (a problem was reported).
   */
  need(buf: Buffer, off: number, avail: number): number;
  /** Handles one complete unit of exactly `len` bytes. Packets it emits may be views into buf. */
  unit(buf: Buffer, off: number, len: number): void;
}

export function readerProblem(
  code: WireProblemCode,
  message: string,
  severity: 'warning' | 'error',
  ts: number,
  packet: number | null,
): DecodeProblemEvent {
  return { event: 'decode.problem', ts, src: '', dst: '', conn: null, packet, code, message, severity };
}
