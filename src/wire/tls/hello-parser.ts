// ClientHello, ServerHello (and HelloRetryRequest), EncryptedExtensions and NewSessionTicket
// bodies (RFC 8446 §4.1–4.3, §4.6.1; RFC 5246 §7.4.1): the facts a reader wants to see, and the
// few (client random, chosen suite and version, encrypt_then_mac) the decryption needs.
import { ByteReader, TruncatedField } from './byte-reader.js';
import { cipherSuite, cipherSuiteName, isGrease } from './cipher-suites.js';
import { groupName, versionName } from './tls-names.js';

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_ENCRYPT_THEN_MAC = 22;
const EXT_EXTENDED_MASTER_SECRET = 23;
const EXT_SESSION_TICKET = 35;
const EXT_PRE_SHARED_KEY = 41;
const EXT_EARLY_DATA = 42;
const EXT_SUPPORTED_VERSIONS = 43;
const EXT_KEY_SHARE = 51;

/** ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3): SHA-256("HelloRetryRequest"). */
export const HELLO_RETRY_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

/** How many suite names a ClientHello's facts list. */
const NAMED_SUITES = 5;
/** Longest list kept from a hello (ALPN names, versions, groups): a hostile hello can hold thousands. */
const MAX_LISTED = 16;

export interface ClientHelloFacts {
  legacyVersion: string;
  random: Buffer;
  sessionId: Buffer;
  sni?: string;
  alpn: string[];
  /** supported_versions, newest first as sent, GREASE left out. */
  versions: string[];
  cipherSuiteCount: number;
  /** The first few suites by name (GREASE left out). */
  cipherSuites: string[];
  /** The TLS 1.3 suites offered that can be decrypted, for trying the 0-RTT keys. */
  tls13SuiteIds: number[];
  keyShareGroups: string[];
  pskOffered: boolean;
  earlyData: boolean;
  sessionTicket: boolean;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
}

export interface ServerHelloFacts {
  helloRetry: boolean;
  random: Buffer;
  sessionId: Buffer;
  /** The negotiated version: supported_versions when present, else legacy_version. */
  version: number;
  cipherSuite: number;
  alpn?: string;
  keyShareGroup?: string;
  pskAccepted: boolean;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
}

interface Extension {
  type: number;
  data: ByteReader;
}

function readExtensions(r: ByteReader): Extension[] {
  const out: Extension[] = [];
  if (r.remaining === 0) return out; // extensions are optional before TLS 1.3
  const all = r.vector(2, 'extensions');
  while (all.remaining > 0) {
    const type = all.u16('extension type');
    out.push({ type, data: all.vector(2, 'extension data') });
  }
  return out;
}

function readAlpnList(r: ByteReader): string[] {
  const list = r.vector(2, 'ALPN list');
  const names: string[] = [];
  while (list.remaining > 0) {
    const name = list.vector(1, 'ALPN name');
    const text = name.bytes(name.remaining).toString('latin1');
    if (names.length < MAX_LISTED) names.push(text);
  }
  return names;
}

function asProblem(err: unknown, what: string): string {
  if (err instanceof TruncatedField) return `${what}: ${err.message}`;
  throw err;
}

/** Parses a ClientHello body; returns an error message when it is malformed. */
export function parseClientHello(body: Buffer): ClientHelloFacts | string {
  try {
    const r = new ByteReader(body);
    const facts: ClientHelloFacts = {
      legacyVersion: versionName(r.u16('legacy_version')),
      random: Buffer.from(r.bytes(32, 'random')),
      sessionId: Buffer.alloc(0),
      alpn: [],
      versions: [],
      cipherSuiteCount: 0,
      cipherSuites: [],
      tls13SuiteIds: [],
      keyShareGroups: [],
      pskOffered: false,
      earlyData: false,
      sessionTicket: false,
      extendedMasterSecret: false,
      encryptThenMac: false,
    };
    const sid = r.vector(1, 'session id');
    facts.sessionId = Buffer.from(sid.bytes(sid.remaining));
    readClientSuites(r.vector(2, 'cipher suites'), facts);
    r.vector(1, 'compression methods');
    for (const ext of readExtensions(r)) readClientExtension(ext, facts);
    return facts;
  } catch (err) {
    return asProblem(err, 'malformed ClientHello');
  }
}

function readClientSuites(suites: ByteReader, facts: ClientHelloFacts): void {
  while (suites.remaining >= 2) {
    const id = suites.u16();
    if (isGrease(id)) continue;
    facts.cipherSuiteCount++;
    if (cipherSuite(id)?.family === 'tls13' && !facts.tls13SuiteIds.includes(id))
      facts.tls13SuiteIds.push(id);
    if (facts.cipherSuites.length < NAMED_SUITES) facts.cipherSuites.push(cipherSuiteName(id));
  }
}

function readClientExtension(ext: Extension, facts: ClientHelloFacts): void {
  const d = ext.data;
  switch (ext.type) {
    case EXT_SERVER_NAME:
      return readServerName(d, facts);
    case EXT_ALPN:
      facts.alpn = readAlpnList(d);
      return;
    case EXT_SUPPORTED_VERSIONS:
      return readSupportedVersions(d, facts);
    case EXT_KEY_SHARE:
      return readKeyShareGroups(d, facts);
    case EXT_PRE_SHARED_KEY:
      facts.pskOffered = true;
      return;
    case EXT_EARLY_DATA:
      facts.earlyData = true;
      return;
    case EXT_SESSION_TICKET:
      facts.sessionTicket = true;
      return;
    case EXT_EXTENDED_MASTER_SECRET:
      facts.extendedMasterSecret = true;
      return;
    case EXT_ENCRYPT_THEN_MAC:
      facts.encryptThenMac = true;
      return;
  }
}

/** The first host name of server_name (SNI). */
function readServerName(d: ByteReader, facts: ClientHelloFacts): void {
  const list = d.vector(2, 'server name list');
  while (list.remaining > 0) {
    const kind = list.u8('server name type');
    const name = list.vector(2, 'server name');
    if (kind === 0 && facts.sni === undefined) facts.sni = name.bytes(name.remaining).toString('latin1');
  }
}

function readSupportedVersions(d: ByteReader, facts: ClientHelloFacts): void {
  const list = d.vector(1, 'supported versions');
  while (list.remaining >= 2) {
    const v = list.u16();
    if (!isGrease(v) && facts.versions.length < MAX_LISTED) facts.versions.push(versionName(v));
  }
}

function readKeyShareGroups(d: ByteReader, facts: ClientHelloFacts): void {
  const list = d.vector(2, 'key shares');
  while (list.remaining > 0) {
    const group = list.u16('key share group');
    list.vector(2, 'key exchange');
    if (!isGrease(group) && facts.keyShareGroups.length < MAX_LISTED)
      facts.keyShareGroups.push(groupName(group));
  }
}

/** Parses a ServerHello body (a HelloRetryRequest too); returns an error message when malformed. */
export function parseServerHello(body: Buffer): ServerHelloFacts | string {
  try {
    const r = new ByteReader(body);
    const legacyVersion = r.u16('legacy_version');
    const random = Buffer.from(r.bytes(32, 'random'));
    const sid = r.vector(1, 'session id');
    const facts: ServerHelloFacts = {
      helloRetry: random.equals(HELLO_RETRY_RANDOM),
      random,
      sessionId: Buffer.from(sid.bytes(sid.remaining)),
      version: legacyVersion,
      cipherSuite: r.u16('cipher suite'),
      pskAccepted: false,
      extendedMasterSecret: false,
      encryptThenMac: false,
    };
    r.u8('compression method');
    for (const ext of readExtensions(r)) {
      const d = ext.data;
      if (ext.type === EXT_SUPPORTED_VERSIONS) facts.version = d.u16('selected version');
      else if (ext.type === EXT_KEY_SHARE) facts.keyShareGroup = groupName(d.u16('key share group'));
      else if (ext.type === EXT_PRE_SHARED_KEY) facts.pskAccepted = true;
      else if (ext.type === EXT_ALPN) facts.alpn = readAlpnList(d)[0];
      else if (ext.type === EXT_EXTENDED_MASTER_SECRET) facts.extendedMasterSecret = true;
      else if (ext.type === EXT_ENCRYPT_THEN_MAC) facts.encryptThenMac = true;
    }
    return facts;
  } catch (err) {
    return asProblem(err, 'malformed ServerHello');
  }
}

/** The ALPN protocol chosen in TLS 1.3 EncryptedExtensions, undefined if none; or an error message. */
export function parseEncryptedExtensions(body: Buffer): { alpn?: string; earlyData: boolean } | string {
  try {
    const r = new ByteReader(body);
    const out: { alpn?: string; earlyData: boolean } = { earlyData: false };
    for (const ext of readExtensions(r)) {
      if (ext.type === EXT_ALPN) out.alpn = readAlpnList(ext.data)[0];
      else if (ext.type === EXT_EARLY_DATA) out.earlyData = true;
    }
    return out;
  } catch (err) {
    return asProblem(err, 'malformed EncryptedExtensions');
  }
}

export interface SessionTicketFacts {
  lifetimeSeconds: number;
  ticketBytes: number;
  /** TLS 1.3: the largest early data the ticket allows, if it allows any. */
  maxEarlyData?: number;
}

/** NewSessionTicket (TLS 1.3 §4.6.1 or TLS 1.2 RFC 5077 §3.3); an error message when malformed. */
export function parseNewSessionTicket(body: Buffer, tls13: boolean): SessionTicketFacts | string {
  try {
    const r = new ByteReader(body);
    const lifetimeSeconds = r.u32('ticket lifetime');
    if (!tls13) return { lifetimeSeconds, ticketBytes: r.vector(2, 'ticket').remaining };
    r.u32('ticket age add');
    r.vector(1, 'ticket nonce');
    const ticketBytes = r.vector(2, 'ticket').remaining;
    const facts: SessionTicketFacts = { lifetimeSeconds, ticketBytes };
    for (const ext of readExtensions(r)) {
      if (ext.type === EXT_EARLY_DATA) facts.maxEarlyData = ext.data.u32('max early data size');
    }
    return facts;
  } catch (err) {
    return asProblem(err, 'malformed NewSessionTicket');
  }
}

/** One line about a ClientHello, for text views. */
export function describeClientHello(h: ClientHelloFacts): string {
  const parts = [`ClientHello${h.sni !== undefined ? ` for ${h.sni}` : ' without a server name (SNI)'}`];
  if (h.versions.length) parts.push(`versions ${h.versions.join(', ')}`);
  else parts.push(`version ${h.legacyVersion}`);
  parts.push(
    `${h.cipherSuiteCount} cipher suites (${h.cipherSuites.join(', ')}${h.cipherSuiteCount > h.cipherSuites.length ? ', …' : ''})`,
  );
  if (h.alpn.length) parts.push(`ALPN ${h.alpn.join(', ')}`);
  if (h.keyShareGroups.length) parts.push(`key shares ${h.keyShareGroups.join(', ')}`);
  if (h.pskOffered) parts.push('offers a pre-shared key (resumption)');
  if (h.earlyData) parts.push('with early data');
  return parts.join('; ');
}

/** One line about a ServerHello or HelloRetryRequest, for text views. */
export function describeServerHello(h: ServerHelloFacts, resumed: boolean): string {
  if (h.helloRetry) {
    const group = h.keyShareGroup ? ` with a ${h.keyShareGroup} key share` : '';
    return `HelloRetryRequest: the server asks for another ClientHello${group}`;
  }
  const alpn = h.alpn !== undefined ? `, ALPN ${h.alpn}` : '';
  return `ServerHello: ${versionName(h.version)}, ${cipherSuiteName(h.cipherSuite)}${alpn}${resumed ? ', session resumed' : ''}`;
}
