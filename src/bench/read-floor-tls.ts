// The wss floor's one extra step: every TLS record the decoder decrypted, decrypted again with
// nothing around it. While the capture is decoded (untimed), node:crypto's createDecipheriv is
// wrapped so each decipher's algorithm, key, IV, additional data, tag and input are kept; the
// floor then times one fresh decipher per record over those inputs (createDecipheriv, setAAD,
// setAuthTag, update, final), the least any TLS 1.3 decoder built on node:crypto does per record.
//
// Wrapping a built-in is a benchmark's trick, kept here: the TLS layer stays as it runs in
// `read`. syncBuiltinESMExports makes the named import the TLS layer holds see the wrapper.
import crypto, { type DecipherGCM } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

export interface RecordedDecipher {
  algorithm: string;
  /** As the TLS layer gave it: a KeyObject made once per direction's keys, or raw bytes. */
  key: crypto.KeyObject | Buffer;
  iv: Buffer;
  authTagLength: number | undefined;
  aad: Buffer | undefined;
  tag: Buffer | undefined;
  input: Buffer[];
}

/** Starts recording every decipher made; stop() restores node:crypto and returns them. */
export function recordDeciphers(): { stop(): RecordedDecipher[] } {
  const original = crypto.createDecipheriv;
  const recorded: RecordedDecipher[] = [];
  const wrapper = (
    algorithm: string,
    key: crypto.CipherKey,
    iv: crypto.BinaryLike | null,
    options?: { authTagLength?: number },
  ): crypto.Decipher => {
    const d = original(algorithm, key, iv, options as never) as DecipherGCM;
    const r: RecordedDecipher = {
      algorithm,
      key: key instanceof crypto.KeyObject ? key : Buffer.from(key as Buffer),
      iv: Buffer.from(iv as Buffer),
      authTagLength: options?.authTagLength,
      aad: undefined,
      tag: undefined,
      input: [],
    };
    recorded.push(r);
    const setAAD = d.setAAD.bind(d);
    const setAuthTag = d.setAuthTag.bind(d);
    const update = d.update.bind(d) as (b: Buffer) => Buffer;
    d.setAAD = (aad: Buffer) => {
      r.aad = Buffer.from(aad);
      return setAAD(aad);
    };
    d.setAuthTag = (tag: Buffer) => {
      r.tag = Buffer.from(tag);
      return setAuthTag(tag);
    };
    (d as { update: (b: Buffer) => Buffer }).update = (b: Buffer) => {
      r.input.push(Buffer.from(b));
      return update(b);
    };
    return d;
  };
  (crypto as { createDecipheriv: unknown }).createDecipheriv = wrapper;
  syncBuiltinESMExports();
  return {
    stop() {
      (crypto as { createDecipheriv: unknown }).createDecipheriv = original;
      syncBuiltinESMExports();
      return recorded;
    },
  };
}

/** Decrypts every recorded record with a fresh decipher; returns the plaintext bytes. */
export function decryptAll(records: RecordedDecipher[]): number {
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const d = crypto.createDecipheriv(
      r.algorithm as 'aes-256-gcm',
      r.key,
      r.iv,
      r.authTagLength !== undefined ? { authTagLength: r.authTagLength } : undefined,
    );
    if (r.aad) d.setAAD(r.aad);
    if (r.tag) d.setAuthTag(r.tag);
    for (let j = 0; j < r.input.length; j++) bytes += d.update(r.input[j]!).length;
    d.final();
  }
  return bytes;
}
