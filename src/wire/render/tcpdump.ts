// The tcpdump view: each packet exactly as `tcpdump -n -A` (or `-X`) prints it from a capture
// file, plus what tcpdump cannot show: the unmasked payload of every masked client frame.
import type { WireEvent } from '../events.js';
import {
  formatSegmentLine,
  formatTime,
  asciiDump,
  hexAsciiDump,
  linkHeaderLength,
  safeText,
  type TimePrecision,
} from './format.js';
import { interfaceColumn } from './interface-column.js';

export interface TcpdumpViewOptions {
  /** 'A': ASCII (tcpdump -A, the default), 'X': hex and ASCII (tcpdump -X), 'none': lines only. */
  dump?: 'A' | 'X' | 'none';
  utc?: boolean;
  /** 'micro' (tcpdump's default, the default) or 'nano' (tcpdump --time-stamp-precision=nano). */
  precision?: TimePrecision;
}

export interface TcpdumpRenderer {
  render(events: readonly WireEvent[]): string;
}

export function createTcpdumpRenderer(options: TcpdumpViewOptions = {}): TcpdumpRenderer {
  const dump = options.dump ?? 'A';
  const utc = options.utc ?? false;
  const precision = options.precision ?? 'micro';
  const show = (bytes: Buffer): string =>
    dump === 'X' ? '\n' + hexAsciiDump(bytes) : '\n' + asciiDump(bytes);
  return {
    render(events) {
      let out = '';
      for (const ev of events) {
        if (ev.event === 'tcp.segment') {
          // The packet's exact nanoseconds when the reader kept them: the double ts alone can be
          // a microsecond off for nanosecond captures.
          const column = ev.raw ? interfaceColumn(ev.raw.linkType, ev.raw.data) : '';
          out += `${formatTime(ev.ts, utc, ev.raw?.tsNsec, precision)} ${column}${formatSegmentLine(ev)}`;
          if (dump !== 'none' && ev.raw)
            out += show(ev.raw.data.subarray(linkHeaderLength(ev.raw.linkType, ev.raw.data)));
          out += '\n';
        } else if (ev.event === 'ws.frame' && ev.masked && ev.payload && ev.payload.length > 0) {
          // What tcpdump cannot show: the client's payload unmasked. Marked "[wirechat: …]" and
          // indented, so the rest stays byte-for-byte what tcpdump prints.
          out += `[wirechat: unmasked payload of the client frame above, key 0x${ev.mask ?? ''}, ${ev.payload.length} of ${ev.length} bytes]`;
          out +=
            dump === 'X'
              ? '\n' + hexAsciiDump(ev.payload)
              : '\n' + asciiDump(ev.payload).replace(/^/gm, '\t');
          out += '\n';
        } else if (ev.event === 'decode.problem') {
          out += `[wirechat: ${ev.code}: ${safeText(ev.message.replace(/[\r\n]+/g, ' '))}]\n`;
        }
      }
      return out;
    },
  };
}
