// The handshake side of one TLS connection: what the hellos agreed, the session's secrets from
// the key log, and the handshake messages explained as they arrive. Each message that changes
// which keys a direction uses (the hellos, Finished, EndOfEarlyData, KeyUpdate) sets that
// direction's candidate ciphers here; the record layer (tls-connection.ts) only opens records.
import type { EventBase, Side } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { WireProblemCode } from '../problem-codes.js';
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
import type { SessionSecrets } from './key-store.js';
import type { RecordCipher } from './record-cipher.js';
import { createTlsDirection, type TlsDirection } from './tls-direction.js';
import type { TlsEvent } from './tls-events.js';
import { handshakeTypeName, versionName } from './tls-names.js';
import { noKeysMessage } from './no-keys.js';
import type { TlsConnectionEnv, TlsOptions } from './tls-connection.js';

type EventFields<E> = E extends TlsEvent ? Omit<E, keyof EventBase | 'from'> : never;

const TLS12 = 0x0303;
const TLS13 = 0x0304;

const HANDSHAKE_CLIENT_HELLO = 1;
const HANDSHAKE_SERVER_HELLO = 2;
const HANDSHAKE_NEW_SESSION_TICKET = 4;
const HANDSHAKE_END_OF_EARLY_DATA = 5;
const HANDSHAKE_ENCRYPTED_EXTENSIONS = 8;
const HANDSHAKE_CERTIFICATE = 11;
const HANDSHAKE_FINISHED = 20;
const HANDSHAKE_KEY_UPDATE = 24;

export class TlsSession {
  readonly client: TlsDirection;
  readonly server: TlsDirection;
  hello: ClientHelloFacts | undefined;
  secrets: SessionSecrets | undefined;
  serverHello: ServerHelloFacts | undefined;
  suite: CipherSuite | undefined;
  private noKeysReported = false;

  constructor(
    private readonly env: TlsConnectionEnv,
    readonly clientLabel: Side,
    readonly options: TlsOptions,
  ) {
    const maxHandshake = options.maxHandshakeBytes ?? 256 * 1024;
    const serverLabel: Side = clientLabel === 'client' ? 'server' : 'client';
    this.client = createTlsDirection(clientLabel, 'client', maxHandshake);
    this.server = createTlsDirection(serverLabel, 'server', maxHandshake);
  }

  // ---- events ----

  emit<E extends TlsEvent>(d: TlsDirection, meta: StreamMeta, fields: EventFields<E>): void {
    // `event` first, like every other event in the jsonl view.
    const { event, ...rest } = fields;
    this.env.emit({ event, ...this.env.base(d.label, meta), from: d.role, ...rest } as unknown as TlsEvent);
  }

  problem(
    d: TlsDirection,
    code: WireProblemCode,
    message: string,
    severity: 'warning' | 'error',
    meta: StreamMeta,
  ): void {
    this.env.problem(d.label, code, message, severity, meta);
  }

  /** This direction is no longer followed. */
  stop(d: TlsDirection, code: WireProblemCode, message: string, meta: StreamMeta): void {
    d.dead = true;
    d.ciphers = [];
    this.problem(d, code, message, 'error', meta);
  }

  /** Once per connection: why its records stay encrypted. */
  reportNoKeys(d: TlsDirection, meta: StreamMeta): void {
    if (this.noKeysReported) return;
    this.noKeysReported = true;
    this.problem(
      d,
      'TLS_NO_KEYS',
      noKeysMessage(this.missingKeysReason(), this.hello?.random),
      'warning',
      meta,
    );
  }

  plaintext(d: TlsDirection, body: Buffer, meta: StreamMeta): void {
    this.env.plaintext(d.label, body, meta);
  }

  // ---- keys ----

  tls13(): boolean {
    return this.serverHello !== undefined && this.serverHello.version === TLS13;
  }

  cipher13(secret: Buffer | undefined): RecordCipher[] {
    return tls13Ciphers(this.suite, secret);
  }

  tls12Cipher(d: TlsDirection): RecordCipher[] {
    const master = this.secrets?.CLIENT_RANDOM;
    if (!this.suite || !this.serverHello || !this.hello || !master) return [];
    return tls12Ciphers(this.suite, master, this.hello.random, this.serverHello, d.role);
  }

  /** A ChangeCipherSpec: in TLS 1.2 the sender's next records use the session's keys. */
  changeCipherSpec(d: TlsDirection, meta: StreamMeta): void {
    const summary = this.tls13()
      ? 'ChangeCipherSpec (TLS 1.3 compatibility, no effect)'
      : 'ChangeCipherSpec: what follows from this side is encrypted';
    this.emit(d, meta, { event: 'tls.handshake', message: 'ChangeCipherSpec', summary });
  }

  private missingKeysReason(): string {
    if (!this.hello) return 'the ClientHello was not captured';
    if (!this.options.keys) return 'no key log was given';
    if (!this.secrets) return 'the key log has no secrets for this session';
    if (!this.serverHello) return 'the key log has no CLIENT_EARLY_TRAFFIC_SECRET for its 0-RTT data';
    if (!this.suite) return 'the cipher suite or version is not one that can be decrypted';
    if (this.tls13()) return "the key log lacks some of this session's TLS 1.3 traffic secrets";
    return 'the key log has no CLIENT_RANDOM line for this session';
  }

  // ---- handshake messages ----

  handshake(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    switch (m.type) {
      case HANDSHAKE_CLIENT_HELLO:
        if (d.role === 'client') return this.onClientHello(d, m.body, meta);
        return this.note(d, m, meta, handshakeTypeName(m.type));
      case HANDSHAKE_SERVER_HELLO:
        if (d.role === 'server') return this.onServerHello(d, m.body, meta);
        return this.note(d, m, meta, handshakeTypeName(m.type));
      case HANDSHAKE_ENCRYPTED_EXTENSIONS:
        return this.onEncryptedExtensions(d, m, meta);
      case HANDSHAKE_CERTIFICATE:
        return this.onCertificate(d, m, meta);
      case HANDSHAKE_NEW_SESSION_TICKET:
        return this.onNewSessionTicket(d, m, meta);
      case HANDSHAKE_FINISHED:
        return this.onFinished(d, m, meta);
      case HANDSHAKE_END_OF_EARLY_DATA:
        return this.onEndOfEarlyData(d, m, meta);
      case HANDSHAKE_KEY_UPDATE:
        return this.onKeyUpdate(d, m, meta);
      default:
        return this.note(d, m, meta, handshakeTypeName(m.type));
    }
  }

  private note(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta, summary: string): void {
    this.emit(d, meta, { event: 'tls.handshake', message: handshakeTypeName(m.type), summary });
  }

  private bad(d: TlsDirection, meta: StreamMeta, text: string): void {
    this.problem(d, 'TLS_BAD_HANDSHAKE', text, 'warning', meta);
  }

  private onEncryptedExtensions(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    const ee = parseEncryptedExtensions(m.body);
    if (typeof ee === 'string') return this.bad(d, meta, ee);
    const alpn = ee.alpn !== undefined ? `: ALPN ${ee.alpn} chosen` : '';
    this.note(d, m, meta, `EncryptedExtensions${alpn}${ee.earlyData ? '; early data accepted' : ''}`);
  }

  private onCertificate(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    const chain = parseCertificateMessage(m.body, this.tls13(), this.hello?.sni, meta.ts);
    if (typeof chain === 'string') return this.bad(d, meta, chain);
    this.emit(d, meta, {
      event: 'tls.certificate',
      certificates: chain.certificates,
      nameMismatch: chain.nameMismatch,
      summary: describeChainLine(chain),
    });
  }

  private onNewSessionTicket(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    const ticket = parseNewSessionTicket(m.body, this.tls13());
    if (typeof ticket === 'string') return this.bad(d, meta, ticket);
    const early =
      ticket.maxEarlyData !== undefined ? `, allows ${ticket.maxEarlyData} bytes of early data` : '';
    this.note(
      d,
      m,
      meta,
      `NewSessionTicket: a ${ticket.ticketBytes}-byte ticket for resumption, valid ${ticket.lifetimeSeconds} s${early}`,
    );
  }

  private onFinished(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    this.note(d, m, meta, `Finished: the ${d.role}'s handshake is complete`);
    // TLS 1.3: the sender's next records use its application traffic secret (none logged:
    // they show as encrypted, with TLS_NO_KEYS, rather than failing one by one).
    if (this.tls13()) {
      d.secret = d.applicationSecret;
      d.ciphers = this.cipher13(d.secret);
    }
  }

  private onEndOfEarlyData(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    this.note(d, m, meta, 'EndOfEarlyData: the client switches from 0-RTT keys to handshake keys');
    const handshakeSecret = this.secrets?.CLIENT_HANDSHAKE_TRAFFIC_SECRET;
    if (handshakeSecret) d.ciphers = this.cipher13(handshakeSecret);
  }

  private onKeyUpdate(d: TlsDirection, m: HandshakeMessage, meta: StreamMeta): void {
    const requested = m.body[0] === 1;
    const asks = requested ? ' and asks the peer to do the same' : '';
    this.note(d, m, meta, `KeyUpdate: the ${d.role} switches to its next traffic keys${asks}`);
    if (d.secret && this.suite) {
      d.secret = tls13NextSecret(this.suite, d.secret);
      d.ciphers = this.cipher13(d.secret);
    }
  }

  private onClientHello(d: TlsDirection, body: Buffer, meta: StreamMeta): void {
    const facts = parseClientHello(body);
    if (typeof facts === 'string') return this.bad(d, meta, facts);
    this.hello = facts;
    this.secrets = this.options.keys?.get(facts.random);
    this.emit(d, meta, {
      event: 'tls.client-hello',
      sni: facts.sni,
      alpn: facts.alpn,
      versions: facts.versions.length ? facts.versions : [facts.legacyVersion],
      cipherSuiteCount: facts.cipherSuiteCount,
      cipherSuites: facts.cipherSuites,
      keyShareGroups: facts.keyShareGroups,
      pskOffered: facts.pskOffered,
      earlyData: facts.earlyData,
      keysKnown: this.secrets !== undefined,
      summary: describeClientHello(facts),
    });
    // 0-RTT: the early data's suite is the resumed session's, not yet known: try each offered.
    const early = this.secrets?.CLIENT_EARLY_TRAFFIC_SECRET;
    if (facts.earlyData && early) d.ciphers = earlyDataCiphers(facts.tls13SuiteIds, early);
  }

  private onServerHello(d: TlsDirection, body: Buffer, meta: StreamMeta): void {
    const facts = parseServerHello(body);
    if (typeof facts === 'string') return this.bad(d, meta, facts);
    const hello = this.hello;
    const resumed =
      facts.version === TLS13
        ? facts.pskAccepted
        : facts.sessionId.length > 0 && hello !== undefined && facts.sessionId.equals(hello.sessionId);
    const version = versionName(facts.version);
    const suiteName = cipherSuiteName(facts.cipherSuite);
    this.emit(d, meta, {
      event: 'tls.server-hello',
      version,
      cipherSuite: suiteName,
      alpn: facts.alpn,
      helloRetry: facts.helloRetry,
      resumed,
      encryptThenMac: facts.encryptThenMac,
      extendedMasterSecret: facts.extendedMasterSecret,
      summary: describeServerHello(facts, resumed),
    });
    if (facts.helloRetry) return;
    this.serverHello = facts;
    this.suite = cipherSuite(facts.cipherSuite);
    const unsupported = this.unsupported(facts, version, suiteName);
    if (unsupported !== undefined) {
      this.problem(d, 'TLS_UNSUPPORTED', unsupported, 'warning', meta);
      this.suite = undefined;
      return;
    }
    if (facts.version === TLS13) this.takeTls13HandshakeKeys();
  }

  /** Why this version or suite is not decrypted; undefined when it is. */
  private unsupported(facts: ServerHelloFacts, version: string, suiteName: string): string | undefined {
    if (facts.version !== TLS12 && facts.version !== TLS13)
      return `${version} is not decrypted (TLS 1.2 and 1.3 are)`;
    if (!this.suite || (this.suite.family === 'tls13') !== (facts.version === TLS13))
      return `cipher suite ${suiteName} is not decrypted`;
    return undefined;
  }

  private takeTls13HandshakeKeys(): void {
    const { client, server, secrets } = this;
    server.secret = secrets?.SERVER_HANDSHAKE_TRAFFIC_SECRET;
    server.applicationSecret = secrets?.SERVER_TRAFFIC_SECRET_0;
    server.ciphers = this.cipher13(server.secret);
    client.applicationSecret = secrets?.CLIENT_TRAFFIC_SECRET_0;
    // The client may still be sending 0-RTT data: its handshake keys become the fallback.
    client.secret = secrets?.CLIENT_HANDSHAKE_TRAFFIC_SECRET;
    client.ciphers = [...client.ciphers, ...this.cipher13(client.secret)];
  }
}
