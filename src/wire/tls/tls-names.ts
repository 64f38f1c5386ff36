// Names and plain-language meanings for the numbers a TLS handshake carries: versions, groups,
// handshake message types and alerts.
import { isGrease } from './cipher-suites.js';

/** "TLS 1.2" for 0x0303 and so on. */
export function versionName(version: number): string {
  switch (version) {
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
    default:
      if (isGrease(version)) return 'GREASE';
      return `0x${version.toString(16).padStart(4, '0')}`;
  }
}

const GROUPS: Record<number, string> = {
  0x0017: 'secp256r1',
  0x0018: 'secp384r1',
  0x0019: 'secp521r1',
  0x001d: 'x25519',
  0x001e: 'x448',
  0x0100: 'ffdhe2048',
  0x0101: 'ffdhe3072',
  0x0102: 'ffdhe4096',
  0x11ec: 'X25519MLKEM768',
  0x6399: 'X25519Kyber768Draft00',
};

/** A named group's name ("x25519"), "GREASE", or its number in hex. */
export function groupName(group: number): string {
  if (GROUPS[group]) return GROUPS[group];
  if (isGrease(group)) return 'GREASE';
  return `0x${group.toString(16).padStart(4, '0')}`;
}

const HANDSHAKE_TYPES: Record<number, string> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  22: 'CertificateStatus',
  24: 'KeyUpdate',
  254: 'MessageHash',
};

export function handshakeTypeName(type: number): string {
  return HANDSHAKE_TYPES[type] ?? `handshake type ${type}`;
}

/** Alert descriptions (RFC 8446 §6, RFC 5246 §7.2) with what they usually mean in practice. */
const ALERTS: Record<number, [string, string]> = {
  0: ['close_notify', 'the sender closes the connection cleanly'],
  10: ['unexpected_message', 'a message arrived that the protocol does not allow at this point'],
  20: ['bad_record_mac', 'a record failed authentication (corrupted, or the keys do not match)'],
  21: ['decryption_failed', 'a record could not be decrypted'],
  22: ['record_overflow', 'a record was longer than allowed'],
  40: [
    'handshake_failure',
    'the two sides could not agree on security parameters (versions, cipher suites or groups)',
  ],
  42: ['bad_certificate', 'a certificate was corrupt or its signature did not verify'],
  43: ['unsupported_certificate', 'a certificate was of an unsupported type'],
  44: ['certificate_revoked', 'a certificate was revoked by its issuer'],
  45: ['certificate_expired', 'a certificate has expired or is not yet valid'],
  46: [
    'certificate_unknown',
    'the certificate was refused for another reason (often self-signed or the wrong name)',
  ],
  47: ['illegal_parameter', 'a handshake field was out of range or inconsistent'],
  48: ['unknown_ca', "the client does not trust the certificate's issuer"],
  49: ['access_denied', 'the peer refuses access (valid certificate, but not allowed)'],
  50: ['decode_error', 'a message could not be decoded'],
  51: ['decrypt_error', 'a handshake signature or Finished check failed'],
  70: ['protocol_version', 'the peer does not support the offered TLS version (too old or too new)'],
  71: ['insufficient_security', 'the offered cipher suites are weaker than the server requires'],
  80: ['internal_error', 'the peer hit an internal error unrelated to the protocol'],
  86: ['inappropriate_fallback', 'a downgrade was attempted while a higher version is supported'],
  90: ['user_canceled', 'the handshake was cancelled by the user'],
  100: ['no_renegotiation', 'renegotiation was refused'],
  109: ['missing_extension', 'a required handshake extension is missing'],
  110: ['unsupported_extension', 'an extension was sent that was not offered'],
  112: ['unrecognized_name', 'the server has no certificate for the requested server name (SNI)'],
  113: ['bad_certificate_status_response', 'the OCSP status response was invalid'],
  115: ['unknown_psk_identity', 'the offered pre-shared key is unknown to the server'],
  116: ['certificate_required', 'the server requires a client certificate and none was sent'],
  120: ['no_application_protocol', 'no ALPN protocol offered by the client is supported by the server'],
};

export interface AlertFacts {
  level: 'warning' | 'fatal' | 'unknown';
  description: string;
  /** "the client does not trust the certificate's issuer (unknown_ca)". */
  meaning: string;
}

export function describeAlert(level: number, description: number): AlertFacts {
  const known = ALERTS[description];
  const name = known ? known[0] : `alert ${description}`;
  const what = known ? known[1] : 'an alert this decoder does not know';
  return {
    level: level === 1 ? 'warning' : level === 2 ? 'fatal' : 'unknown',
    description: name,
    meaning: `${what} (${name})`,
  };
}
