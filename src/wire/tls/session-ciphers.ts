// Record ciphers for a session's directions, from the secrets a key log gives: TLS 1.3 from a
// traffic secret, 0-RTT from the early secret (one candidate per offered suite, since the
// resumed session's suite is not in the capture), TLS 1.2 from the master secret.
import { cipherSuite, type CipherSuite } from './cipher-suites.js';
import type { ServerHelloFacts } from './hello-parser.js';
import { HASH_LENGTH, tls12KeyBlock, tls13TrafficKeys } from './key-schedule.js';
import { createRecordCipher, type RecordCipher } from './record-cipher.js';

/** The cipher for a TLS 1.3 traffic secret (none without a suite or a secret). */
export function tls13Ciphers(suite: CipherSuite | undefined, secret: Buffer | undefined): RecordCipher[] {
  if (!secret || !suite || suite.family !== 'tls13') return [];
  return [createRecordCipher(suite, tls13TrafficKeys(suite, secret), { tls13: true })];
}

/** 0-RTT candidates: each offered TLS 1.3 suite whose hash fits the early secret's length. */
export function earlyDataCiphers(offered: number[], earlySecret: Buffer): RecordCipher[] {
  return offered
    .map((id) => cipherSuite(id))
    .filter((s): s is CipherSuite => s !== undefined && s.family === 'tls13')
    .filter((s) => HASH_LENGTH[s.hash] === earlySecret.length)
    .flatMap((s) => tls13Ciphers(s, earlySecret));
}

/** The TLS 1.2 cipher of one side, from the master secret and both randoms. */
export function tls12Ciphers(
  suite: CipherSuite,
  masterSecret: Buffer,
  clientRandom: Buffer,
  serverHello: ServerHelloFacts,
  role: 'client' | 'server',
): RecordCipher[] {
  if (suite.family !== 'tls12') return [];
  const block = tls12KeyBlock(suite, masterSecret, clientRandom, serverHello.random);
  const keys = role === 'client' ? block.client : block.server;
  return [createRecordCipher(suite, keys, { tls13: false, encryptThenMac: serverHello.encryptThenMac })];
}
