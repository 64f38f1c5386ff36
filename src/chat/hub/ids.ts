// User ids: random safe integers in [2^52, 2^53), so every id has 16 digits, cannot be guessed
// (52 random bits, less log2(count) in a cluster) and never collides across a cluster's workers:
// worker `index` of `count` only hands out ids with id % count === index, and checks its own.
// The same number is the seed's `uid`, today's `client_id` (as a string) and the native `id`.
import { randomBytes } from 'node:crypto';

const TWO_52 = 2 ** 52;

/** Which share of the id space this process hands out (one share per cluster worker). */
export interface IdSpace {
  index: number;
  count: number;
}

export function randomUserId(space: IdSpace = { index: 0, count: 1 }): number {
  const b = randomBytes(7);
  // 52 bits: 6 full bytes and the low nibble of the seventh.
  const high = b[6]! & 0x0f;
  const low = b.readUIntBE(0, 6);
  let r = high * 2 ** 48 + low;
  if (space.count > 1) {
    r = r - (r % space.count) + space.index;
    if (r >= TWO_52) r -= space.count;
  }
  return TWO_52 + r;
}

/** A fresh id not already used in `taken` (a collision is astronomically rare, but cheap to rule out). */
export function uniqueUserId(taken: (id: number) => boolean, space?: IdSpace): number {
  for (;;) {
    const id = randomUserId(space);
    if (!taken(id)) return id;
  }
}
