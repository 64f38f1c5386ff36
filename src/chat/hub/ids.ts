// User ids: random safe integers in [2^52, 2^53), so every id has 16 digits, cannot be guessed
// (52 random bits) and, across a cluster, collides with negligible probability. The same number
// is the seed's `uid`, today's `client_id` (as a string) and the native `id` (as a string).
import { randomBytes } from 'node:crypto';

const TWO_52 = 2 ** 52;

export function randomUserId(): number {
  const b = randomBytes(7);
  // 52 bits: 6 full bytes and the low nibble of the seventh.
  const high = b[6]! & 0x0f;
  const low = b.readUIntBE(0, 6);
  return TWO_52 + high * 2 ** 48 + low;
}

/** A fresh id not already used in `taken` (a collision is astronomically rare, but cheap to rule out). */
export function uniqueUserId(taken: (id: number) => boolean): number {
  for (;;) {
    const id = randomUserId();
    if (!taken(id)) return id;
  }
}
