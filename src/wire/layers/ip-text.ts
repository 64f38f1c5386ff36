// IP addresses as text: dotted IPv4 and RFC 5952 compressed IPv6.
// IPv4 strings are cached by value so the same address yields the same string object, which
// makes the flow table's endpoint comparisons cheap and saves building text for every packet.

const V4_CACHE_MAX = 4096;
const v4Cache = new Map<number, string>();

// The last two addresses (a packet's source and destination, the next packet's the other way
// round), looked at before the map.
let lastValueA = -1;
let lastTextA = '';
let lastValueB = -1;
let lastTextB = '';

export function ipv4Text(buf: Buffer, off: number): string {
  const value = ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
  if (value === lastValueA) return lastTextA;
  if (value === lastValueB) return lastTextB;
  let text = v4Cache.get(value);
  if (text === undefined) {
    text = buf[off] + '.' + buf[off + 1] + '.' + buf[off + 2] + '.' + buf[off + 3];
    if (v4Cache.size >= V4_CACHE_MAX) v4Cache.clear();
    v4Cache.set(value, text);
  }
  lastValueB = lastValueA;
  lastTextB = lastTextA;
  lastValueA = value;
  lastTextA = text;
  return text;
}

// A handful of recent IPv6 addresses (a capture rarely has many) keyed by their bytes.
const V6_CACHE_SIZE = 8;
const v6Keys: Buffer[] = [];
const v6Texts: string[] = [];
let v6Next = 0;

export function ipv6Text(buf: Buffer, off: number): string {
  for (let i = 0; i < v6Keys.length; i++) {
    const k = v6Keys[i]!;
    if (buf.compare(k, 0, 16, off, off + 16) === 0) return v6Texts[i]!;
  }
  const text = formatIpv6(buf, off);
  const key = Buffer.from(buf.subarray(off, off + 16));
  v6Keys[v6Next] = key;
  v6Texts[v6Next] = text;
  v6Next = (v6Next + 1) % V6_CACHE_SIZE;
  return text;
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(buf: Buffer, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(buf.readUInt16BE(off + i * 2));
  // IPv4-mapped addresses read best with their IPv4 part dotted.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return '::ffff:' + buf[off + 12] + '.' + buf[off + 13] + '.' + buf[off + 14] + '.' + buf[off + 15];
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16));
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16));
  return head.join(':') + '::' + tail.join(':');
}
