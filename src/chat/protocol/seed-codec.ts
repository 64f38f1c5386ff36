// The seed dialect (workerman-chat 2014, "uid era"): see docs/protocol.md §1. Everyone is in
// room "1"; names and content are HTML-escaped; frames are written the way PHP wrote them.
import type { Codec, JsonObject } from './codec.js';
import type { Command, JoinEvent, LeaveEvent, MessageEvent, UserRef } from './events.js';
import { isProtocolError, type ProtocolError } from './errors.js';
import {
  listOf,
  sharedClientFrames,
  sharedServerFrames,
  targetOf,
  userById,
  userOf,
  type DialectFrames,
} from './frames.js';
import { htmlContent, htmlSpecialChars } from './html.js';
import type { InputLimits } from './limits.js';
import { phpJson } from './php-json.js';
import { formatPhpTime } from './time.js';
import { checkName, decodeHistoryRequest, decodeSay, unknownType } from './validate.js';

/** The one room of the seed dialect, shared with the other dialects' room "1". */
export const SEED_ROOM = '1';

function decode(message: JsonObject, limits: InputLimits): Command | ProtocolError {
  switch (message.type) {
    case 'login': {
      const name = checkName(message.name, 'name', limits);
      return isProtocolError(name) ? name : { type: 'login', name, room: SEED_ROOM };
    }
    case 'say':
      return decodeSay(message, 'to_uid', 'content', limits);
    // The seed had no heartbeat messages; accepting them costs nothing and helps mixed clients.
    case 'ping':
    case 'pong':
      return { type: 'pong' };
    // wirechat's addition, only on request so original clients see exactly what they expect.
    case 'history':
      return decodeHistoryRequest(message);
    default:
      return unknownType(message);
  }
}

const sayObject = (event: MessageEvent) => ({
  type: 'say',
  from_uid: event.from.id,
  to_uid: event.to ? event.to.id : 'all',
  content: htmlContent(event.text),
  time: formatPhpTime(event.ts),
});

const say = (event: MessageEvent): string => phpJson(sayObject(event));

/** How the frames above read on the wire: the seed's own frames carry no key the others lack. */
const frames: DialectFrames = {
  server: {
    user_list: {
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'user_list',
        users: listOf(m.user_list).map((u) => userOf(u, 'uid', 'name')),
      }),
    },
    login: {
      read: (m, dialect) => ({ direction: 'server', dialect, type: 'login', user: userOf(m, 'uid', 'name') }),
    },
    say: {
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'say',
        from: userById(m.from_uid),
        to: targetOf(m.to_uid),
        content: m.content,
      }),
    },
    logout: {
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'logout',
        user: userById(m.uid),
      }),
    },
    history: sharedServerFrames.history,
    error: sharedServerFrames.error,
  },
  client: {
    login: {
      read: (m, dialect, read) => ({ direction: 'client', dialect, read, type: 'login', name: m.name }),
    },
    say: {
      read: (m, dialect, read) => ({
        direction: 'client',
        dialect,
        read,
        type: 'say',
        to: targetOf(m.to_uid),
        content: m.content,
      }),
    },
    ...sharedClientFrames,
  },
};

export const seedCodec: Codec = {
  dialect: 'seed',
  echoesOwnJoin: true,
  decode,
  frames,
  welcome: (_you: UserRef, _room: string, users: UserRef[]) => [
    phpJson({
      type: 'user_list',
      user_list: users.map((u) => ({ uid: u.id, name: htmlSpecialChars(u.name) })),
    }),
  ],
  join: (event: JoinEvent) =>
    phpJson({
      type: 'login',
      uid: event.user.id,
      name: htmlSpecialChars(event.user.name),
      time: formatPhpTime(event.ts),
    }),
  leave: (event: LeaveEvent) =>
    phpJson({ type: 'logout', uid: event.user.id, time: formatPhpTime(event.ts) }),
  publicMessage: say,
  // The original sent the sender no copy of a private message; its page shows what was typed.
  privateMessage: (event: MessageEvent, asSender: boolean) => (asSender ? undefined : say(event)),
  // The recent public messages, each exactly as its live `say` frame was.
  history: (_room: string, messages: MessageEvent[], complete: boolean) =>
    phpJson({ type: 'history', messages: messages.map(sayObject), complete }),
  ping: () => undefined,
  pong: () => undefined,
};
