// 32-bit TCP sequence arithmetic (RFC 1982 style): differences are taken modulo 2^32 and read
// as signed, so comparisons keep working when the sequence space wraps.

/** a - b as a signed 32-bit number: negative when a is "before" b. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a + n modulo 2^32, as an unsigned number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
