// TCP flag bits and their text in tcpdump's words ("S", "S.", "P.", "FP.", "R.", "none").
// Both are made once per combination so decoding a packet allocates nothing for them.
import type { TcpFlags } from '../events.js';

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PSH = 0x08;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;
export const TH_ECE = 0x40;
export const TH_CWR = 0x80;
/** Accurate ECN (formerly NS), the low bit of the byte before the flags. */
export const TH_AE = 0x100;

// tcpdump prints the letters in this order (print-tcp.c tcp_flag_values), "none" when no bit is set.
const LETTERS: Array<[number, string]> = [
  [TH_FIN, 'F'],
  [TH_SYN, 'S'],
  [TH_RST, 'R'],
  [TH_PSH, 'P'],
  [TH_ACK, '.'],
  [TH_URG, 'U'],
  [TH_ECE, 'E'],
  [TH_CWR, 'W'],
  [TH_AE, 'e'],
];

// Each text and object is made the first time its combination is seen (a capture shows a
// handful), not all 512 at load: building every one took ~2 ms of each run's start.
const TEXT: Array<string | undefined> = new Array<string | undefined>(512);
const OBJECTS: Array<TcpFlags | undefined> = new Array<TcpFlags | undefined>(256);

function makeText(bits: number): string {
  let text = '';
  for (const [bit, letter] of LETTERS) if (bits & bit) text += letter;
  return (TEXT[bits] = text === '' ? 'none' : text);
}

function makeObject(bits: number): TcpFlags {
  return (OBJECTS[bits] = Object.freeze({
    fin: (bits & TH_FIN) !== 0,
    syn: (bits & TH_SYN) !== 0,
    rst: (bits & TH_RST) !== 0,
    psh: (bits & TH_PSH) !== 0,
    ack: (bits & TH_ACK) !== 0,
    urg: (bits & TH_URG) !== 0,
    ece: (bits & TH_ECE) !== 0,
    cwr: (bits & TH_CWR) !== 0,
  }));
}

/** tcpdump's flag text for the 9 flag bits. */
export function formatTcpFlags(bits: number): string {
  return TEXT[bits & 0x1ff] ?? makeText(bits & 0x1ff);
}

/** A shared, frozen flags object for the 8 classic bits. */
export function tcpFlagsObject(bits: number): TcpFlags {
  return OBJECTS[bits & 0xff] ?? makeObject(bits & 0xff);
}

/** Rebuilds the bit field from a flags object (for packets built by hand, e.g. in tests). */
export function tcpFlagBits(flags: TcpFlags): number {
  return (
    (flags.fin ? TH_FIN : 0) |
    (flags.syn ? TH_SYN : 0) |
    (flags.rst ? TH_RST : 0) |
    (flags.psh ? TH_PSH : 0) |
    (flags.ack ? TH_ACK : 0) |
    (flags.urg ? TH_URG : 0) |
    (flags.ece ? TH_ECE : 0) |
    (flags.cwr ? TH_CWR : 0)
  );
}
