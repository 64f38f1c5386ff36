// Small formatting helpers shared by the views: times, tcpdump's one-line packet summary,
// hex dumps, safe display of untrusted text.
import type { TcpSegmentEvent } from '../events.js';
import { tcpdumpEndpoint } from '../annotate/explain.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Digits after the second: 'micro' like tcpdump, 'nano' like tcpdump --time-stamp-precision=nano. */
export type TimePrecision = 'micro' | 'nano';

/** Seconds in 400 Gregorian years: the calendar (and a time zone's yearly rules) repeat after it. */
const GREGORIAN_CYCLE = 12_622_780_800;
/** Dates hold ±8.64e15 ms; beyond, a time is moved by whole 400-year cycles into that range. */
const DATE_LIMIT_SECONDS = 8.64e12;
/**
 * Beyond 2^52 s a double no longer holds the whole second of a packet time exactly, so no honest
 * time of day can be printed; tcpdump prints this for times it cannot convert either.
 */
const LARGEST_CONVERTIBLE = 2 ** 52;
export const TIME_OUT_OF_RANGE = '[Error converting time]';

function clock(seconds: number, utc: boolean): string {
  // A time beyond what Date holds (a broken or hostile file) keeps its time of day: 400 years
  // are a whole number of days, so moving by them changes neither the clock nor the local rules.
  if (Math.abs(seconds) >= DATE_LIMIT_SECONDS)
    seconds -= Math.floor(seconds / GREGORIAN_CYCLE) * GREGORIAN_CYCLE;
  const d = new Date(seconds * 1000);
  const [h, m, s] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
}

/**
 * "17:50:00.523910", the time of day as tcpdump prints it (local time unless utc). With `nsec`
 * (the exact nanoseconds past the second, RawPacket.tsNsec) the digits are exact: tcpdump's
 * microseconds are the nanoseconds truncated. Without it only the double `ts` is known.
 */
export function formatTime(
  ts: number,
  utc: boolean,
  nsec?: number,
  precision: TimePrecision = 'micro',
): string {
  if (!Number.isFinite(ts)) return precision === 'nano' ? '??:??:??.?????????' : '??:??:??.??????';
  if (Math.abs(ts) >= LARGEST_CONVERTIBLE) return TIME_OUT_OF_RANGE;
  if (nsec !== undefined && nsec >= 0 && nsec < 1e9) {
    const seconds = Math.round(ts - nsec / 1e9);
    const frac = precision === 'nano' ? pad(nsec, 9) : pad(Math.floor(nsec / 1000), 6);
    return `${clock(seconds, utc)}.${frac}`;
  }
  // Only the double: it holds today's epoch seconds to about ±0.12 µs, so split off the whole
  // seconds (exact) and truncate with that much slack (a microsecond capture is then exact).
  const unit = precision === 'nano' ? 1e9 : 1e6;
  let seconds = Math.floor(ts);
  let frac =
    precision === 'nano' ? Math.round((ts - seconds) * 1e9) : Math.floor((ts - seconds) * 1e6 + 0.13);
  if (frac >= unit) {
    seconds += 1;
    frac -= unit;
  }
  return `${clock(seconds, utc)}.${pad(frac, precision === 'nano' ? 9 : 6)}`;
}

/** tcpdump's line for a TCP segment, without the time: "IP a.1 > b.2: Flags [P.], seq 1:716, …". */
export function formatSegmentLine(ev: TcpSegmentEvent): string {
  const ip = ev.src.startsWith('[') ? 'IP6' : 'IP';
  let line = `${ip} ${tcpdumpEndpoint(ev.src)} > ${tcpdumpEndpoint(ev.dst)}: Flags [${ev.flags}]`;
  if (ev.len > 0) line += `, seq ${ev.seq}:${ev.seqEnd}`;
  else if (/[SFR]/.test(ev.flags)) line += `, seq ${ev.seq}`;
  if (ev.ack !== null) line += `, ack ${ev.ack}`;
  line += `, win ${ev.win}`;
  if (ev.options) line += `, options [${ev.options}]`;
  line += `, length ${ev.len}`;
  return line;
}

/** Bytes of link-layer header before the IP header, per LINKTYPE (tcpdump -A/-X skip them). */
export function linkHeaderLength(linkType: number, data: Buffer): number {
  switch (linkType) {
    case 1: {
      let off = 14;
      // 802.1Q / 802.1ad tags sit between the MAC addresses and the real EtherType.
      while (off + 4 <= data.length && [0x8100, 0x88a8, 0x9100].includes(data.readUInt16BE(off - 2)))
        off += 4;
      return Math.min(off, data.length);
    }
    case 113:
      return Math.min(16, data.length);
    case 276:
      return Math.min(20, data.length);
    case 0:
    case 108:
      return Math.min(4, data.length);
    default:
      return 0;
  }
}

/** tcpdump -A: printable ASCII, tab, space and newline as is; CR dropped before a newline; others '.'. */
export function asciiDump(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x0d) {
      if (bytes.length - (i + 1) > 1 && bytes[i + 1] !== 0x0a) out += '.';
    } else if ((c > 0x20 && c < 0x7f) || c === 0x09 || c === 0x20 || c === 0x0a)
      out += String.fromCharCode(c);
    else out += '.';
  }
  return out;
}

/** tcpdump -X: "\t0x0000:  4500 003c …  E..<…" lines, 16 bytes each (no trailing newline). */
export function hexAsciiDump(bytes: Buffer, indent = '\t'): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < row.length; i++) {
      if (i % 2 === 0) hex += ' ';
      hex += row[i]!.toString(16).padStart(2, '0');
      const c = row[i]!;
      ascii += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }
    lines.push(`${indent}0x${off.toString(16).padStart(4, '0')}: ${hex.padEnd(40)}  ${ascii}`);
  }
  return lines.join('\n');
}

// Untrusted text shown on a terminal is escaped by one helper, shared with the CLI's messages.
export { safeText } from '../../shared/terminal-text.js';
