// The cipher suites the decoder can decrypt, and names for the ones it can only name. A suite says
// how records are protected (AEAD or CBC + HMAC), the key sizes, and the hash of the key schedule.

export type RecordProtection = 'aes-gcm' | 'chacha20-poly1305' | 'cbc-hmac';

export interface CipherSuite {
  id: number;
  name: string;
  /** 'tls13' suites only work with the TLS 1.3 key schedule, 'tls12' ones with the PRF. */
  family: 'tls12' | 'tls13';
  protection: RecordProtection;
  /** node:crypto cipher name. */
  cipher: string;
  keyLength: number;
  /** AEAD: the whole nonce (1.3) or the implicit salt (1.2 GCM: 4, ChaCha: 12); CBC: block size. */
  ivLength: number;
  /** Hash of the key schedule (HKDF for 1.3, PRF for 1.2). */
  hash: 'sha256' | 'sha384';
  /** CBC suites: the HMAC hash and its output length. */
  macHash?: 'sha1' | 'sha256' | 'sha384';
  macLength?: number;
}

const suites: CipherSuite[] = [];
function add(
  id: number,
  name: string,
  family: 'tls12' | 'tls13',
  protection: RecordProtection,
  cipher: string,
  keyLength: number,
  ivLength: number,
  hash: 'sha256' | 'sha384',
  mac?: 'sha1' | 'sha256' | 'sha384',
): void {
  const macLength = mac === 'sha1' ? 20 : mac === 'sha256' ? 32 : mac === 'sha384' ? 48 : undefined;
  suites.push({ id, name, family, protection, cipher, keyLength, ivLength, hash, macHash: mac, macLength });
}

// TLS 1.3 (RFC 8446 §B.4).
add(0x1301, 'TLS_AES_128_GCM_SHA256', 'tls13', 'aes-gcm', 'aes-128-gcm', 16, 12, 'sha256');
add(0x1302, 'TLS_AES_256_GCM_SHA384', 'tls13', 'aes-gcm', 'aes-256-gcm', 32, 12, 'sha384');
add(
  0x1303,
  'TLS_CHACHA20_POLY1305_SHA256',
  'tls13',
  'chacha20-poly1305',
  'chacha20-poly1305',
  32,
  12,
  'sha256',
);

// TLS 1.2 AEAD suites (RFC 5288, 5289, 7905) with ECDHE, DHE and RSA key exchange.
for (const [kx, base] of [
  ['RSA', 0x009c],
  ['DHE_RSA', 0x009e],
] as const) {
  add(base, `TLS_${kx}_WITH_AES_128_GCM_SHA256`, 'tls12', 'aes-gcm', 'aes-128-gcm', 16, 4, 'sha256');
  add(base + 1, `TLS_${kx}_WITH_AES_256_GCM_SHA384`, 'tls12', 'aes-gcm', 'aes-256-gcm', 32, 4, 'sha384');
}
add(0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'tls12', 'aes-gcm', 'aes-128-gcm', 16, 4, 'sha256');
add(0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'tls12', 'aes-gcm', 'aes-256-gcm', 32, 4, 'sha384');
add(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'tls12', 'aes-gcm', 'aes-128-gcm', 16, 4, 'sha256');
add(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'tls12', 'aes-gcm', 'aes-256-gcm', 32, 4, 'sha384');
const CHACHA = 'chacha20-poly1305';
add(0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'tls12', CHACHA, CHACHA, 32, 12, 'sha256');
add(0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'tls12', CHACHA, CHACHA, 32, 12, 'sha256');
add(0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'tls12', CHACHA, CHACHA, 32, 12, 'sha256');

// TLS 1.2 CBC suites (RFC 5246, 4492, 5289): MAC-then-encrypt unless encrypt_then_mac was agreed.
const CBC: Array<[number, string, 128 | 256, 'sha1' | 'sha256' | 'sha384']> = [
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 128, 'sha1'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 256, 'sha1'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 128, 'sha256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 256, 'sha256'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 128, 'sha1'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 256, 'sha1'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 128, 'sha256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 256, 'sha256'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 128, 'sha1'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 256, 'sha1'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 128, 'sha1'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 256, 'sha1'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 128, 'sha256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 256, 'sha384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 128, 'sha256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 256, 'sha384'],
];
for (const [id, name, bits, mac] of CBC) {
  // The PRF hash is SHA-384 only for the *_SHA384 suites; SHA-1 suites use the SHA-256 PRF.
  add(
    id,
    name,
    'tls12',
    'cbc-hmac',
    `aes-${bits}-cbc`,
    bits / 8,
    16,
    mac === 'sha384' ? 'sha384' : 'sha256',
    mac,
  );
}

const byId = new Map(suites.map((s) => [s.id, s]));

/** The suite the decoder can decrypt, or undefined. */
export function cipherSuite(id: number): CipherSuite | undefined {
  return byId.get(id);
}

/** Names of suites seen in hellos that the decoder only names (GREASE, signalling values, old suites). */
const OTHER_NAMES: Record<number, string> = {
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x5600: 'TLS_FALLBACK_SCSV',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  0xc0ad: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  0xc0ac: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
};

/** A suite's IANA name, "GREASE" for reserved values, or its number in hex. */
export function cipherSuiteName(id: number): string {
  const known = byId.get(id)?.name ?? OTHER_NAMES[id];
  if (known) return known;
  if (isGrease(id)) return 'GREASE';
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** GREASE values (RFC 8701): 0x0a0a, 0x1a1a … 0xfafa. */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}
