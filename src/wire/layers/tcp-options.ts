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
  const n = opts.length;
  if (n === 0) return '';
  // Fast path for the most common header on Linux data segments: nop,nop,TS val X ecr Y.
  if (n === 12 && opts[0] === 1 && opts[1] === 1 && opts[2] === 8 && opts[3] === 10) {
    return 'nop,nop,TS val ' + opts.readUInt32BE(4) + ' ecr ' + opts.readUInt32BE(8);
  }
  let out = '';
  let i = 0;
  while (i < n) {
    if (i > 0) out += ',';
    const kind = opts[i]!;
    const name = NAMES[kind] ?? `unknown-${kind}`;
    if (kind === 0 || kind === 1) {
      out += name;
      i += 1;
      if (kind === 0) break;
      continue;
    }
    if (i + 1 >= n) return out + name + '[bad opt]';
    const len = opts[i + 1]!;
    if (len < 2 || i + len > n) return out + name + '[bad opt]';
    const d = i + 2;
    const datalen = len - 2;
    out += name;
    let expected = len;
    switch (kind) {
      case 2:
        expected = 4;
        if (datalen < 2) return out + '[bad opt]';
        out += ' ' + opts.readUInt16BE(d);
        break;
      case 3:
        expected = 3;
        if (datalen < 1) return out + '[bad opt]';
        out += ' ' + opts[d];
        break;
      case 4:
        expected = 2;
        break;
      case 5:
        if (datalen % 8 !== 0) out += ' invalid sack';
        else {
          out += ' ' + datalen / 8 + ' ';
          for (let j = d; j < d + datalen; j += 8) {
            const s = (opts.readUInt32BE(j) - sackBase) >>> 0;
            const e = (opts.readUInt32BE(j + 4) - sackBase) >>> 0;
            out += '{' + s + ':' + e + '}';
          }
        }
        break;
      case 6:
      case 7:
      case 11:
      case 12:
      case 13:
        expected = 6;
        if (datalen < 4) return out + '[bad opt]';
        out += ' ' + opts.readUInt32BE(d);
        break;
      case 8:
        expected = 10;
        if (datalen < 8) return out + '[bad opt]';
        out += ' val ' + opts.readUInt32BE(d) + ' ecr ' + opts.readUInt32BE(d + 4);
        break;
      case 28: {
        expected = 4;
        if (datalen < 2) return out + '[bad opt]';
        const v = opts.readUInt16BE(d);
        out += ' 0x' + v.toString(16) + ' ' + (v & 1 ? (v >> 1) * 60 : v >> 1);
        break;
      }
      case 34:
        // TCP Fast Open: an empty option asks for a cookie.
        out += datalen === 0 ? ' cookiereq' : ' cookie ' + hex(opts, d, d + datalen);
        break;
      default:
        if (datalen > 0) out += ' 0x' + hex(opts, d, d + datalen);
        break;
    }
    if (expected !== len) out += `[len ${len}]`;
    i += len;
  }
  return out;
}
