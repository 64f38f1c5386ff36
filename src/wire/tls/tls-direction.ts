// One direction of a TLS connection: its record parser, handshake reassembly, and the record
// ciphers that may open its next record. More than one cipher is a candidate only at the two
// places where the capture alone cannot tell which keys the sender switched to (0-RTT data that
// the server may have refused, and the suite of 0-RTT data); the first that opens a record wins.
import type { Side } from '../events.js';
import { createHandshakeReassembler, type HandshakeReassembler } from './handshake-reassembler.js';
import type { Opened, RecordCipher } from './record-cipher.js';
import { createRecordParser, type RecordParser, type TlsRecord } from './record-parser.js';

export interface TlsDirection {
  /** The flow table's label for the bytes of this direction. */
  readonly label: Side;
  readonly role: Side;
  readonly records: RecordParser;
  readonly handshake: HandshakeReassembler;
  /** Candidate ciphers, current first. Empty: no keys (yet). */
  ciphers: RecordCipher[];
  /** TLS 1.2: a ChangeCipherSpec was sent, every later record is protected. */
  changedCipher: boolean;
  /** TLS 1.3: the current traffic secret (for KeyUpdate). */
  secret?: Buffer;
  /** TLS 1.3: the application traffic secret taken after this side's Finished. */
  applicationSecret?: Buffer;
  /** Authentication failures reported, and whether decryption gave up. */
  failures: number;
  /** Stopped: no more records are read (gap, not TLS, or too many failures). */
  dead: boolean;
}

export function createTlsDirection(label: Side, role: Side, maxHandshakeBytes: number): TlsDirection {
  return {
    label,
    role,
    records: createRecordParser(),
    handshake: createHandshakeReassembler(maxHandshakeBytes),
    ciphers: [],
    changedCipher: false,
    failures: 0,
    dead: false,
  };
}

/**
 * Opens a record with the first candidate that works, dropping the candidates before it. When
 * none works the current cipher counts the record anyway, so the next one still decrypts.
 */
export function openRecord(direction: TlsDirection, record: TlsRecord): Opened {
  let first: Opened | undefined;
  for (let i = 0; i < direction.ciphers.length; i++) {
    const opened = direction.ciphers[i]!.open(record);
    if (opened.ok) {
      if (i > 0) direction.ciphers = direction.ciphers.slice(i);
      return opened;
    }
    first ??= opened;
  }
  direction.ciphers[0]?.skip();
  return first ?? { ok: false, reason: 'no keys' };
}
