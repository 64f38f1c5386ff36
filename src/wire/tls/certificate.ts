// The Certificate handshake message (RFC 5246 §7.4.2, RFC 8446 §4.4.2): each certificate's
// subject, names, issuer and validity read with node:crypto's X509Certificate, plus the two
// things that most often break a wss set-up: an expired certificate and one that does not cover
// the server name the client asked for.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { ByteReader, TruncatedField } from './byte-reader.js';

/** At most this many certificates of a chain are described. */
const MAX_CERTIFICATES = 10;
/** Names kept per certificate (CDN certificates carry hundreds), and shown in its line. */
const MAX_NAMES = 100;
const NAMES_SHOWN = 5;

export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses from subjectAltName. */
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  expired: boolean;
  notYetValid: boolean;
  selfSigned: boolean;
}

export interface ChainFacts {
  certificates: CertificateFacts[];
  /** The server name asked for is not covered by the first certificate. */
  nameMismatch?: string;
  /** Certificates that could not be read (undecodable DER). */
  unreadable: number;
}

/** Parses a Certificate message body; `at` is the capture time (seconds) the validity is judged at. */
export function parseCertificateMessage(
  body: Buffer,
  tls13: boolean,
  sni: string | undefined,
  at: number,
): ChainFacts | string {
  try {
    const r = new ByteReader(body);
    if (tls13) r.vector(1, 'certificate request context');
    const list = r.vector(3, 'certificate list');
    const chain: ChainFacts = { certificates: [], unreadable: 0 };
    let leafCert: X509Certificate | undefined;
    while (list.remaining > 0) {
      const der = list.vector(3, 'certificate');
      if (tls13) list.vector(2, 'certificate extensions');
      if (chain.certificates.length + chain.unreadable >= MAX_CERTIFICATES) continue;
      const cert = readCertificate(der.bytes(der.remaining));
      if (cert) chain.certificates.push(describeCertificate(cert, at));
      else chain.unreadable++;
      if (chain.certificates.length === 1 && chain.unreadable === 0) leafCert ??= cert;
    }
    const leaf = chain.certificates[0];
    if (leaf && leafCert && sni !== undefined && !coversName(leafCert, sni)) {
      chain.nameMismatch = `the certificate is for ${shownNames(leaf) || leaf.subject}, not ${sni}`;
    }
    return chain;
  } catch (err) {
    if (err instanceof TruncatedField) return `malformed Certificate: ${err.message}`;
    throw err;
  }
}

function readCertificate(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function describeCertificate(cert: X509Certificate, at: number): CertificateFacts {
  const from = Date.parse(cert.validFrom) / 1000;
  const to = Date.parse(cert.validTo) / 1000;
  const names = (cert.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:') || s.startsWith('IP Address:'))
    .map((s) => s.replace(/^DNS:/, '').replace(/^IP Address:/, ''))
    .slice(0, MAX_NAMES);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    subjectAltNames: names,
    validFrom: cert.validFrom,
    validTo: cert.validTo,
    expired: at > to,
    notYetValid: at < from,
    selfSigned: cert.subject === cert.issuer,
  };
}

/** "C=US\nCN=example" → "C=US, CN=example". */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** Whether the certificate covers the server name (OpenSSL's RFC 6125 matching, wildcards included). */
function coversName(cert: X509Certificate, name: string): boolean {
  if (isIP(name)) return cert.checkIP(name) !== undefined;
  return cert.checkHost(name.replace(/\.$/, '')) !== undefined;
}

/** One line about a certificate for text views. */
export function describeChainLine(chain: ChainFacts): string {
  const leaf = chain.certificates[0];
  if (!leaf) return `Certificate chain of ${chain.unreadable} unreadable certificate(s)`;
  const parts = [`Certificate ${leaf.subject}`];
  if (leaf.subjectAltNames.length) parts.push(`names ${shownNames(leaf)}`);
  parts.push(leaf.selfSigned ? 'self-signed' : `issued by ${leaf.issuer}`);
  parts.push(`valid ${leaf.validFrom} to ${leaf.validTo}`);
  if (leaf.expired) parts.push('EXPIRED');
  if (leaf.notYetValid) parts.push('NOT YET VALID');
  if (chain.nameMismatch) parts.push(chain.nameMismatch);
  if (chain.certificates.length > 1) parts.push(`${chain.certificates.length - 1} more in the chain`);
  return parts.join('; ');
}

/** The first few names, "…" when there are more. */
function shownNames(cert: CertificateFacts): string {
  const more = cert.subjectAltNames.length > NAMES_SHOWN ? ', …' : '';
  return cert.subjectAltNames.slice(0, NAMES_SHOWN).join(', ') + more;
}
