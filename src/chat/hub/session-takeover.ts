// Session tokens at work in the hub: a user of a dialect with sessions whose connection dropped is
// held for the reconnect grace period, and a connection that presents their token takes the
// identity over (from a hold, from another open tab, or from another node) without anyone being
// told. Only a departure nobody came back for is announced, through the hub's own way of telling.
import { nodeChannel, type Broker } from '../broker/broker.js';
import type { Codec } from '../protocol/codec.js';
import type { LeaveEvent } from '../protocol/events.js';
import type { Presence } from '../store/presence.js';
import type { HistoryAnswers } from './history-answers.js';
import { HeldUsers, type HeldUser } from './held-users.js';
import type { HubLogger } from './link.js';
import { nameKey } from './name-key.js';
import type { LocalRooms } from './local-rooms.js';
import type { Session } from './session.js';
import { hashSessionToken } from './session-tokens.js';
import { CLOSE } from '../../shared/websocket-framing.js';

/** What a takeover needs from the hub: its state (shared, not copied) and its way of announcing. */
export interface TakeoverHost {
  /** The hub's connected sessions by user id; a takeover moves and removes entries in it. */
  sessions: Map<number, Session>;
  local: LocalRooms;
  answers: HistoryAnswers;
  presence: Presence;
  broker: Broker;
  logger: HubLogger;
  now: () => number;
  /** Reconnect grace (ms); 0: no holds, departures at once. */
  graceMs: number;
  /** Tells a departure the way the hub does at that moment (only to other nodes while shutting down). */
  announceLeave: (event: LeaveEvent) => void;
}

export class SessionTakeover {
  private readonly held: HeldUsers;

  constructor(private readonly host: TakeoverHost) {
    this.held = new HeldUsers(host.graceMs, (held) => this.graceEnded(held));
  }

  get graceMs(): number {
    return this.host.graceMs;
  }

  /** How many users are held now. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Whether a departing logged-in session can be held for a return with its token. */
  canHold(session: Session): boolean {
    return session.resume !== undefined && this.held.enabled;
  }

  /** Holds a departing session's user until the grace period ends or the user returns. */
  hold(session: Session): void {
    this.held.hold(session.user!, session.room!, session.resume!);
    this.host.local.leave(session, session.room!);
    session.user = undefined;
    session.room = undefined;
  }

  /** Ends every grace period now (shutdown): each held user's departure is decided at once. */
  expireAll(): void {
    this.held.expireAll();
  }

  /** Whether someone else in the room already goes by this name (case and width folded). */
  nameTaken(session: Session, name: string, room: string): boolean {
    const key = nameKey(name);
    return this.host.presence.members(room).some((m) => m.id !== session.id && nameKey(m.name) === key);
  }

  /**
   * A session token presented at login: the connection takes over the identity it belongs to,
   * wherever that identity was held or connected, without anyone being told. False when the token
   * opens nothing (expired, left, never issued): the login then goes on as a new identity.
   */
  resume(session: Session, codec: Codec, token: string, after?: string): boolean {
    const { sessions, presence, broker } = this.host;
    const resume = hashSessionToken(token);
    const entry = presence.findResumable(resume);
    if (!entry) return false;
    const me = broker.nodeId;
    const { user, room } = entry;
    if (entry.node !== me) {
      // The node that had the user lets go of them quietly (see the hub's fromBroker).
      const ts = this.host.now();
      broker.publish(nodeChannel(entry.node), {
        type: 'leave',
        room,
        user,
        ts,
        reason: 'resumed',
      });
    } else this.letGo(user.id, session);
    sessions.delete(session.id);
    session.id = user.id;
    sessions.set(user.id, session);
    session.codec = codec;
    session.user = user;
    session.room = room;
    session.resume = resume;
    presence.add({ user, room, node: me, resume });
    this.host.local.join(session, room);
    const extra = { resumed: true, grace: this.host.graceMs };
    const ts = this.host.now();
    for (const frame of codec.welcome(user, room, presence.members(room), ts, extra)) {
      session.link.send(Buffer.from(frame));
    }
    if (after !== undefined) this.host.answers.resume(session, codec, room, after);
    this.host.logger.info({ user: user.id, dialect: codec.dialect, room, from: entry.node }, 'resume');
    return true;
  }

  /**
   * The identity continues on another connection: a hold ends without a departure, and a
   * connection still open (another tab with the same token) is closed, with nothing announced.
   */
  letGo(id: number, newer?: Session): void {
    if (this.held.take(id)) return;
    const older = this.host.sessions.get(id);
    if (older && older !== newer) this.detach(older);
  }

  /** Closes a connection whose identity moved to a newer one, with nothing announced. */
  private detach(older: Session): void {
    older.closed = true;
    this.host.sessions.delete(older.id);
    if (older.room !== undefined) this.host.local.leave(older, older.room);
    older.user = undefined;
    older.room = undefined;
    older.link.close(CLOSE.SESSION_MOVED, 'session moved to a newer connection');
  }

  /** A held user did not come back in time: their departure, unless another node has them now. */
  private graceEnded(held: HeldUser): void {
    const { presence, broker } = this.host;
    const current = presence.get(held.user.id);
    if (!current || current.node !== broker.nodeId || current.resume !== held.resume) return;
    if (this.host.sessions.has(held.user.id)) return; // back on this node under the same id
    presence.remove(held.user.id);
    this.host.logger.info({ user: held.user.id }, 'logout after reconnect grace');
    this.host.announceLeave({
      type: 'leave',
      room: held.room,
      user: held.user,
      ts: this.host.now(),
      reason: 'close',
    });
  }
}
