// Decrypts one direction's records with its keys and sequence number: TLS 1.3 AEAD (RFC 8446
// §5.2–5.3), TLS 1.2 AEAD (RFC 5288, RFC 7905) and TLS 1.2 CBC with HMAC, MAC-then-encrypt
// (RFC 5246 §6.2.3.1) or encrypt-then-MAC (RFC 7366). The ciphers and HMAC are node:crypto's; a
// record that fails its tag, MAC or padding check comes back as a failure, never as data.
import { createDecipheriv, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
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
  const aead = suite.protection === 'cbc-hmac' ? undefined : new AeadOpener(suite, keys);
  const open = options.tls13
    ? (r: TlsRecord) => aead!.open13(sequence, r)
    : aead === undefined
      ? (r: TlsRecord) => openCbc(suite, keys, sequence, r, options.encryptThenMac === true)
      : (r: TlsRecord) => aead.open12(sequence, r);
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
  writeSeq(b, 0, sequence);
  return b;
}

/** Writes the 64-bit big-endian sequence number at `at`. */
function writeSeq(into: Buffer, at: number, sequence: number): void {
  into.writeUInt32BE(Math.floor(sequence / 0x100000000), at);
  into.writeUInt32BE(sequence >>> 0, at + 4);
}

/**
 * AEAD records of one direction's keys: the key imported once, and the nonce and additional
 * data written into buffers of its own for each record (no allocation per record but the
 * decrypted bytes).
 */
class AeadOpener {
  private readonly key: KeyObject;
  private readonly nonce: Buffer;
  private readonly aad13 = Buffer.alloc(5);
  private readonly aad12 = Buffer.alloc(13);

  constructor(
    private readonly suite: CipherSuite,
    private readonly keys: TrafficKeys,
  ) {
    this.key = createSecretKey(keys.key);
    this.nonce = Buffer.alloc(suite.protection === 'aes-gcm' && keys.iv.length === 4 ? 12 : keys.iv.length);
  }

  /** TLS 1.3 (RFC 8446 §5.2): the inner plaintext's content type follows the content and padding. */
  open13(sequence: number, record: TlsRecord): Opened {
    const aad = this.aad13;
    aad[0] = record.contentType;
    aad.writeUInt16BE(record.version, 1);
    aad.writeUInt16BE(record.fragment.length, 3);
    const inner = this.run(this.xorNonce(sequence), aad, record.fragment);
    if (!inner) return { ok: false, reason: 'authentication tag does not match' };
    // TLSInnerPlaintext: content, then the real content type, then zero padding.
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return { ok: false, reason: 'decrypted record has no content type' };
    return { ok: true, contentType: inner[end]!, plaintext: inner.subarray(0, end) };
  }

  /** TLS 1.2 AES-GCM (RFC 5288: salt + explicit nonce) and ChaCha20-Poly1305 (RFC 7905). */
  open12(sequence: number, record: TlsRecord): Opened {
    let nonce: Buffer;
    let sealed: Buffer;
    if (this.suite.protection === 'aes-gcm') {
      if (record.fragment.length < GCM_EXPLICIT_NONCE + TAG_BYTES)
        return { ok: false, reason: 'record too short' };
      nonce = this.nonce;
      this.keys.iv.copy(nonce, 0);
      record.fragment.copy(nonce, this.keys.iv.length, 0, GCM_EXPLICIT_NONCE);
      sealed = record.fragment.subarray(GCM_EXPLICIT_NONCE);
    } else {
      nonce = this.xorNonce(sequence);
      sealed = record.fragment;
    }
    if (sealed.length < TAG_BYTES) return { ok: false, reason: 'record too short' };
    const aad = this.aad12;
    writeSeq(aad, 0, sequence);
    aad[8] = record.contentType;
    aad.writeUInt16BE(record.version, 9);
    aad.writeUInt16BE(sealed.length - TAG_BYTES, 11);
    const plaintext = this.run(nonce, aad, sealed);
    if (!plaintext) return { ok: false, reason: 'authentication tag does not match' };
    return { ok: true, contentType: record.contentType, plaintext };
  }

  /** The per-record nonce of RFC 8446 §5.3 (also ChaCha20-Poly1305 in TLS 1.2): iv XOR padded seq. */
  private xorNonce(sequence: number): Buffer {
    const nonce = this.nonce;
    const iv = this.keys.iv;
    iv.copy(nonce, 0);
    const at = nonce.length - 8;
    const hi = Math.floor(sequence / 0x100000000);
    const lo = sequence >>> 0;
    nonce.writeUInt32BE((nonce.readUInt32BE(at) ^ hi) >>> 0, at);
    nonce.writeUInt32BE((nonce.readUInt32BE(at + 4) ^ lo) >>> 0, at + 4);
    return nonce;
  }

  /** Decrypts and authenticates; undefined when the tag does not match. */
  private run(nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
    if (sealed.length < TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv(this.suite.cipher as 'aes-128-gcm', this.key, nonce, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      // An AEAD stream cipher gives all its bytes from update(); final() checks the tag.
      decipher.final();
      return plaintext;
    } catch {
      return undefined;
    }
  }
}

function aad12(sequence: number, record: TlsRecord, length: number): Buffer {
  const aad = Buffer.alloc(13);
  seqBytes(sequence).copy(aad, 0);
  aad[8] = record.contentType;
  aad.writeUInt16BE(record.version, 9);
  aad.writeUInt16BE(length, 11);
  return aad;
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
