// Capture timestamps. pcapng stores a 64-bit count of units (10^-n or 2^-n seconds) since the
// epoch; a nanosecond count does not fit a double exactly, so the division is done in 16-bit
// steps (every intermediate stays below 2^53) instead of with BigInt, which is slow per packet.
// Besides the fractional `ts` (a double, ~0.24 µs apart near 2026), readers keep the exact
// nanoseconds past the second, truncated the way libpcap truncates finer resolutions, so the
// views print the same digits as tcpdump.

/** Units per second from an if_tsresol byte: bit 7 set = power of two, else power of ten. */
export function unitsPerSecond(tsresol: number): number {
  const n = tsresol & 0x7f;
  if (tsresol & 0x80) return n >= 63 ? 2 ** 63 : 2 ** n;
  return n > 18 ? 1e18 : 10 ** n;
}

/** Seconds (fractional) for the 64-bit tick count high:low at `units` per second. */
export function ticksToSeconds(high: number, low: number, units: number): number {
  if (high < 0x200000) return (high * 4294967296 + low) / units;
  if (units * 65536 > Number.MAX_SAFE_INTEGER) return (high * 4294967296 + low) / units;
  const digits = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff];
  let quotient = 0;
  let rest = 0;
  for (const d of digits) {
    const cur = rest * 65536 + d;
    const q = Math.floor(cur / units);
    rest = cur - q * units;
    quotient = quotient * 65536 + q;
  }
  return quotient + rest / units;
}

/** floor(a / b) for non-negative safe integers, exact although `a / b` may round up. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  return q;
}

/**
 * How one interface's tick count becomes whole seconds + nanoseconds. `scale` > 0: ns = rest ×
 * scale (10^-n with n ≤ 9); `scale` < 0: ns = floor(rest / -scale) (10^-n with 9 < n ≤ 15);
 * `scale` 0: 2^-n with n ≤ 23 (rest × 10^9 stays exact). Anything else goes through BigInt.
 */
export interface TickScale {
  units: number;
  scale: number;
  /** true when the number path is exact for this resolution. */
  fast: boolean;
}

export function tickScale(units: number): TickScale {
  for (let n = 0; n <= 15; n++) {
    if (units !== 10 ** n) continue;
    return { units, scale: n <= 9 ? 10 ** (9 - n) : -(10 ** (n - 9)), fast: true };
  }
  return { units, scale: 0, fast: units <= 2 ** 23 && Number.isInteger(Math.log2(units)) };
}

/** Where splitTicks leaves its answer (one shared object: no allocation per packet). */
export const splitTime = { sec: 0, nsec: 0 };

/**
 * The tick count high:low as whole seconds and nanoseconds past them (truncated, like libpcap
 * reading a finer resolution), into `splitTime`. Exact for every resolution; `sec` is exact
 * while it stays below 2^53. Returns the fractional seconds, the very double ticksToSeconds
 * gives (one division serves both).
 */
export function splitTicks(high: number, low: number, t: TickScale): number {
  const units = t.units;
  let sec: number;
  let rest: number;
  let seconds: number;
  if (high < 0x200000 && t.fast) {
    const ticks = high * 4294967296 + low;
    sec = floorDiv(ticks, units);
    rest = ticks - sec * units;
    seconds = ticks / units;
  } else if (t.fast && units * 65536 <= Number.MAX_SAFE_INTEGER) {
    // Long division by 16-bit digits: rest × 65536 + digit stays below 2^53.
    sec = 0;
    rest = 0;
    for (let i = 0; i < 4; i++) {
      const d = i === 0 ? high >>> 16 : i === 1 ? high & 0xffff : i === 2 ? low >>> 16 : low & 0xffff;
      const cur = rest * 65536 + d;
      const q = floorDiv(cur, units);
      rest = cur - q * units;
      sec = sec * 65536 + q;
    }
    seconds = sec + rest / units;
  } else {
    // Resolutions finer than the number path can divide exactly: rare, so BigInt is fine.
    const ticks = (BigInt(high) << 32n) | BigInt(low);
    const u = BigInt(units);
    splitTime.sec = Number(ticks / u);
    splitTime.nsec = Number(((ticks % u) * 1000000000n) / u);
    return ticksToSeconds(high, low, units);
  }
  const scale = t.scale;
  splitTime.sec = sec;
  splitTime.nsec =
    scale > 0 ? rest * scale : scale < 0 ? floorDiv(rest, -scale) : Math.floor((rest * 1e9) / units);
  return seconds;
}

/**
 * Whole seconds of a packet's exact time from its double `ts` and exact nanoseconds `nsec`:
 * `ts` is within a microsecond of the exact time, so rounding recovers the whole second even
 * when `ts` itself rounded up to it (x.999999999 is stored as x+1).
 */
export function wholeSeconds(ts: number, nsec: number): number {
  return Math.round(ts - nsec / 1e9);
}
