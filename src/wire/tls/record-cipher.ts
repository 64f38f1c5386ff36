// Decrypts one direction's records with its keys and sequence number: TLS 1.3 AEAD (RFC 8446
// §5.2–5.3), TLS 1.2 AEAD (RFC 5288, RFC 7905) and TLS 1.2 CBC with HMAC, MAC-then-encrypt
// (RFC 5246 §6.2.3.1) or encrypt-then-MAC (RFC 7366). The ciphers and HMAC are node:crypto's; a
// record that fails its tag, MAC or padding check comes back as a failure, never as data.
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { CipherSuite } from './cipher-suites.js';
import type { TrafficKeys } from './key-schedule.js';
import type { TlsRecord } from './record-parser.js';

const TAG_BYTES = 16;
const GCM_EXPLICIT_NONCE = 8;

export type Opened = { ok: true; contentType: number; plaintext: Buffer } | { ok: false; reason: string };

export interface RecordCipher {
  readonly suite: CipherSuite;
  /** Records opened with these keys so far (the next record's sequence number). */
  readonly sequence: number;
  /** Opens a record; the sequence number advances only when it opens. */
  open(record: TlsRecord): Opened;
  /** Counts a record that did not open: the sender used up its sequence number all the same. */
  skip(): void;
}

/** Options for TLS 1.2 CBC suites. */
export interface CipherOptions {
  tls13: boolean;
  encryptThenMac?: boolean;
}

export function createRecordCipher(
  suite: CipherSuite,
  keys: TrafficKeys,
  options: CipherOptions,
): RecordCipher {
  let sequence = 0;
  const open = options.tls13
    ? (r: TlsRecord) => open13(suite, keys, sequence, r)
    : suite.protection === 'cbc-hmac'
      ? (r: TlsRecord) => openCbc(suite, keys, sequence, r, options.encryptThenMac === true)
      : (r: TlsRecord) => openAead12(suite, keys, sequence, r);
  return {
    suite,
    get sequence() {
      return sequence;
    },
    open(record) {
      const result = open(record);
      if (result.ok) sequence++;
      return result;
    },
    skip() {
      sequence++;
    },
  };
}

/** The 8-byte big-endian sequence number. */
function seqBytes(sequence: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(sequence / 0x100000000), 0);
  b.writeUInt32BE(sequence >>> 0, 4);
  return b;
}

/** The per-record nonce of RFC 8446 §5.3 (also ChaCha20-Poly1305 in TLS 1.2): iv XOR padded seq. */
function xorNonce(iv: Buffer, sequence: number): Buffer {
  const nonce = Buffer.from(iv);
  const seq = seqBytes(sequence);
  for (let i = 0; i < 8; i++) nonce[nonce.length - 8 + i] ^= seq[i]!;
  return nonce;
}

function aeadOpen(
  suite: CipherSuite,
  key: Buffer,
  nonce: Buffer,
  aad: Buffer,
  sealed: Buffer,
): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const body = sealed.subarray(0, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(suite.cipher as 'aes-128-gcm', key, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

function open13(suite: CipherSuite, keys: TrafficKeys, sequence: number, record: TlsRecord): Opened {
  const aad = Buffer.alloc(5);
  aad[0] = record.contentType;
  aad.writeUInt16BE(record.version, 1);
  aad.writeUInt16BE(record.fragment.length, 3);
  const inner = aeadOpen(suite, keys.key, xorNonce(keys.iv, sequence), aad, record.fragment);
  if (!inner) return { ok: false, reason: 'authentication tag does not match' };
  // TLSInnerPlaintext: content, then the real content type, then zero padding.
  let end = inner.length - 1;
  while (end >= 0 && inner[end] === 0) end--;
  if (end < 0) return { ok: false, reason: 'decrypted record has no content type' };
  return { ok: true, contentType: inner[end]!, plaintext: inner.subarray(0, end) };
}

function aad12(sequence: number, record: TlsRecord, length: number): Buffer {
  const aad = Buffer.alloc(13);
  seqBytes(sequence).copy(aad, 0);
  aad[8] = record.contentType;
  aad.writeUInt16BE(record.version, 9);
  aad.writeUInt16BE(length, 11);
  return aad;
}

function openAead12(suite: CipherSuite, keys: TrafficKeys, sequence: number, record: TlsRecord): Opened {
  let nonce: Buffer;
  let sealed: Buffer;
  if (suite.protection === 'aes-gcm') {
    if (record.fragment.length < GCM_EXPLICIT_NONCE + TAG_BYTES)
      return { ok: false, reason: 'record too short' };
    nonce = Buffer.concat([keys.iv, record.fragment.subarray(0, GCM_EXPLICIT_NONCE)]);
    sealed = record.fragment.subarray(GCM_EXPLICIT_NONCE);
  } else {
    nonce = xorNonce(keys.iv, sequence);
    sealed = record.fragment;
  }
  if (sealed.length < TAG_BYTES) return { ok: false, reason: 'record too short' };
  const aad = aad12(sequence, record, sealed.length - TAG_BYTES);
  const plaintext = aeadOpen(suite, keys.key, nonce, aad, sealed);
  if (!plaintext) return { ok: false, reason: 'authentication tag does not match' };
  return { ok: true, contentType: record.contentType, plaintext };
}

function cbcDecrypt(suite: CipherSuite, key: Buffer, iv: Buffer, body: Buffer): Buffer | undefined {
  if (body.length === 0 || body.length % 16 !== 0) return undefined;
  const decipher = createDecipheriv(suite.cipher, key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** Strips TLS CBC padding (every padding byte equals the padding length); undefined when bad. */
function stripPadding(padded: Buffer): Buffer | undefined {
  const pad = padded[padded.length - 1]!;
  if (pad + 1 > padded.length) return undefined;
  for (let i = padded.length - 1 - pad; i < padded.length; i++) if (padded[i] !== pad) return undefined;
  return padded.subarray(0, padded.length - 1 - pad);
}

function mac(
  suite: CipherSuite,
  keys: TrafficKeys,
  sequence: number,
  record: TlsRecord,
  content: Buffer,
): Buffer {
  return createHmac(suite.macHash as string, keys.macKey)
    .update(aad12(sequence, record, content.length))
    .update(content)
    .digest();
}

function openCbc(
  suite: CipherSuite,
  keys: TrafficKeys,
  sequence: number,
  record: TlsRecord,
  etm: boolean,
): Opened {
  const macLength = suite.macLength ?? 0;
  const fragment = record.fragment;
  const bad: Opened = { ok: false, reason: 'MAC or padding check failed' };
  if (etm) {
    if (fragment.length < 16 + macLength) return { ok: false, reason: 'record too short' };
    const covered = fragment.subarray(0, fragment.length - macLength);
    const expected = mac(suite, keys, sequence, record, covered);
    if (!timingSafeEqual(expected, fragment.subarray(fragment.length - macLength))) return bad;
    const padded = cbcDecrypt(suite, keys.key, covered.subarray(0, 16), covered.subarray(16));
    const plaintext = padded && stripPadding(padded);
    if (!plaintext) return bad;
    return { ok: true, contentType: record.contentType, plaintext };
  }
  if (fragment.length < 16 + 16) return { ok: false, reason: 'record too short' };
  const padded = cbcDecrypt(suite, keys.key, fragment.subarray(0, 16), fragment.subarray(16));
  const unpadded = padded && stripPadding(padded);
  if (!unpadded || unpadded.length < macLength) return bad;
  const plaintext = unpadded.subarray(0, unpadded.length - macLength);
  const expected = mac(suite, keys, sequence, record, plaintext);
  if (!timingSafeEqual(expected, unpadded.subarray(plaintext.length))) return bad;
  return { ok: true, contentType: record.contentType, plaintext };
}
