// One TLS connection seen from the wire: records each way, the handshake explained, and, with
// the session's secrets from a KeyStore, every protected record decrypted. Application data is
// handed on per direction exactly as a clear TCP stream would be, so whatever decodes the clear
// protocol (HTTP, WebSocket) works on it unchanged. Nothing here throws on bad input: trouble is
// a problem with a stable code.
import type { EventBase, Side } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { KeyStore } from './key-store.js';
import type { KeyWaiter } from './key-waiter.js';
import {
  CONTENT_ALERT,
  CONTENT_APPLICATION_DATA,
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  type TlsRecord,
} from './record-parser.js';
import { openRecord, type TlsDirection } from './tls-direction.js';
import type { TlsEvent } from './tls-events.js';
import { describeAlert } from './tls-names.js';
import { TlsSession } from './tls-session.js';
import type { WireProblemCode } from '../problem-codes.js';

export interface TlsOptions {
  /** Where session secrets come from; none: nothing is decrypted. */
  keys?: KeyStore;
  /** While live: new connections without secrets wait a bounded while for them (a growing key log). */
  waiter?: KeyWaiter;
  /** Bounds of the wait for secrets (the live waiter's, and a pcapng file's by capture time). */
  keyWait?: { maxWaitMs?: number; maxBytes?: number };
  /** Largest handshake message reassembled (default 256 KiB). */
  maxHandshakeBytes?: number;
  /** TLS_DECRYPT_FAILED problems reported per direction before it gives up (default 3). */
  maxDecryptFailures?: number;
}

export interface TlsConnectionEnv {
  /** Fields of an event about bytes sent by the side labelled `label`. */
  base(label: Side, meta: StreamMeta): EventBase;
  emit(event: TlsEvent): void;
  problem(
    label: Side,
    code: WireProblemCode,
    message: string,
    severity: 'warning' | 'error',
    meta: StreamMeta,
  ): void;
  /** Decrypted application data from the side labelled `label`. */
  plaintext(label: Side, bytes: Buffer, meta: StreamMeta): void;
}

export interface TlsConnection {
  data(label: Side, bytes: Buffer, meta: StreamMeta): void;
  gap(label: Side, meta: StreamMeta): void;
  /** Bytes held for unfinished records and handshake messages, both directions. */
  readonly pendingBytes: number;
}

export function createTlsConnection(
  env: TlsConnectionEnv,
  clientLabel: Side,
  options: TlsOptions = {},
): TlsConnection {
  return new TlsRecordLayer(new TlsSession(env, clientLabel, options), options.maxDecryptFailures ?? 3);
}

/**
 * The record layer: each direction's bytes cut into records, each record opened with the
 * direction's current keys (or shown as encrypted without them), and its content handed to the
 * handshake (TlsSession), the alert reader, or on as plaintext.
 */
class TlsRecordLayer implements TlsConnection {
  constructor(
    private readonly session: TlsSession,
    private readonly maxFailures: number,
  ) {}

  data(label: Side, bytes: Buffer, meta: StreamMeta): void {
    const d = this.byLabel(label);
    if (d.dead) return;
    const records = d.records.push(bytes);
    for (const record of records) {
      if (d.dead) return;
      this.onRecord(d, record, meta);
    }
    if (d.records.failure !== undefined && !d.dead) {
      const why = `the ${d.role}'s stream is no longer TLS records (${d.records.failure})`;
      this.session.stop(d, 'TLS_BAD_RECORD', why, meta);
    }
  }

  gap(label: Side, meta: StreamMeta): void {
    const d = this.byLabel(label);
    if (d.dead) return;
    const why = `bytes from the ${d.role} were not captured: its later TLS records cannot be followed`;
    this.session.stop(d, 'TLS_GAP', why, meta);
  }

  get pendingBytes(): number {
    const { client, server } = this.session;
    return (
      client.records.pendingBytes +
      server.records.pendingBytes +
      client.handshake.pendingBytes +
      server.handshake.pendingBytes
    );
  }

  private byLabel(label: Side): TlsDirection {
    return label === this.session.clientLabel ? this.session.client : this.session.server;
  }

  private onRecord(d: TlsDirection, record: TlsRecord, meta: StreamMeta): void {
    if (record.contentType === CONTENT_CHANGE_CIPHER_SPEC && !d.changedCipher) {
      this.onChangeCipherSpec(d, meta);
      return;
    }
    const protectedRecord = d.changedCipher || record.contentType === CONTENT_APPLICATION_DATA;
    if (!protectedRecord) {
      this.dispatch(d, record.contentType, record.fragment, false, meta);
    } else if (d.ciphers.length === 0) {
      this.onEncryptedWithoutKeys(d, record, meta);
    } else {
      const opened = openRecord(d, record);
      if (opened.ok) this.dispatch(d, opened.contentType, opened.plaintext, true, meta);
      else this.onDecryptFailed(d, record, opened.reason, meta);
    }
  }

  private onChangeCipherSpec(d: TlsDirection, meta: StreamMeta): void {
    const session = this.session;
    session.changeCipherSpec(d, meta);
    // In TLS 1.3 it is a compatibility no-op (and may come before the ServerHello); in TLS 1.2
    // it follows the ServerHello and the sender's next records are protected.
    if (session.serverHello !== undefined && !session.tls13()) {
      d.changedCipher = true;
      d.ciphers = session.tls12Cipher(d);
    }
  }

  private onEncryptedWithoutKeys(d: TlsDirection, record: TlsRecord, meta: StreamMeta): void {
    // TLS 1.2 keeps the real content type outside; TLS 1.3 always says application data.
    const what =
      record.contentType === CONTENT_HANDSHAKE
        ? 'an encrypted handshake message'
        : record.contentType === CONTENT_ALERT
          ? 'an encrypted alert'
          : 'encrypted application data';
    const bytes = record.fragment.length;
    this.session.emit(d, meta, { event: 'tls.encrypted', bytes, summary: `${bytes} bytes of ${what}` });
    if (d.failures < this.maxFailures) this.session.reportNoKeys(d, meta);
  }

  private onDecryptFailed(d: TlsDirection, record: TlsRecord, reason: string, meta: StreamMeta): void {
    d.failures++;
    if (d.failures > this.maxFailures) return;
    const last = d.failures === this.maxFailures ? '; later records of this direction are not decrypted' : '';
    this.session.problem(
      d,
      'TLS_DECRYPT_FAILED',
      `a ${record.fragment.length}-byte record from the ${d.role} does not decrypt (${reason}): not shown${last}`,
      'error',
      meta,
    );
    if (d.failures === this.maxFailures) d.ciphers = [];
  }

  private dispatch(d: TlsDirection, type: number, body: Buffer, encrypted: boolean, meta: StreamMeta): void {
    const session = this.session;
    if (type === CONTENT_APPLICATION_DATA) {
      if (!encrypted) {
        const why = 'application data sent before encryption was set up';
        session.problem(d, 'TLS_DATA_BEFORE_KEYS', why, 'warning', meta);
      } else if (body.length) session.plaintext(d, body, meta);
    } else if (type === CONTENT_ALERT) {
      for (let i = 0; i + 1 < body.length; i += 2) {
        const alert = describeAlert(body[i]!, body[i + 1]!);
        session.emit(d, meta, { event: 'tls.alert', ...alert, encrypted });
      }
    } else if (type === CONTENT_CHANGE_CIPHER_SPEC && encrypted && !session.tls13()) {
      // TLS 1.2 renegotiation: the new handshake's keys take over from here.
      session.changeCipherSpec(d, meta);
      d.ciphers = session.tls12Cipher(d);
    } else if (type === CONTENT_HANDSHAKE) {
      const messages = d.handshake.push(body);
      if (typeof messages === 'string') {
        session.stop(d, 'TLS_HANDSHAKE_TOO_LARGE', messages, meta);
        return;
      }
      for (const message of messages) session.handshake(d, message, meta);
    }
  }
}
