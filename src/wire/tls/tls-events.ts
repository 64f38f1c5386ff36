// The events the TLS layer adds to the decoder's vocabulary. Like every WireEvent they are a
// public interface (the jsonl view prints them): add fields, never rename.
import type { EventBase, Side } from '../events.js';
import type { CertificateFacts } from './certificate.js';

interface TlsBase extends EventBase {
  from: Side;
}

export interface TlsClientHelloEvent extends TlsBase {
  event: 'tls.client-hello';
  sni?: string;
  alpn: string[];
  /** supported_versions offered, or the legacy version when there is none. */
  versions: string[];
  cipherSuiteCount: number;
  /** The first few suites offered, by name. */
  cipherSuites: string[];
  keyShareGroups: string[];
  pskOffered: boolean;
  earlyData: boolean;
  /** Secrets for this session were found in the key log. */
  keysKnown: boolean;
  summary: string;
}

export interface TlsServerHelloEvent extends TlsBase {
  event: 'tls.server-hello';
  version: string;
  cipherSuite: string;
  /** ALPN chosen (TLS 1.2 ServerHello, or TLS 1.3 EncryptedExtensions when decrypted). */
  alpn?: string;
  helloRetry: boolean;
  /** TLS 1.3 with a pre-shared key, or TLS 1.2 with the client's session id echoed: resumed. */
  resumed: boolean;
  /** TLS 1.2: encrypt_then_mac (RFC 7366) agreed (it matters for CBC suites only). */
  encryptThenMac: boolean;
  /** TLS 1.2: extended_master_secret (RFC 7627) agreed. */
  extendedMasterSecret: boolean;
  summary: string;
}

export interface TlsCertificateEvent extends TlsBase {
  event: 'tls.certificate';
  certificates: CertificateFacts[];
  nameMismatch?: string;
  summary: string;
}

export interface TlsAlertEvent extends TlsBase {
  event: 'tls.alert';
  level: 'warning' | 'fatal' | 'unknown';
  description: string;
  /** Plain-language meaning: "the client does not trust the certificate's issuer (unknown_ca)". */
  meaning: string;
  /** The alert was sent encrypted (and decrypted here). */
  encrypted: boolean;
}

/** Other handshake messages, change_cipher_spec and key changes, one line each. */
export interface TlsHandshakeEvent extends TlsBase {
  event: 'tls.handshake';
  /** 'ChangeCipherSpec', 'Finished', 'EncryptedExtensions', 'NewSessionTicket', 'KeyUpdate' … */
  message: string;
  summary: string;
}

/** A record that could not be decrypted (no keys): its size only. */
export interface TlsEncryptedEvent extends TlsBase {
  event: 'tls.encrypted';
  bytes: number;
  summary: string;
}

export type TlsEvent =
  | TlsClientHelloEvent
  | TlsServerHelloEvent
  | TlsCertificateEvent
  | TlsAlertEvent
  | TlsHandshakeEvent
  | TlsEncryptedEvent;
