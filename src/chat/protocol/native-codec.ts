// wirechat's own dialect (the page's): see docs/protocol.md §5. Plain text (never escaped),
// string ids, millisecond `ts`, message ids for history and resume.
import type { Codec, JsonObject, WelcomeExtra } from './codec.js';
import type { Command, JoinEvent, LeaveEvent, MessageEvent, TypingEvent, UserRef } from './events.js';
import { isProtocolError, protocolError, type ProtocolError } from './errors.js';
import {
  isObject,
  sharedClientFrames,
  sharedServerFrames,
  targetOf,
  userOf,
  type DialectFrames,
  type FrameTarget,
  type FrameUser,
} from './frames.js';
import type { InputLimits } from './limits.js';
import { checkName, checkRoom, decodeHistoryRequest, decodeSay, unknownType } from './validate.js';

/** Longest session token a client may present; real ones are 22 characters. */
const MAX_SESSION_TOKEN = 64;

const user = (u: UserRef) => ({ id: String(u.id), name: u.name });

function decode(message: JsonObject, limits: InputLimits): Command | ProtocolError {
  switch (message.type) {
    case 'join': {
      const name = checkName(message.name, 'name', limits);
      if (isProtocolError(name)) return name;
      const room = checkRoom(message.room, 'room', false);
      if (isProtocolError(room)) return room;
      const login: Extract<Command, { type: 'login' }> = { type: 'login', name, room };
      const after = message.after;
      if (after !== undefined) {
        if (typeof after !== 'string' || after.length > 64) {
          return protocolError('INVALID_FIELD', "'after' must be a message id");
        }
        login.after = after;
      }
      const session = message.session;
      if (session !== undefined) {
        if (typeof session !== 'string' || session.length === 0 || session.length > MAX_SESSION_TOKEN) {
          return protocolError('INVALID_FIELD', "'session' must be the token from 'welcome'");
        }
        login.session = session;
      }
      return login;
    }
    case 'leave':
      return { type: 'leave' };
    case 'typing':
      return { type: 'typing' };
    case 'send':
      return decodeSay(message, 'to', 'text', limits);
    case 'history':
      return decodeHistoryRequest(message);
    case 'ping':
      return { type: 'ping' };
    case 'pong':
      return { type: 'pong' };
    default:
      return unknownType(message);
  }
}

/** The message object, shared by live messages and history entries. */
function messageObject(event: MessageEvent) {
  const base = {
    type: 'message',
    id: event.id,
    room: event.room,
    from: user(event.from),
    to: event.to ? user(event.to) : 'all',
    text: event.text,
    ts: event.ts,
  };
  return event.to ? { ...base, private: true } : base;
}

const frameUser = (u: unknown): FrameUser => userOf(u, 'id', 'name');
/** `to`: "all", a user object (private), or (not written by the server) a bare id. */
const frameTarget = (to: unknown): FrameTarget => (isObject(to) ? frameUser(to) : targetOf(to));
const roomEvent =
  <T extends 'joined' | 'left' | 'typing'>(type: T) =>
  (m: JsonObject, dialect: Codec['dialect']) =>
    ({ direction: 'server', dialect, type, room: m.room, user: frameUser(m.user) }) as const;

/** How the frames above read on the wire: every type but the shared ones is this dialect's alone. */
const frames: DialectFrames = {
  server: {
    welcome: {
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'welcome',
        you: frameUser(m.you),
        room: m.room,
        users: Array.isArray(m.users) ? m.users.map(frameUser) : [],
      }),
    },
    joined: { read: roomEvent('joined') },
    left: { read: roomEvent('left') },
    typing: { read: roomEvent('typing') },
    message: {
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'message',
        from: frameUser(m.from),
        to: frameTarget(m.to),
        text: m.text,
      }),
    },
    history: { owns: (m) => 'room' in m, read: sharedServerFrames.history.read },
    error: sharedServerFrames.error,
    ping: sharedServerFrames.ping,
    pong: sharedServerFrames.pong,
  },
  client: {
    join: {
      read: (m, dialect, read) => ({
        direction: 'client',
        dialect,
        read,
        type: 'join',
        name: m.name,
        room: m.room,
        after: m.after,
      }),
    },
    send: {
      read: (m, dialect, read) => ({
        direction: 'client',
        dialect,
        read,
        type: 'send',
        to: targetOf(m.to),
        text: m.text,
      }),
    },
    leave: { read: (_m, dialect, read) => ({ direction: 'client', dialect, read, type: 'leave' }) },
    typing: { read: (_m, dialect, read) => ({ direction: 'client', dialect, read, type: 'typing' }) },
    ...sharedClientFrames,
  },
};

export const nativeCodec: Codec = {
  dialect: 'native',
  echoesOwnJoin: false,
  sessions: true,
  decode,
  frames,
  welcome: (you: UserRef, room: string, users: UserRef[], ts: number, extra?: WelcomeExtra) => [
    JSON.stringify({ type: 'welcome', you: user(you), room, users: users.map(user), ts, ...extra }),
  ],
  join: (event: JoinEvent) =>
    JSON.stringify({ type: 'joined', room: event.room, user: user(event.user), ts: event.ts }),
  leave: (event: LeaveEvent) =>
    JSON.stringify(
      event.reason === 'move' && event.to !== undefined
        ? { type: 'left', room: event.room, user: user(event.user), ts: event.ts, moved: event.to }
        : { type: 'left', room: event.room, user: user(event.user), ts: event.ts },
    ),
  typing: (event: TypingEvent) =>
    JSON.stringify({ type: 'typing', room: event.room, user: user(event.user), ts: event.ts }),
  publicMessage: (event: MessageEvent) => JSON.stringify(messageObject(event)),
  privateMessage: (event: MessageEvent) => JSON.stringify(messageObject(event)),
  history: (room: string, messages: MessageEvent[], complete: boolean) =>
    JSON.stringify({ type: 'history', room, messages: messages.map(messageObject), complete }),
  ping: () => '{"type":"ping"}',
  pong: () => '{"type":"pong"}',
};
