// The page's side of wirechat's own dialect (docs/protocol.md §5): what the server may send, checked
// field by field, because a frame is untrusted input and a malformed one must never break the page.
// The page is served from dist/web alone, so it carries its own small copy of the message shapes.

export type User = { id: string; name: string };

export type ChatMessage = {
  id: string;
  room: string;
  from: User;
  /** "all", or the target of a private message. */
  to: 'all' | User;
  private: boolean;
  text: string;
  ts: number;
};

export type ServerMessage =
  | {
      type: 'welcome';
      you: User;
      room: string;
      users: User[];
      ts: number;
      /** The session token, on an identity's first welcome only. */
      session?: string;
      /** True when a session token took the identity back. */
      resumed?: boolean;
    }
  | { type: 'joined'; room: string; user: User; ts: number }
  | { type: 'typing'; room: string; user: User }
  | { type: 'left'; room: string; user: User; ts: number; moved?: string }
  | ({ type: 'message' } & ChatMessage)
  | { type: 'history'; room: string; messages: ChatMessage[]; complete: boolean }
  | { type: 'error'; code: string; message: string }
  | { type: 'ping' }
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'join'; name: string; room: string; after?: string; session?: string }
  | { type: 'leave' }
  | { type: 'typing' }
  | { type: 'send'; to: string; text: string }
  | { type: 'history'; limit: number }
  | { type: 'ping' }
  | { type: 'pong' };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** Server times are numbers of milliseconds; anything else becomes "now" rather than "Invalid Date". */
const time = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Date.now());

function parseUser(v: unknown): User | undefined {
  if (!isObj(v)) return undefined;
  const id = str(v.id);
  const name = str(v.name);
  return id !== undefined && name !== undefined ? { id, name } : undefined;
}

function parseUsers(v: unknown): User[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map(parseUser).filter((u): u is User => u !== undefined);
}

export function parseChatMessage(v: unknown): ChatMessage | undefined {
  if (!isObj(v)) return undefined;
  const id = str(v.id);
  const from = parseUser(v.from);
  const text = str(v.text);
  if (id === undefined || from === undefined || text === undefined) return undefined;
  const to = v.to === 'all' || v.to === undefined ? 'all' : parseUser(v.to);
  if (to === undefined) return undefined;
  return {
    id,
    room: str(v.room) ?? '',
    from,
    to,
    private: v.private === true || to !== 'all',
    text,
    ts: time(v.ts),
  };
}

/** One frame's text to a typed message, or undefined when it is not one the page understands. */
export function parseServerMessage(data: string): ServerMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'welcome': {
      const you = parseUser(v.you);
      const users = parseUsers(v.users);
      const room = str(v.room);
      if (!you || !users || room === undefined) return undefined;
      const welcome: ServerMessage = { type: 'welcome', you, room, users, ts: time(v.ts) };
      const session = str(v.session);
      if (session !== undefined) welcome.session = session;
      if (v.resumed === true) welcome.resumed = true;
      return welcome;
    }
    case 'joined':
    case 'left': {
      const user = parseUser(v.user);
      if (!user) return undefined;
      const moved = v.type === 'left' ? str(v.moved) : undefined;
      if (moved !== undefined) return { type: 'left', room: str(v.room) ?? '', user, ts: time(v.ts), moved };
      return { type: v.type, room: str(v.room) ?? '', user, ts: time(v.ts) };
    }
    case 'typing': {
      const user = parseUser(v.user);
      return user ? { type: 'typing', room: str(v.room) ?? '', user } : undefined;
    }
    case 'message': {
      const m = parseChatMessage(v);
      return m ? { type: 'message', ...m } : undefined;
    }
    case 'history': {
      if (!Array.isArray(v.messages)) return undefined;
      const messages = v.messages.map(parseChatMessage).filter((m): m is ChatMessage => m !== undefined);
      return { type: 'history', room: str(v.room) ?? '', messages, complete: v.complete !== false };
    }
    case 'error':
      return { type: 'error', code: str(v.code) ?? 'UNKNOWN', message: str(v.message) ?? '' };
    case 'ping':
    case 'pong':
      return { type: v.type };
    default:
      return undefined;
  }
}
