// pcapng timestamps: a 64-bit count of units (10^-n or 2^-n seconds) since the epoch.
// A nanosecond count does not fit a double exactly, so the division is done in 16-bit steps
// (every intermediate stays below 2^53) instead of with BigInt, which is slow per packet.

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
