// Says what each chat message means in one sentence, the way the seed document explains its
// capture by hand ("mynick logs in", "server forwards the say to all"). Which dialect a frame is
// and what its fields say comes from the chat's own codecs (chat/protocol/frame-reader.ts); this
// layer only explains.
//
// The meaning of a server message often depends on who is on the connection ("to another
// browser" vs "back to its sender"), so a ChatContext remembers, per connection, the user that
// logged in on it and its dialect. State is small and bounded, and released when the connection
// closes.
import { isProtocolError, type ProtocolError } from '../../chat/protocol/errors.js';
import type { Dialect } from '../../chat/protocol/events.js';
import { readFrame } from '../../chat/protocol/frame-reader.js';
import type { ClientFrame, FrameTarget, FrameUser, ServerFrame } from '../../chat/protocol/frames.js';
import type { ChatMeaning, Side } from '../events.js';

/** What the annotator remembers about one connection. */
interface ConnChat {
  /** The user's name as summaries show it (shortened once, when learnt). */
  name?: string;
  /** The user's id as a string (seed uid, workerman client_id, wirechat id). */
  id?: string;
  dialect?: Dialect;
}

/** Most connections remembered at once; beyond, the oldest is forgotten (hostile captures). */
const MAX_CONNECTIONS = 10_000;
/** Most user names remembered per id, for "bob left" instead of "user 123 left". */
const MAX_NAMES = 10_000;
/** Longest user-supplied text quoted inside a summary. */
const MAX_QUOTE = 60;

export interface ChatContext {
  describe(conn: number, from: Side, text: string): ChatMeaning | undefined;
  /** The connection is gone: forget what was learnt about it. */
  release(conn: number): void;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** At most MAX_QUOTE characters of `s` (then '…'), control characters as spaces. Each one
 * becomes one space, so cutting first gives the same text and scans only what is kept. */
function shorten(s: string): string {
  const cut = s.length > MAX_QUOTE ? s.slice(0, MAX_QUOTE) : s;
  const flat = CONTROL.test(cut) ? cut.replace(CONTROLS, ' ') : cut;
  return cut === s ? flat : flat + '…';
}

function quote(value: unknown): string {
  return `"${shorten(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))}"`;
}

function name(value: unknown): string {
  return shorten(typeof value === 'string' ? value : String(value));
}

/**
 * Whether a wirechat server with default limits answers the frame with an error, whoever is in
 * the chat. A target that is not one of wirechat's ids (UNKNOWN_TARGET) is left out: the original
 * workerman-chat's client ids are hex strings, and a capture of it is explained too.
 */
function refused(f: ClientFrame): f is ClientFrame & { read: ProtocolError } {
  return isProtocolError(f.read) && f.read.code !== 'UNKNOWN_TARGET';
}

/**
 * A name as summaries show it, to be remembered: the cut of a long name may share the memory of
 * the whole (up to a megabyte), so it is copied, and what is kept per connection and per user
 * stays as small as it looks.
 */
const shownName = (s: string): string => (s.length > MAX_QUOTE ? Array.from(name(s)).join('') : name(s));

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function createChatContext(): ChatContext {
  return new ChatAnnotator();
}

/** "(to another browser)" or "(back to its sender)" for a message from user `fromId` on `c`. */
function audience(c: ConnChat, fromId: string | undefined): string {
  if (c.id === undefined || fromId === undefined) return '';
  return c.id === fromId ? ' (back to its sender)' : ` (to another browser${c.name ? `, ${c.name}'s` : ''})`;
}

/** Learns the user and dialect of a connection from its own login or join. */
function learnLogin(c: ConnChat, f: Extract<ClientFrame, { type: 'login' | 'join' }>): void {
  if (typeof f.name === 'string') c.name = shownName(f.name);
  c.dialect = f.dialect;
}

class ChatAnnotator implements ChatContext {
  private readonly conns = new Map<number, ConnChat>();
  /** Per id: the name as the frames give it (short ones only), and as summaries show it. */
  private readonly names = new Map<string, { given: string | undefined; shown: string }>();

  describe(conn: number, from: Side, text: string): ChatMeaning | undefined {
    const c = this.conns.get(conn);
    const f = readFrame(text, from, c?.dialect);
    if (f === undefined) return undefined;
    const state = c ?? this.connState(conn);
    if (f.dialect === undefined) {
      const who = from === 'client' ? (state.name ?? 'the client') : 'server';
      const summary = `${who} sends an unknown ${quote(f.type)} message (not part of the chat protocol)`;
      return { dialect: 'unknown', type: f.type, summary };
    }
    if (f.direction === 'server')
      return { dialect: f.dialect, type: f.type, summary: this.fromServer(state, f) };
    const said = this.fromClient(state, f);
    const summary = refused(f) ? `${said} (wirechat refuses it: ${f.read.code})` : said;
    return { dialect: f.dialect, type: f.type, summary };
  }

  release(conn: number): void {
    this.conns.delete(conn);
  }

  // ---- what is remembered ----

  private connState(conn: number): ConnChat {
    let s = this.conns.get(conn);
    if (!s) {
      if (this.conns.size >= MAX_CONNECTIONS) this.conns.delete(this.conns.keys().next().value as number);
      s = {};
      this.conns.set(conn, s);
    }
    return s;
  }

  private remember(user: FrameUser): void {
    const { id, name: who } = user;
    if (id === undefined || typeof who !== 'string') return;
    const names = this.names;
    const known = names.get(id);
    if (known !== undefined && known.given === who) return;
    if (!known && names.size >= MAX_NAMES) names.delete(names.keys().next().value as string);
    // A long name is kept only as shown: 10,000 remembered names stay small whatever they were.
    names.set(id, { given: who.length > MAX_QUOTE ? undefined : who, shown: shownName(who) });
  }

  private rememberAll(users: readonly FrameUser[]): void {
    for (const u of users) this.remember(u);
  }

  private who(id: string | undefined): string {
    return id === undefined ? 'someone' : (this.names.get(id)?.shown ?? `user ${id}`);
  }

  /** "to all", or "privately to bob" (by the name the frame gives, else the one remembered). */
  private toWhom(to: FrameTarget): string {
    return to === 'all'
      ? 'to all'
      : `privately to ${to.name !== undefined ? name(to.name) : this.who(to.id)}`;
  }

  // ---- client frames ----

  private fromClient(c: ConnChat, f: ClientFrame): string {
    const me = c.name ?? 'the client';
    switch (f.type) {
      case 'login':
        learnLogin(c, f);
        return f.dialect === 'seed'
          ? `${name(f.name)} logs in`
          : `${name(f.name)} logs in to room ${name(f.room)}`;
      case 'join':
        learnLogin(c, f);
        return `${name(f.name)} joins room ${name(f.room)}${f.after !== undefined ? ` (resuming after ${name(f.after)})` : ''}`;
      case 'say':
        return `${me} says ${quote(f.content)} ${this.toWhom(f.to)}`;
      case 'send':
        return `${me} sends ${quote(f.text)} ${this.toWhom(f.to)}`;
      case 'history':
        return `${me} asks for the room's history (limit ${name(f.limit)})`;
      case 'typing':
        return `${me} is typing`;
      case 'leave':
        return `${me} leaves the chat`;
      case 'pong':
        return `${me} answers the heartbeat (pong)`;
      case 'ping':
        return `${me} sends a heartbeat (ping)`;
    }
  }

  // ---- server frames ----

  private fromServer(c: ConnChat, f: ServerFrame): string {
    switch (f.type) {
      case 'user_list':
        return this.userList(c, f);
      case 'login':
        return this.serverLogin(c, f);
      case 'say':
        return this.serverSay(c, f);
      case 'logout':
        this.remember(f.user);
        return `server tells that ${this.who(f.user.id)} left`;
      case 'welcome':
        return this.welcome(c, f);
      case 'joined':
      case 'left':
        this.remember(f.user);
        return `server tells that ${name(f.user.name)} ${f.type} room ${name(f.room)}`;
      case 'typing':
        this.remember(f.user);
        return `server tells that ${name(f.user.name)} is typing in room ${name(f.room)}`;
      case 'message':
        this.remember(f.from);
        return `server delivers ${name(f.from.name)}'s message ${this.toWhom(f.to)}${audience(c, f.from.id)}: ${quote(f.text)}`;
      case 'history':
        return `server sends the room's history (${plural(f.messages, 'message')}${f.complete ? '' : ', incomplete'})`;
      case 'error':
        return `server reports an error: ${name(f.code)} ${quote(f.message)}`;
      case 'ping':
        return 'server heartbeat (ping)';
      case 'pong':
        return 'server answers the heartbeat (pong)';
    }
  }

  private userList(c: ConnChat, f: Extract<ServerFrame, { type: 'user_list' }>): string {
    this.rememberAll(f.users);
    // The newcomer is the last of its own list: that is the user on this connection.
    if (c.id === undefined) c.id = f.users[f.users.length - 1]?.id;
    c.dialect = f.dialect;
    return `server sends the user list (${plural(f.users.length, 'user')}) to the newcomer`;
  }

  private serverLogin(c: ConnChat, f: Extract<ServerFrame, { type: 'login' }>): string {
    this.remember(f.user);
    if (!f.users) return `server tells that ${name(f.user.name)} logged in${audience(c, f.user.id)}`;
    this.rememberAll(f.users);
    c.id = f.user.id;
    c.dialect = f.dialect;
    return `server confirms ${name(f.user.name)}'s login and sends the room's user list (${plural(f.users.length, 'user')}) to the newcomer`;
  }

  private serverSay(c: ConnChat, f: Extract<ServerFrame, { type: 'say' }>): string {
    this.remember(f.from);
    const from = f.from.id;
    const to = `${this.toWhom(f.to)}${audience(c, from)}: ${quote(f.content)}`;
    return f.dialect === 'workerman'
      ? `server forwards ${this.who(from)}'s say ${to}`
      : `server forwards the say from ${this.who(from)} ${to}`;
  }

  private welcome(c: ConnChat, f: Extract<ServerFrame, { type: 'welcome' }>): string {
    this.rememberAll(f.users);
    c.id = f.you.id;
    if (typeof f.you.name === 'string') c.name = shownName(f.you.name);
    c.dialect = f.dialect;
    return `server welcomes ${name(f.you.name)} to room ${name(f.room)} with its user list (${plural(f.users.length, 'user')})`;
  }
}
