// One TLS connection seen from the wire: records each way, the handshake explained, and, with
// the session's secrets from a KeyStore, every protected record decrypted. Application data is
// handed on per direction exactly as a clear TCP stream would be, so whatever decodes the clear
// protocol (HTTP, WebSocket) works on it unchanged. Nothing here throws on bad input: trouble is
// a problem with a stable code.
import type { EventBase, Side } from '../events.js';
import type { StreamMeta } from '../stream.js';
import { parseCertificateMessage, describeChainLine } from './certificate.js';
import { cipherSuite, cipherSuiteName, type CipherSuite } from './cipher-suites.js';
import {
  describeClientHello,
  describeServerHello,
  parseClientHello,
  parseEncryptedExtensions,
  parseNewSessionTicket,
  parseServerHello,
  type ClientHelloFacts,
  type ServerHelloFacts,
} from './hello-parser.js';
import type { HandshakeMessage } from './handshake-reassembler.js';
import { tls13NextSecret } from './key-schedule.js';
import { earlyDataCiphers, tls12Ciphers, tls13Ciphers } from './session-ciphers.js';
import type { KeyStore, SessionSecrets } from './key-store.js';
import type { KeyWaiter } from './key-waiter.js';
import type { RecordCipher } from './record-cipher.js';
import {
  CONTENT_ALERT,
  CONTENT_APPLICATION_DATA,
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  type TlsRecord,
} from './record-parser.js';
import { createTlsDirection, openRecord, type TlsDirection } from './tls-direction.js';
import type { TlsEvent } from './tls-events.js';
import { describeAlert, handshakeTypeName, versionName } from './tls-names.js';
import { noKeysMessage } from './no-keys.js';
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

type EventFields<E> = E extends TlsEvent ? Omit<E, keyof EventBase | 'from'> : never;

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

const TLS12 = 0x0303;
const TLS13 = 0x0304;

export function createTlsConnection(
  env: TlsConnectionEnv,
  clientLabel: Side,
  options: TlsOptions = {},
): TlsConnection {
  const maxHandshake = options.maxHandshakeBytes ?? 256 * 1024;
  const maxFailures = options.maxDecryptFailures ?? 3;
  const serverLabel: Side = clientLabel === 'client' ? 'server' : 'client';
  const dirs: Record<Side, TlsDirection> = {
    client: createTlsDirection(clientLabel, 'client', maxHandshake),
    server: createTlsDirection(serverLabel, 'server', maxHandshake),
  };
  const byLabel = (label: Side): TlsDirection => (label === clientLabel ? dirs.client : dirs.server);
  let hello: ClientHelloFacts | undefined;
  let secrets: SessionSecrets | undefined;
  let serverHello: ServerHelloFacts | undefined;
  let suite: CipherSuite | undefined;
  let noKeysReported = false;

  function emit<E extends TlsEvent>(d: TlsDirection, meta: StreamMeta, fields: EventFields<E>): void {
    // `event` first, like every other event in the jsonl view.
    const { event, ...rest } = fields;
    env.emit({ event, ...env.base(d.label, meta), from: d.role, ...rest } as unknown as TlsEvent);
  }

  const problem = (
    d: TlsDirection,
    code: WireProblemCode,
    message: string,
    severity: 'warning' | 'error',
    meta: StreamMeta,
  ) => env.problem(d.label, code, message, severity, meta);

  function stop(d: TlsDirection, code: WireProblemCode, message: string, meta: StreamMeta): void {
    d.dead = true;
    d.ciphers = [];
    problem(d, code, message, 'error', meta);
  }

  function reportNoKeys(d: TlsDirection, meta: StreamMeta, why: string): void {
    if (noKeysReported) return;
    noKeysReported = true;
    problem(d, 'TLS_NO_KEYS', noKeysMessage(why, hello?.random), 'warning', meta);
  }

  const tls13 = (): boolean => serverHello !== undefined && serverHello.version === TLS13;

  const cipher13 = (secret: Buffer | undefined): RecordCipher[] => tls13Ciphers(suite, secret);

  // ---- records ----

  function onRecord(d: TlsDirection, record: TlsRecord, meta: StreamMeta): void {
    if (record.contentType === CONTENT_CHANGE_CIPHER_SPEC && !d.changedCipher) {
      emit(d, meta, {
        event: 'tls.handshake',
        message: 'ChangeCipherSpec',
        summary: changeCipherSpecSummary(),
      });
      // In TLS 1.3 it is a compatibility no-op (and may come before the ServerHello); in TLS 1.2
      // it follows the ServerHello and the sender's next records are protected.
      if (serverHello !== undefined && !tls13()) {
        d.changedCipher = true;
        d.ciphers = tls12Cipher(d);
      }
      return;
    }
    const protectedRecord = d.changedCipher || record.contentType === CONTENT_APPLICATION_DATA;
    if (!protectedRecord) {
      dispatch(d, record.contentType, record.fragment, false, meta);
      return;
    }
    if (d.ciphers.length === 0) {
      // TLS 1.2 keeps the real content type outside; TLS 1.3 always says application data.
      const what =
        record.contentType === CONTENT_HANDSHAKE
          ? 'an encrypted handshake message'
          : record.contentType === CONTENT_ALERT
            ? 'an encrypted alert'
            : 'encrypted application data';
      emit(d, meta, {
        event: 'tls.encrypted',
        bytes: record.fragment.length,
        summary: `${record.fragment.length} bytes of ${what}`,
      });
      if (d.failures < maxFailures) reportNoKeys(d, meta, missingKeysReason());
      return;
    }
    const opened = openRecord(d, record);
    if (!opened.ok) {
      d.failures++;
      if (d.failures > maxFailures) return;
      const last = d.failures === maxFailures ? '; later records of this direction are not decrypted' : '';
      problem(
        d,
        'TLS_DECRYPT_FAILED',
        `a ${record.fragment.length}-byte record from the ${d.role} does not decrypt (${opened.reason}): not shown${last}`,
        'error',
        meta,
      );
      if (d.failures === maxFailures) d.ciphers = [];
      return;
    }
    dispatch(d, opened.contentType, opened.plaintext, true, meta);
  }

  function dispatch(d: TlsDirection, type: number, body: Buffer, encrypted: boolean, meta: StreamMeta): void {
    if (type === CONTENT_APPLICATION_DATA) {
      if (encrypted) {
        if (body.length) env.plaintext(d.label, body, meta);
      } else
        problem(
          d,
          'TLS_DATA_BEFORE_KEYS',
          'application data sent before encryption was set up',
          'warning',
          meta,
        );
    } else if (type === CONTENT_ALERT) {
      for (let i = 0; i + 1 < body.length; i += 2) {
        const alert = describeAlert(body[i]!, body[i + 1]!);
        emit(d, meta, { event: 'tls.alert', ...alert, encrypted });
      }
    } else if (type === CONTENT_CHANGE_CIPHER_SPEC && encrypted && !tls13()) {
      // TLS 1.2 renegotiation: the new handshake's keys take over from here.
      emit(d, meta, {
        event: 'tls.handshake',
        message: 'ChangeCipherSpec',
        summary: changeCipherSpecSummary(),
      });
      d.ciphers = tls12Cipher(d);
    } else if (type === CONTENT_HANDSHAKE) {
      const messages = d.handshake.push(body);
      if (typeof messages === 'string') {
        stop(d, 'TLS_HANDSHAKE_TOO_LARGE', messages, meta);
        return;
      }
      for (const message of messages) onHandshake(d, message, meta);
    }
  }

  // ---- handshake ----

  function onHandshake(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    const name = handshakeTypeName(m.type);
    const bad = (text: string) => problem(d, 'TLS_BAD_HANDSHAKE', text, 'warning', meta);
    const note = (summary: string) => emit(d, meta, { event: 'tls.handshake', message: name, summary });
    switch (m.type) {
      case 1:
        if (d.role === 'client') return onClientHello(d, m.body, meta);
        return note(name);
      case 2:
        if (d.role === 'server') return onServerHello(d, m.body, meta);
        return note(name);
      case 8: {
        const ee = parseEncryptedExtensions(m.body);
        if (typeof ee === 'string') return bad(ee);
        return note(
          `EncryptedExtensions${ee.alpn !== undefined ? `: ALPN ${ee.alpn} chosen` : ''}${ee.earlyData ? '; early data accepted' : ''}`,
        );
      }
      case 11: {
        const chain = parseCertificateMessage(m.body, tls13(), hello?.sni, meta.ts);
        if (typeof chain === 'string') return bad(chain);
        const summary = describeChainLine(chain);
        emit(d, meta, {
          event: 'tls.certificate',
          certificates: chain.certificates,
          nameMismatch: chain.nameMismatch,
          summary,
        });
        return;
      }
      case 4: {
        const ticket = parseNewSessionTicket(m.body, tls13());
        if (typeof ticket === 'string') return bad(ticket);
        const early =
          ticket.maxEarlyData !== undefined ? `, allows ${ticket.maxEarlyData} bytes of early data` : '';
        return note(
          `NewSessionTicket: a ${ticket.ticketBytes}-byte ticket for resumption, valid ${ticket.lifetimeSeconds} s${early}`,
        );
      }
      case 20:
        note(`Finished: the ${d.role}'s handshake is complete`);
        // TLS 1.3: the sender's next records use its application traffic secret (none logged:
        // they show as encrypted, with TLS_NO_KEYS, rather than failing one by one).
        if (tls13()) {
          d.secret = d.applicationSecret;
          d.ciphers = cipher13(d.secret);
        }
        return;
      case 5:
        note('EndOfEarlyData: the client switches from 0-RTT keys to handshake keys');
        if (secrets?.CLIENT_HANDSHAKE_TRAFFIC_SECRET)
          d.ciphers = cipher13(secrets.CLIENT_HANDSHAKE_TRAFFIC_SECRET);
        return;
      case 24: {
        const requested = m.body[0] === 1;
        note(
          `KeyUpdate: the ${d.role} switches to its next traffic keys${requested ? ' and asks the peer to do the same' : ''}`,
        );
        if (d.secret && suite) {
          d.secret = tls13NextSecret(suite, d.secret);
          d.ciphers = cipher13(d.secret);
        }
        return;
      }
      default:
        return note(name);
    }
  }

  function onClientHello(d: TlsDirection, body: Buffer, meta: StreamMeta): void {
    const facts = parseClientHello(body);
    if (typeof facts === 'string') {
      problem(d, 'TLS_BAD_HANDSHAKE', facts, 'warning', meta);
      return;
    }
    hello = facts;
    secrets = options.keys?.get(facts.random);
    emit(d, meta, {
      event: 'tls.client-hello',
      sni: facts.sni,
      alpn: facts.alpn,
      versions: facts.versions.length ? facts.versions : [facts.legacyVersion],
      cipherSuiteCount: facts.cipherSuiteCount,
      cipherSuites: facts.cipherSuites,
      keyShareGroups: facts.keyShareGroups,
      pskOffered: facts.pskOffered,
      earlyData: facts.earlyData,
      keysKnown: secrets !== undefined,
      summary: describeClientHello(facts),
    });
    // 0-RTT: the early data's suite is the resumed session's, not yet known: try each offered.
    const early = secrets?.CLIENT_EARLY_TRAFFIC_SECRET;
    if (facts.earlyData && early) d.ciphers = earlyDataCiphers(facts.tls13SuiteIds, early);
  }

  function onServerHello(d: TlsDirection, body: Buffer, meta: StreamMeta): void {
    const facts = parseServerHello(body);
    if (typeof facts === 'string') {
      problem(d, 'TLS_BAD_HANDSHAKE', facts, 'warning', meta);
      return;
    }
    const resumed =
      facts.version === TLS13
        ? facts.pskAccepted
        : facts.sessionId.length > 0 && hello !== undefined && facts.sessionId.equals(hello.sessionId);
    const version = versionName(facts.version);
    const suiteName = cipherSuiteName(facts.cipherSuite);
    const summary = describeServerHello(facts, resumed);
    emit(d, meta, {
      event: 'tls.server-hello',
      version,
      cipherSuite: suiteName,
      alpn: facts.alpn,
      helloRetry: facts.helloRetry,
      resumed,
      encryptThenMac: facts.encryptThenMac,
      extendedMasterSecret: facts.extendedMasterSecret,
      summary,
    });
    if (facts.helloRetry) return;
    serverHello = facts;
    suite = cipherSuite(facts.cipherSuite);
    if (facts.version !== TLS12 && facts.version !== TLS13) {
      problem(d, 'TLS_UNSUPPORTED', `${version} is not decrypted (TLS 1.2 and 1.3 are)`, 'warning', meta);
      suite = undefined;
      return;
    }
    if (!suite || (suite.family === 'tls13') !== (facts.version === TLS13)) {
      problem(d, 'TLS_UNSUPPORTED', `cipher suite ${suiteName} is not decrypted`, 'warning', meta);
      suite = undefined;
      return;
    }
    if (facts.version === TLS13) {
      dirs.server.secret = secrets?.SERVER_HANDSHAKE_TRAFFIC_SECRET;
      dirs.server.applicationSecret = secrets?.SERVER_TRAFFIC_SECRET_0;
      dirs.server.ciphers = cipher13(dirs.server.secret);
      dirs.client.applicationSecret = secrets?.CLIENT_TRAFFIC_SECRET_0;
      // The client may still be sending 0-RTT data: its handshake keys become the fallback.
      dirs.client.secret = secrets?.CLIENT_HANDSHAKE_TRAFFIC_SECRET;
      dirs.client.ciphers = [...dirs.client.ciphers, ...cipher13(dirs.client.secret)];
    }
  }

  function tls12Cipher(d: TlsDirection): RecordCipher[] {
    const master = secrets?.CLIENT_RANDOM;
    if (!suite || !serverHello || !hello || !master) return [];
    return tls12Ciphers(suite, master, hello.random, serverHello, d.role);
  }

  function missingKeysReason(): string {
    if (!hello) return 'the ClientHello was not captured';
    if (!options.keys) return 'no key log was given';
    if (!secrets) return 'the key log has no secrets for this session';
    if (!serverHello) return 'the key log has no CLIENT_EARLY_TRAFFIC_SECRET for its 0-RTT data';
    if (!suite) return 'the cipher suite or version is not one that can be decrypted';
    if (tls13()) return "the key log lacks some of this session's TLS 1.3 traffic secrets";
    return 'the key log has no CLIENT_RANDOM line for this session';
  }

  function changeCipherSpecSummary(): string {
    return tls13()
      ? 'ChangeCipherSpec (TLS 1.3 compatibility, no effect)'
      : 'ChangeCipherSpec: what follows from this side is encrypted';
  }

  return {
    data(label, bytes, meta) {
      const d = byLabel(label);
      if (d.dead) return;
      const records = d.records.push(bytes);
      for (const record of records) {
        if (d.dead) return;
        onRecord(d, record, meta);
      }
      if (d.records.failure !== undefined && !d.dead) {
        stop(
          d,
          'TLS_BAD_RECORD',
          `the ${d.role}'s stream is no longer TLS records (${d.records.failure})`,
          meta,
        );
      }
    },
    gap(label, meta) {
      const d = byLabel(label);
      if (d.dead) return;
      stop(
        d,
        'TLS_GAP',
        `bytes from the ${d.role} were not captured: its later TLS records cannot be followed`,
        meta,
      );
    },
    get pendingBytes() {
      const { client, server } = dirs;
      return (
        client.records.pendingBytes +
        server.records.pendingBytes +
        client.handshake.pendingBytes +
        server.handshake.pendingBytes
      );
    },
  };
}
