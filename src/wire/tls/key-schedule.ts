// Key schedules, written out by hand over node:crypto's HMAC: TLS 1.3 HKDF-Expand-Label
// (RFC 8446 §7.1, §7.2, §7.3) from the traffic secrets a key log gives, and the TLS 1.2 PRF key
// block (RFC 5246 §5, §6.3) from the master secret.
import { createHmac } from 'node:crypto';
import type { CipherSuite } from './cipher-suites.js';

export type HashName = 'sha256' | 'sha384';
export const HASH_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48 };

/** HKDF-Expand (RFC 5869 §2.3). */
export function hkdfExpand(hash: HashName, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  let have = 0;
  for (let i = 1; have < length; i++) {
    previous = createHmac(hash, prk).update(previous).update(info).update(Buffer.of(i)).digest();
    blocks.push(previous);
    have += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Expand-Label(secret, label, context, length) with the "tls13 " prefix. */
export function hkdfExpandLabel(
  hash: HashName,
  secret: Buffer,
  label: string,
  context: Buffer,
  length: number,
): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.of(length >> 8, length & 0xff, fullLabel.length),
    fullLabel,
    Buffer.of(context.length),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

export interface TrafficKeys {
  key: Buffer;
  iv: Buffer;
  /** CBC suites: the HMAC key (empty for AEAD suites). */
  macKey: Buffer;
}

/** TLS 1.3 write key and IV from a traffic secret (RFC 8446 §7.3). */
export function tls13TrafficKeys(suite: CipherSuite, secret: Buffer): TrafficKeys {
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), suite.ivLength),
    macKey: Buffer.alloc(0),
  };
}

/** The traffic secret after a KeyUpdate (RFC 8446 §7.2). */
export function tls13NextSecret(suite: CipherSuite, secret: Buffer): Buffer {
  return hkdfExpandLabel(suite.hash, secret, 'traffic upd', Buffer.alloc(0), HASH_LENGTH[suite.hash]);
}

/** The TLS 1.2 PRF: P_hash(secret, label + seed) (RFC 5246 §5). */
export function tls12Prf(
  hash: HashName,
  secret: Buffer,
  label: string,
  seed: Buffer,
  length: number,
): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a = labelSeed;
  let have = 0;
  while (have < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** TLS 1.2 client and server write keys from the master secret (RFC 5246 §6.3). */
export function tls12KeyBlock(
  suite: CipherSuite,
  masterSecret: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
): { client: TrafficKeys; server: TrafficKeys } {
  const macLength = suite.protection === 'cbc-hmac' ? (suite.macLength ?? 0) : 0;
  // CBC suites in TLS 1.2 carry an explicit IV per record: no IV comes from the key block.
  const ivLength = suite.protection === 'cbc-hmac' ? 0 : suite.ivLength;
  const total = 2 * (macLength + suite.keyLength + ivLength);
  const block = tls12Prf(
    suite.hash,
    masterSecret,
    'key expansion',
    Buffer.concat([serverRandom, clientRandom]),
    total,
  );
  let at = 0;
  const take = (n: number): Buffer => block.subarray(at, (at += n));
  const clientMac = take(macLength);
  const serverMac = take(macLength);
  const clientKey = take(suite.keyLength);
  const serverKey = take(suite.keyLength);
  const clientIv = take(ivLength);
  const serverIv = take(ivLength);
  return {
    client: { key: clientKey, iv: clientIv, macKey: clientMac },
    server: { key: serverKey, iv: serverIv, macKey: serverMac },
  };
}
