// Today's workerman-chat dialect: see docs/protocol.md §2. Rooms, string client ids, names and
// content HTML-escaped once, frames written the way PHP wrote them, keys in the original order.
import type { Codec, JsonObject } from './codec.js';
import type { Command, JoinEvent, LeaveEvent, MessageEvent, UserRef } from './events.js';
import { isProtocolError, type ProtocolError } from './errors.js';
import {
  isObject,
  sharedClientFrames,
  sharedServerFrames,
  targetOf,
  userOf,
  type DialectFrames,
} from './frames.js';
import { htmlContent, htmlSpecialChars } from './html.js';
import type { InputLimits } from './limits.js';
import { phpJson, phpString } from './php-json.js';
import { formatPhpTime } from './time.js';
import { checkName, checkRoom, decodeHistoryRequest, decodeSay, unknownType } from './validate.js';

const SAID_TO_YOU = '<b>对你说: </b>';
const youSaidTo = (name: string): string => `<b>你对${htmlSpecialChars(name)}说: </b>`;

function decode(message: JsonObject, limits: InputLimits): Command | ProtocolError {
  switch (message.type) {
    case 'login': {
      const name = checkName(message.client_name, 'client_name', limits);
      if (isProtocolError(name)) return name;
      const room = checkRoom(message.room_id, 'room_id', true);
      return isProtocolError(room) ? room : { type: 'login', name, room };
    }
    // `to_client_name` is not trusted: the sender's copy names the target as the server knows it.
    case 'say':
      return decodeSay(message, 'to_client_id', 'content', limits);
    case 'pong':
    case 'ping':
      return { type: 'pong' };
    // wirechat's addition, only on request so original clients see exactly what they expect.
    case 'history':
      return decodeHistoryRequest(message);
    default:
      return unknownType(message);
  }
}

const loginFields = (user: UserRef, ts: number) => ({
  type: 'login',
  client_id: String(user.id),
  client_name: htmlSpecialChars(user.name),
  time: formatPhpTime(ts),
});

const sayObject = (event: MessageEvent, content: string) => ({
  type: 'say',
  from_client_id: String(event.from.id),
  from_client_name: htmlSpecialChars(event.from.name),
  to_client_id: event.to ? String(event.to.id) : 'all',
  content,
  time: formatPhpTime(event.ts),
});

const say = (event: MessageEvent, content: string): string => phpJson(sayObject(event, content));

/**
 * `client_list` is written by hand: its keys are digit strings, which a JS object would reorder
 * numerically, while the original lists the room in join order with the newcomer last.
 */
function clientList(users: UserRef[]): string {
  return (
    '{' +
    users.map((u) => `${phpString(String(u.id))}:${phpString(htmlSpecialChars(u.name))}`).join(',') +
    '}'
  );
}

/** How the frames above read on the wire; the `client_…` keys tell them from the seed's. */
const frames: DialectFrames = {
  server: {
    login: {
      owns: (m) => 'client_id' in m || 'client_name' in m,
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'login',
        user: userOf(m, 'client_id', 'client_name'),
        // The newcomer's own copy: the room, id → name, in join order.
        users: isObject(m.client_list)
          ? Object.entries(m.client_list).map(([id, name]) => ({ id, name }))
          : undefined,
      }),
    },
    say: {
      owns: (m) => 'from_client_id' in m,
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'say',
        from: userOf(m, 'from_client_id', 'from_client_name'),
        to: targetOf(m.to_client_id),
        content: m.content,
      }),
    },
    logout: {
      owns: (m) => 'from_client_id' in m,
      read: (m, dialect) => ({
        direction: 'server',
        dialect,
        type: 'logout',
        user: userOf(m, 'from_client_id', 'from_client_name'),
      }),
    },
    history: { owns: (m) => 'room_id' in m, read: sharedServerFrames.history.read },
    error: sharedServerFrames.error,
    ping: sharedServerFrames.ping,
  },
  client: {
    login: {
      owns: (m) => 'client_name' in m || 'room_id' in m,
      read: (m, dialect, read) => ({
        direction: 'client',
        dialect,
        read,
        type: 'login',
        name: m.client_name,
        room: m.room_id,
      }),
    },
    say: {
      owns: (m) => 'to_client_id' in m,
      read: (m, dialect, read) => ({
        direction: 'client',
        dialect,
        read,
        type: 'say',
        to: targetOf(m.to_client_id),
        content: m.content,
      }),
    },
    ...sharedClientFrames,
  },
};

export const workermanCodec: Codec = {
  dialect: 'workerman',
  echoesOwnJoin: false,
  decode,
  frames,
  welcome: (you: UserRef, _room: string, users: UserRef[], ts: number) => {
    const head = phpJson(loginFields(you, ts));
    return [head.slice(0, -1) + ',"client_list":' + clientList(users) + '}'];
  },
  join: (event: JoinEvent) => phpJson(loginFields(event.user, event.ts)),
  leave: (event: LeaveEvent) =>
    phpJson({
      type: 'logout',
      from_client_id: String(event.user.id),
      from_client_name: htmlSpecialChars(event.user.name),
      time: formatPhpTime(event.ts),
    }),
  publicMessage: (event: MessageEvent) => say(event, htmlContent(event.text)),
  privateMessage: (event: MessageEvent, asSender: boolean) =>
    say(event, (asSender ? youSaidTo(event.to?.name ?? '') : SAID_TO_YOU) + htmlContent(event.text)),
  // The room's recent public messages, each exactly as its live `say` frame was.
  history: (room: string, messages: MessageEvent[], complete: boolean) =>
    phpJson({
      type: 'history',
      room_id: room,
      messages: messages.map((m) => sayObject(m, htmlContent(m.text))),
      complete,
    }),
  ping: () => '{"type":"ping"}',
  pong: () => undefined,
};
