// The hub: sessions, rooms, presence and routing. No sockets, no timers, no I/O of its own: the
// transport feeds it text frames and closes, it answers through each session's Link, and it
// reaches other nodes only through the Broker. Every frame is encoded by a Codec, once per
// dialect for a broadcast, so the hub never knows which dialect a user speaks. Requests that cost
// the server far more than the client (history, room switches) have budgets per connection, and
// history answers are encoded once and reused until their room changes (history-answers.ts).
// Reconnect grace and takeovers by session token are their own concern (session-takeover.ts).
import { nodeChannel, roomChannel, type Broker } from '../broker/broker.js';
import type { Codec } from '../protocol/codec.js';
import { detectDialect, parseFrame } from '../protocol/dialects.js';
import { encodeError, isProtocolError, protocolError, type ProtocolError } from '../protocol/errors.js';
import type { ChatEvent, Command, Dialect, LeaveEvent, MessageEvent } from '../protocol/events.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../protocol/limits.js';
import type { HistoryStore } from '../store/history.js';
import type { Presence } from '../store/presence.js';
import { uniqueUserId, type IdSpace } from './ids.js';
import {
  DEFAULT_HISTORY_ANSWER_LIMITS,
  HistoryAnswers,
  type HistoryAnswerLimits,
} from './history-answers.js';
import type { HubLogger, Link } from './link.js';
import { Session } from './session.js';
import { fullBucket, takeToken, type RateLimit } from './token-bucket.js';
import { DEFAULT_RECONNECT_GRACE_MS } from './held-users.js';
import { hashSessionToken, newSessionToken } from './session-tokens.js';
import { SessionTakeover } from './session-takeover.js';
import { LocalRooms } from './local-rooms.js';

export interface HubOptions {
  broker: Broker;
  presence: Presence;
  history: HistoryStore;
  logger: HubLogger;
  limits?: InputLimits;
  now?: () => number;
  /** This node's share of user ids, when several nodes hand them out (cluster workers). */
  ids?: IdSpace;
  /** History requests per connection (default 1 per 2 s, bursts of 5). */
  historyRate?: RateLimit;
  /** Logins and room switches per connection (default 1 per s, bursts of 5). */
  roomSwitchRate?: RateLimit;
  /** Bytes of one history answer, and of the cache of answers. */
  historyAnswers?: Partial<HistoryAnswerLimits>;
  /**
   * How long a user of a dialect with sessions whose connection dropped is held, still listed and
   * unannounced, for a return with their session token (ms; default 20 s; 0: departures at once).
   */
  reconnectGraceMs?: number;
}

export const DEFAULT_HISTORY_RATE: RateLimit = { perSecond: 0.5, burst: 5 };
export const DEFAULT_ROOM_SWITCH_RATE: RateLimit = { perSecond: 1, burst: 5 };

const PONG = Buffer.from('{"type":"pong"}');
/** Typing notices a user's page may have passed on: one per this many ms (the page shows each for longer). */
export const TYPING_INTERVAL_MS = 2000;

export class Hub {
  private readonly sessions = new Map<number, Session>();
  /** This node's sessions per room, and delivery to them. */
  private readonly local: LocalRooms;
  private readonly limits: InputLimits;
  private readonly now: () => number;
  private readonly pings = new Map<Dialect, Buffer | undefined>();
  private readonly answers: HistoryAnswers;
  private readonly historyRate: RateLimit;
  private readonly roomSwitchRate: RateLimit;
  /** Holds for reconnect grace, and takeovers by session token. */
  private readonly takeover: SessionTakeover;
  private shuttingDown = false;

  constructor(private readonly options: HubOptions) {
    this.limits = options.limits ?? DEFAULT_INPUT_LIMITS;
    this.now = options.now ?? Date.now;
    this.historyRate = options.historyRate ?? DEFAULT_HISTORY_RATE;
    this.roomSwitchRate = options.roomSwitchRate ?? DEFAULT_ROOM_SWITCH_RATE;
    this.answers = new HistoryAnswers(
      options.history,
      { ...DEFAULT_HISTORY_ANSWER_LIMITS, ...options.historyAnswers },
      options.logger,
    );
    this.local = new LocalRooms(options.broker, this.answers);
    this.takeover = new SessionTakeover({
      sessions: this.sessions,
      local: this.local,
      answers: this.answers,
      presence: options.presence,
      broker: options.broker,
      logger: options.logger,
      now: this.now,
      graceMs: options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS,
      announceLeave: (event) => this.announceLeave(event),
    });
    options.broker.subscribe(nodeChannel(options.broker.nodeId));
    options.broker.onEvent((channel, event) => this.fromBroker(channel, event));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The rooms this node's users are in. */
  localRooms(): IterableIterator<string> {
    return this.local.rooms();
  }

  /** What the hub keeps, for tests and introspection: sessions, rooms, cached history answers. */
  get usage(): { sessions: number; rooms: number; held: number; answers: HistoryAnswers['usage'] } {
    return {
      sessions: this.sessions.size,
      rooms: this.local.size,
      held: this.takeover.heldCount,
      answers: this.answers.usage,
    };
  }

  connect(link: Link): Session {
    const id = uniqueUserId(
      (n) => this.sessions.has(n) || this.options.presence.get(n) !== undefined,
      this.options.ids,
    );
    const session = new Session(id, link);
    this.sessions.set(id, session);
    return session;
  }

  /** One text frame from the client. Never throws: bad input is answered, bugs are logged. */
  receive(session: Session, text: string): void {
    if (session.closed) return;
    try {
      const message = parseFrame(text);
      if (isProtocolError(message)) return this.reject(session, message);
      const codec = session.codec ?? detectDialect(message);
      if (!codec) return this.beforeLogin(session, message.type as string, message);
      const command = codec.decode(message, this.limits);
      if (isProtocolError(command)) return this.reject(session, command);
      this.execute(session, codec, command);
    } catch (err) {
      this.options.logger.error({ err, user: session.id }, 'error while handling a message');
    }
  }

  /** Answers a bad message (or a transport-level problem) to that client only. */
  reject(session: Session, error: ProtocolError): void {
    this.options.logger.debug({ user: session.id, code: error.code }, 'rejected input');
    session.link.send(Buffer.from(encodeError(error)));
  }

  /** The heartbeat frame for this session's dialect (cached), or undefined if it has none. */
  heartbeat(session: Session): Buffer | undefined {
    const codec = session.codec;
    if (!codec) return undefined;
    if (!this.pings.has(codec.dialect)) {
      const ping = codec.ping();
      this.pings.set(codec.dialect, ping === undefined ? undefined : Buffer.from(ping));
    }
    return this.pings.get(codec.dialect);
  }

  /** The connection is gone (closed, idle, shut down): its logout is broadcast once. */
  disconnect(session: Session, reason: 'close' | 'idle'): void {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session.id);
    if (!session.user) return;
    if (this.takeover.canHold(session) && !this.shuttingDown) {
      // Held: still listed, nothing announced, until the grace period ends or the user returns.
      this.options.logger.info({ user: session.id, reason }, 'held for reconnect');
      this.takeover.hold(session);
      return;
    }
    this.options.logger.info({ user: session.id, reason }, 'logout');
    this.leaveRoom(session, reason, this.now());
  }

  /**
   * From now on departures are published for other nodes but not delivered locally: every local
   * connection is about to close, and telling each of n users about n departures is n² frames.
   */
  beginShutdown(): void {
    this.shuttingDown = true;
    this.takeover.expireAll();
  }

  private beforeLogin(session: Session, type: string, message: Record<string, unknown>): void {
    switch (type) {
      case 'ping':
        return session.link.send(PONG);
      case 'pong':
        return;
      case 'login':
        return this.reject(
          session,
          protocolError('MISSING_FIELD', "'login' needs 'client_name' (or 'name')"),
        );
      case 'say':
      case 'send':
      case 'history':
        return this.reject(session, protocolError('NOT_LOGGED_IN', 'log in first'));
      default:
        return this.reject(
          session,
          protocolError('UNKNOWN_TYPE', `unknown message type '${String(message.type).slice(0, 40)}'`),
        );
    }
  }

  private execute(session: Session, codec: Codec, command: Command): void {
    switch (command.type) {
      case 'login':
        // A return with a session token is not a room switch: it never spends the budget.
        if (command.session !== undefined && codec.sessions && !session.user) {
          if (this.takeover.resume(session, codec, command.session, command.after)) return;
        }
        if (this.overBudget(session, 'switchBudget', this.roomSwitchRate)) {
          const message = 'too many logins or room switches; wait a moment';
          return this.reject(session, protocolError('ROOM_SWITCH_RATE_LIMITED', message));
        }
        return this.login(session, codec, command.name, command.room, command.after);
      case 'say':
        if (!session.user) return this.reject(session, protocolError('NOT_LOGGED_IN', 'log in first'));
        return this.say(session, codec, command.to, command.text);
      case 'history': {
        if (!session.user) return this.reject(session, protocolError('NOT_LOGGED_IN', 'log in first'));
        if (this.overBudget(session, 'historyBudget', this.historyRate)) {
          const message = 'too many history requests; wait a moment';
          return this.reject(session, protocolError('HISTORY_RATE_LIMITED', message));
        }
        return this.answers.history(session, codec, session.room!, command.limit);
      }
      case 'typing':
        return this.typing(session);
      case 'leave':
        if (!session.user) return this.reject(session, protocolError('NOT_LOGGED_IN', 'log in first'));
        this.options.logger.info({ user: session.id }, 'left');
        this.leaveRoom(session, 'close', this.now());
        session.resume = undefined; // the identity is over: its token opens nothing any more
        return;
      case 'ping': {
        const pong = codec.pong();
        if (pong !== undefined) session.link.send(Buffer.from(pong));
        return;
      }
      case 'pong':
        return;
    }
  }

  /** Spends a token of the session's budget for this kind of request; true when none is left. */
  private overBudget(session: Session, budget: 'historyBudget' | 'switchBudget', limit: RateLimit): boolean {
    const now = this.now();
    const bucket = (session[budget] ??= fullBucket(limit, now));
    return !takeToken(bucket, limit, now);
  }

  private login(session: Session, codec: Codec, name: string, room: string, after?: string): void {
    const ts = this.now();
    if (codec.sessions && this.takeover.nameTaken(session, name, room)) {
      const message = `the name '${name}' is already used in this room; choose another`;
      return this.reject(session, protocolError('NAME_TAKEN', message));
    }
    // A second login moves the user: logout from the old room first, then login in the new one.
    if (session.user) this.leaveRoom(session, 'move', ts, room);
    const user = { id: session.id, name };
    session.codec = codec;
    session.user = user;
    session.room = room;
    let token: string | undefined;
    if (codec.sessions && session.resume === undefined) {
      token = newSessionToken();
      session.resume = hashSessionToken(token);
    }
    this.options.presence.add({ user, room, node: this.options.broker.nodeId, resume: session.resume });
    this.local.join(session, room);
    const extra = codec.sessions ? { session: token, grace: this.takeover.graceMs } : undefined;
    for (const frame of codec.welcome(user, room, this.options.presence.members(room), ts, extra)) {
      session.link.send(Buffer.from(frame));
    }
    if (after !== undefined) this.answers.resume(session, codec, room, after);
    this.options.logger.info({ user: user.id, dialect: codec.dialect, room }, 'login');
    this.broadcast({ type: 'join', room, user, ts });
  }

  /** Passed on at most once per TYPING_INTERVAL_MS per user; extra notices are dropped silently. */
  private typing(session: Session): void {
    if (!session.user) return this.reject(session, protocolError('NOT_LOGGED_IN', 'log in first'));
    const now = this.now();
    if (now - session.typingAt < TYPING_INTERVAL_MS) return;
    session.typingAt = now;
    this.broadcast({ type: 'typing', room: session.room!, user: session.user, ts: now });
  }

  private say(session: Session, codec: Codec, to: 'all' | number, text: string): void {
    const from = session.user!;
    const room = session.room!;
    const ts = this.now();
    if (to === 'all') {
      this.broadcast(this.options.history.append({ type: 'message', room, from, to: null, text, ts }, true));
      return;
    }
    // Private messages stay within the sender's room and never target the sender.
    if (to === from.id)
      return this.reject(session, protocolError('INVALID_TARGET', 'you cannot write to yourself'));
    const target = this.options.presence.get(to);
    if (!target || target.room !== room) {
      return this.reject(session, protocolError('UNKNOWN_TARGET', `no user ${to} in this room`));
    }
    const event = this.options.history.append(
      { type: 'message', room, from, to: target.user, text, ts },
      false,
    );
    if (target.node === this.options.broker.nodeId) this.deliverPrivate(event);
    else this.options.broker.publish(nodeChannel(target.node), event);
    const copy = codec.privateMessage(event, true);
    if (copy !== undefined) session.link.send(Buffer.from(copy));
  }

  private leaveRoom(session: Session, reason: LeaveEvent['reason'], ts: number, to?: string): void {
    const user = session.user!;
    const room = session.room!;
    const current = this.options.presence.get(user.id);
    if (current?.room === room) this.options.presence.remove(user.id);
    this.local.leave(session, room);
    session.user = undefined;
    session.room = undefined;
    this.announceLeave(
      to === undefined
        ? { type: 'leave', room, user, ts, reason }
        : { type: 'leave', room, user, ts, reason, to },
    );
  }

  private announceLeave(event: LeaveEvent): void {
    if (this.shuttingDown) this.options.broker.publish(roomChannel(event.room), event);
    else this.broadcast(event);
  }

  /** A room event: to this node's members now, and through the broker to the other nodes. */
  private broadcast(event: ChatEvent): void {
    this.local.deliver(event);
    this.options.broker.publish(roomChannel(event.room), event);
  }

  private fromBroker(channel: string, event: ChatEvent): void {
    if (channel.startsWith('room:')) this.local.deliver(event);
    else if (event.type === 'leave' && event.reason === 'resumed') this.takeover.letGo(event.user.id);
    else if (event.type === 'message' && event.to) this.deliverPrivate(event);
  }

  private deliverPrivate(event: MessageEvent): void {
    const target = this.sessions.get(event.to!.id);
    if (!target?.codec || target.room !== event.room) return;
    const frame = target.codec.privateMessage(event, false);
    if (frame !== undefined) target.link.send(Buffer.from(frame));
  }
}
