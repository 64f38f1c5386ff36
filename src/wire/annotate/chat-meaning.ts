// Recognises chat messages (the seed dialect, today's workerman-chat dialect and wirechat's own,
// see docs/protocol.md) and says what each one means in one sentence, the way the seed document
// explains its capture by hand ("mynick logs in", "server forwards the say to all").
//
// The meaning of a server message often depends on who is on the connection ("to another
// browser" vs "back to its sender"), so a ChatContext remembers, per connection, the user that
// logged in on it. State is small and bounded, and released when the connection closes.
import type { ChatMeaning, Side } from '../events.js';

/** What the annotator remembers about one connection. */
interface ConnChat {
  name?: string;
  /** The user's id as a string (seed uid, workerman client_id, wirechat id). */
  id?: string;
  dialect?: ChatMeaning['dialect'];
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

type Obj = Record<string, unknown>;

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

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Parses text as a JSON object with a string `type`, cheaply rejecting everything else. */
export function parseChatObject(text: string): Obj | undefined {
  if (text.length < 2 || text.length > 1_000_000 || text.charCodeAt(0) !== 0x7b /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as Obj).type === 'string' ? (value as Obj) : undefined;
}

export function createChatContext(): ChatContext {
  const conns = new Map<number, ConnChat>();
  const names = new Map<string, string>();

  const connState = (conn: number): ConnChat => {
    let s = conns.get(conn);
    if (!s) {
      if (conns.size >= MAX_CONNECTIONS) conns.delete(conns.keys().next().value as number);
      s = {};
      conns.set(conn, s);
    }
    return s;
  };
  const remember = (id: string | undefined, who: unknown): void => {
    if (id === undefined || typeof who !== 'string') return;
    if (!names.has(id) && names.size >= MAX_NAMES) names.delete(names.keys().next().value as string);
    names.set(id, who);
  };
  const who = (id: string | undefined): string =>
    id === undefined ? 'someone' : names.has(id) ? name(names.get(id)) : `user ${id}`;
  /** "(to another browser)" or "(back to its sender)" for a message from user `fromId` on `c`. */
  const audience = (c: ConnChat, fromId: string | undefined): string =>
    c.id === undefined || fromId === undefined
      ? ''
      : c.id === fromId
        ? ' (back to its sender)'
        : ` (to another browser${c.name ? `, ${name(c.name)}'s` : ''})`;

  const fromClient = (c: ConnChat, m: Obj): ChatMeaning => {
    const me = c.name !== undefined ? name(c.name) : 'the client';
    switch (m.type) {
      case 'login':
        if ('client_name' in m || 'room_id' in m) {
          c.name = typeof m.client_name === 'string' ? m.client_name : c.name;
          c.dialect = 'workerman';
          return {
            dialect: 'workerman',
            type: 'login',
            summary: `${name(m.client_name)} logs in to room ${name(m.room_id)}`,
          };
        }
        c.name = typeof m.name === 'string' ? m.name : c.name;
        c.dialect = 'seed';
        return { dialect: 'seed', type: 'login', summary: `${name(m.name)} logs in` };
      case 'say': {
        if ('to_client_id' in m) {
          const to = m.to_client_id === 'all' ? 'to all' : `privately to ${who(idOf(m.to_client_id))}`;
          return { dialect: 'workerman', type: 'say', summary: `${me} says ${quote(m.content)} ${to}` };
        }
        const to = m.to_uid === 'all' ? 'to all' : `privately to ${who(idOf(m.to_uid))}`;
        return { dialect: 'seed', type: 'say', summary: `${me} says ${quote(m.content)} ${to}` };
      }
      case 'join':
        c.name = typeof m.name === 'string' ? m.name : c.name;
        c.dialect = 'wirechat';
        return {
          dialect: 'wirechat',
          type: 'join',
          summary: `${name(m.name)} joins room ${name(m.room)}${m.after !== undefined ? ` (resuming after ${name(m.after)})` : ''}`,
        };
      case 'send': {
        const to = m.to === 'all' ? 'to all' : `privately to ${who(idOf(m.to))}`;
        return { dialect: 'wirechat', type: 'send', summary: `${me} sends ${quote(m.text)} ${to}` };
      }
      case 'history':
        return {
          dialect: 'wirechat',
          type: 'history',
          summary: `${me} asks for the room's history (limit ${name(m.limit)})`,
        };
      case 'pong':
        return {
          dialect: c.dialect ?? 'workerman',
          type: 'pong',
          summary: `${me} answers the heartbeat (pong)`,
        };
      case 'ping':
        return { dialect: c.dialect ?? 'wirechat', type: 'ping', summary: `${me} sends a heartbeat (ping)` };
      default:
        return {
          dialect: 'unknown',
          type: String(m.type),
          summary: `${me} sends an unknown ${quote(m.type)} message (not part of the chat protocol)`,
        };
    }
  };

  const fromServer = (c: ConnChat, m: Obj): ChatMeaning => {
    switch (m.type) {
      case 'user_list': {
        const list = Array.isArray(m.user_list) ? (m.user_list as unknown[]) : [];
        for (const u of list) if (u && typeof u === 'object') remember(idOf((u as Obj).uid), (u as Obj).name);
        // The newcomer is the last of its own list: that is the user on this connection.
        const last = list[list.length - 1] as Obj | undefined;
        if (last && typeof last === 'object' && c.id === undefined) c.id = idOf(last.uid);
        c.dialect = 'seed';
        return {
          dialect: 'seed',
          type: 'user_list',
          summary: `server sends the user list (${list.length} user${list.length === 1 ? '' : 's'}) to the newcomer`,
        };
      }
      case 'login': {
        if ('client_id' in m || 'client_name' in m) {
          const id = idOf(m.client_id);
          remember(id, m.client_name);
          if (m.client_list && typeof m.client_list === 'object') {
            const list = Object.entries(m.client_list as Obj);
            for (const [k, v] of list) remember(k, v);
            c.id = id;
            c.dialect = 'workerman';
            return {
              dialect: 'workerman',
              type: 'login',
              summary: `server confirms ${name(m.client_name)}'s login and sends the room's user list (${list.length} user${list.length === 1 ? '' : 's'}) to the newcomer`,
            };
          }
          return {
            dialect: 'workerman',
            type: 'login',
            summary: `server tells that ${name(m.client_name)} logged in${audience(c, id)}`,
          };
        }
        const id = idOf(m.uid);
        remember(id, m.name);
        return {
          dialect: 'seed',
          type: 'login',
          summary: `server tells that ${name(m.name)} logged in${audience(c, id)}`,
        };
      }
      case 'say': {
        if ('from_client_id' in m) {
          const from = idOf(m.from_client_id);
          remember(from, m.from_client_name);
          const to = m.to_client_id === 'all' ? 'to all' : `privately to ${who(idOf(m.to_client_id))}`;
          return {
            dialect: 'workerman',
            type: 'say',
            summary: `server forwards ${who(from)}'s say ${to}${audience(c, from)}: ${quote(m.content)}`,
          };
        }
        const from = idOf(m.from_uid);
        const to = m.to_uid === 'all' ? 'to all' : `privately to ${who(idOf(m.to_uid))}`;
        return {
          dialect: 'seed',
          type: 'say',
          summary: `server forwards the say from ${who(from)} ${to}${audience(c, from)}: ${quote(m.content)}`,
        };
      }
      case 'logout': {
        if ('from_client_id' in m) {
          const id = idOf(m.from_client_id);
          remember(id, m.from_client_name);
          return { dialect: 'workerman', type: 'logout', summary: `server tells that ${who(id)} left` };
        }
        return { dialect: 'seed', type: 'logout', summary: `server tells that ${who(idOf(m.uid))} left` };
      }
      case 'welcome': {
        const you = (m.you && typeof m.you === 'object' ? m.you : {}) as Obj;
        const users = Array.isArray(m.users) ? (m.users as unknown[]) : [];
        for (const u of users) if (u && typeof u === 'object') remember(idOf((u as Obj).id), (u as Obj).name);
        c.id = idOf(you.id);
        c.name = typeof you.name === 'string' ? you.name : c.name;
        c.dialect = 'wirechat';
        return {
          dialect: 'wirechat',
          type: 'welcome',
          summary: `server welcomes ${name(you.name)} to room ${name(m.room)} with its user list (${users.length} user${users.length === 1 ? '' : 's'})`,
        };
      }
      case 'joined':
      case 'left': {
        const user = (m.user && typeof m.user === 'object' ? m.user : {}) as Obj;
        remember(idOf(user.id), user.name);
        const verb = m.type === 'joined' ? 'joined' : 'left';
        return {
          dialect: 'wirechat',
          type: m.type,
          summary: `server tells that ${name(user.name)} ${verb} room ${name(m.room)}`,
        };
      }
      case 'message': {
        const from = (m.from && typeof m.from === 'object' ? m.from : {}) as Obj;
        const fromId = idOf(from.id);
        remember(fromId, from.name);
        const toObj = m.to && typeof m.to === 'object' ? (m.to as Obj) : undefined;
        const to = m.to === 'all' ? 'to all' : `privately to ${toObj ? name(toObj.name) : who(idOf(m.to))}`;
        return {
          dialect: 'wirechat',
          type: 'message',
          summary: `server delivers ${name(from.name)}'s message ${to}${audience(c, fromId)}: ${quote(m.text)}`,
        };
      }
      case 'history': {
        const n = Array.isArray(m.messages) ? m.messages.length : 0;
        return {
          dialect: 'wirechat',
          type: 'history',
          summary: `server sends the room's history (${n} message${n === 1 ? '' : 's'}${m.complete === false ? ', incomplete' : ''})`,
        };
      }
      case 'error':
        return {
          dialect: c.dialect ?? 'wirechat',
          type: 'error',
          summary: `server reports an error: ${name(m.code)} ${quote(m.message)}`,
        };
      case 'ping':
        return { dialect: c.dialect ?? 'workerman', type: 'ping', summary: 'server heartbeat (ping)' };
      case 'pong':
        return {
          dialect: c.dialect ?? 'wirechat',
          type: 'pong',
          summary: 'server answers the heartbeat (pong)',
        };
      default:
        return {
          dialect: 'unknown',
          type: String(m.type),
          summary: `server sends an unknown ${quote(m.type)} message (not part of the chat protocol)`,
        };
    }
  };

  return {
    describe(conn, from, text) {
      const m = parseChatObject(text);
      if (!m) return undefined;
      const c = connState(conn);
      return from === 'client' ? fromClient(c, m) : fromServer(c, m);
    },
    release(conn) {
      conns.delete(conn);
    },
  };
}
