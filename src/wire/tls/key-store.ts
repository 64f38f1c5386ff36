// Session secrets by client random: what a key log (or any later source of secrets) gives, looked
// up by the TLS layer when it sees a ClientHello. Bounded: past `maxSessions` new sessions are
// refused (and counted), never kept without end.

export const KEY_LABELS = [
  'CLIENT_RANDOM',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EARLY_EXPORTER_SECRET',
  'EXPORTER_SECRET',
] as const;

export type KeyLabel = (typeof KEY_LABELS)[number];

/** The secrets of one session; CLIENT_RANDOM holds the TLS 1.2 master secret. */
export type SessionSecrets = Partial<Record<KeyLabel, Buffer>>;

export const DEFAULT_MAX_SESSIONS = 1_000_000;

export class KeyStore {
  private readonly sessions = new Map<string, SessionSecrets>();
  /** Secrets refused because the store was full. */
  refused = 0;

  constructor(readonly maxSessions = DEFAULT_MAX_SESSIONS) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Adds one secret; false when the store is full and this is a new session. */
  add(label: KeyLabel, clientRandom: Buffer, secret: Buffer): boolean {
    const key = clientRandom.toString('hex');
    let entry = this.sessions.get(key);
    if (!entry) {
      if (this.sessions.size >= this.maxSessions) {
        this.refused++;
        return false;
      }
      entry = {};
      this.sessions.set(key, entry);
    }
    entry[label] = Buffer.from(secret);
    return true;
  }

  /** The secrets known for a client random (the ClientHello's 32 random bytes). */
  get(clientRandom: Buffer): SessionSecrets | undefined {
    return this.sessions.get(clientRandom.toString('hex'));
  }
}
