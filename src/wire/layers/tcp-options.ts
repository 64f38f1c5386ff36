// TCP options in tcpdump's words: "mss 16396,sackOK,TS val 28679666 ecr 28679554,nop,wscale 7".
// Follows tcpdump's print-tcp.c: same names, same "[len N]" note when an option's length is
// unusual, "[bad opt]" when an option runs past the header.

const NAMES: Record<number, string> = {
  0: 'eol',
  1: 'nop',
  2: 'mss',
  3: 'wscale',
  4: 'sackOK',
  5: 'sack',
  6: 'echo',
  7: 'echoreply',
  8: 'TS',
  11: 'cc',
  12: 'ccnew',
  13: 'ccecho',
  19: 'md5',
  20: 'scps',
  28: 'uto',
  29: 'tcp-ao',
  30: 'mptcp',
  34: 'tfo',
  254: 'exp',
};

function hex(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('hex', start, end);
}

/**
 * Formats the option bytes of a TCP header (the bytes after the fixed 20).
 * `sackBase` is subtracted from SACK edges so they read relative like tcpdump's (0 = absolute).
 */
export function formatTcpOptions(opts: Buffer, sackBase = 0): string {
  return formatTcpOptionsIn(opts, 0, opts.length, sackBase);
}

/**
 * formatTcpOptions of the option bytes at [start, end) of `bytes`: read in place, so a packet's
 * options need no Buffer view of their own.
 */
export function formatTcpOptionsIn(bytes: Buffer, start: number, end: number, sackBase = 0): string {
  if (start >= end) return '';
  // Fast path for the most common header on Linux data segments: nop,nop,TS val X ecr Y.
  if (
    end - start === 12 &&
    bytes[start] === 1 &&
    bytes[start + 1] === 1 &&
    bytes[start + 2] === 8 &&
    bytes[start + 3] === 10
  ) {
    return 'nop,nop,TS val ' + bytes.readUInt32BE(start + 4) + ' ecr ' + bytes.readUInt32BE(start + 8);
  }
  let out = '';
  let i = start;
  while (i < end) {
    if (i > start) out += ',';
    const kind = bytes[i]!;
    const name = NAMES[kind] ?? `unknown-${kind}`;
    if (kind === 0 || kind === 1) {
      out += name;
      i += 1;
      if (kind === 0) break;
      continue;
    }
    if (i + 1 >= end) return out + name + '[bad opt]';
    const len = bytes[i + 1]!;
    if (len < 2 || i + len > end) return out + name + '[bad opt]';
    out += name;
    const data = optionData(kind, bytes, i + 2, len - 2, sackBase);
    if (data === undefined) return out + '[bad opt]';
    out += data;
    if (expectedLength(kind, len) !== len) out += `[len ${len}]`;
    i += len;
  }
  return out;
}

/** The length tcpdump expects of an option of this kind (`len` for those of any length). */
function expectedLength(kind: number, len: number): number {
  switch (kind) {
    case 2:
    case 28:
      return 4;
    case 3:
      return 3;
    case 4:
      return 2;
    case 6:
    case 7:
    case 11:
    case 12:
    case 13:
      return 6;
    case 8:
      return 10;
    default:
      return len;
  }
}

/** The words after an option's name (from its `datalen` bytes at `d`); undefined: too short. */
function optionData(
  kind: number,
  opts: Buffer,
  d: number,
  datalen: number,
  sackBase: number,
): string | undefined {
  switch (kind) {
    case 2:
      return datalen < 2 ? undefined : ' ' + opts.readUInt16BE(d);
    case 3:
      return datalen < 1 ? undefined : ' ' + opts[d];
    case 4:
      return '';
    case 5:
      return sackBlocks(opts, d, datalen, sackBase);
    case 6:
    case 7:
    case 11:
    case 12:
    case 13:
      return datalen < 4 ? undefined : ' ' + opts.readUInt32BE(d);
    case 8:
      return datalen < 8 ? undefined : ' val ' + opts.readUInt32BE(d) + ' ecr ' + opts.readUInt32BE(d + 4);
    case 28: {
      if (datalen < 2) return undefined;
      const v = opts.readUInt16BE(d);
      return ' 0x' + v.toString(16) + ' ' + (v & 1 ? (v >> 1) * 60 : v >> 1);
    }
    case 34:
      // TCP Fast Open: an empty option asks for a cookie.
      return datalen === 0 ? ' cookiereq' : ' cookie ' + hex(opts, d, d + datalen);
    default:
      return datalen > 0 ? ' 0x' + hex(opts, d, d + datalen) : '';
  }
}

/** " 2 {1:100}{200:300}", edges relative to `sackBase`. */
function sackBlocks(opts: Buffer, d: number, datalen: number, sackBase: number): string {
  if (datalen % 8 !== 0) return ' invalid sack';
  let out = ' ' + datalen / 8 + ' ';
  for (let j = d; j < d + datalen; j += 8) {
    const s = (opts.readUInt32BE(j) - sackBase) >>> 0;
    const e = (opts.readUInt32BE(j + 4) - sackBase) >>> 0;
    out += '{' + s + ':' + e + '}';
  }
  return out;
}
