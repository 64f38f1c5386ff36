// Recognising and decoding one chat frame seen on the wire: text in, the frame's dialect, type and
// fields out (or undefined: not a chat frame). Built only from the codecs' own pieces (the frame JSON,
// each codec's `frames` rules and its `decode`), so what the server writes and reads and what a
// reader of its traffic understands cannot drift apart.
//
// Which dialect a frame is: a key only one dialect's frame of that type has decides (`owns`);
// a frame several dialects write alike (an error, a ping, a history answer) is the connection's
// dialect when the caller knows it, else a fixed default. A client frame is also read the way the
// server reads it on a connection of that dialect: the command, or the error it would answer.
// Pure: the same text, direction and connection dialect always read the same.
import { codecs, parseFrameObject } from './dialects.js';
import { isProtocolError } from './errors.js';
import { DIALECTS, type Dialect } from './events.js';
import type { ChatFrame, DialectFrames, FrameDirection } from './frames.js';
import type { JsonObject } from './codec.js';
import { DEFAULT_INPUT_LIMITS } from './limits.js';
import { unknownType } from './validate.js';

/** Longest text read as a frame (servers refuse far smaller frames; a capture may hold anything). */
const MAX_TEXT = 1_000_000;
/**
 * The dialect of a frame that several dialects write word for word, when the connection's is not
 * known: wirechat's own for errors, history and a client's ping (there they are part of the
 * dialect, in the two older ones additions), today's workerman-chat for its heartbeat.
 */
const SHARED_DEFAULT: Record<FrameDirection, Readonly<Record<string, Dialect>>> = {
  server: { error: 'native', history: 'native', ping: 'workerman' },
  client: { history: 'native', ping: 'native', pong: 'workerman' },
};

/** Every dialect's rules for one type of frame in one direction. */
interface TypeRules<R> {
  /** The dialects whose frame of this type has keys of its own, and how to see them. */
  owners: { dialect: Dialect; owns: (m: JsonObject) => boolean }[];
  /** Without such keys: the dialect of the frame on a connection of each dialect, or unknown. */
  shared: Record<Dialect | 'unknown', Dialect>;
  rules: Partial<Record<Dialect, R>>;
}

function indexRules<D extends FrameDirection>(
  direction: D,
): Map<string, TypeRules<DialectFrames[D][string]>> {
  type R = DialectFrames[D][string];
  const index = new Map<string, TypeRules<R>>();
  const sharing = new Map<string, Dialect[]>();
  for (const dialect of DIALECTS) {
    for (const [type, rule] of Object.entries(codecs[dialect].frames[direction]) as [string, R][]) {
      let t = index.get(type);
      if (!t) {
        t = {
          owners: [],
          shared: { seed: dialect, workerman: dialect, native: dialect, unknown: dialect },
          rules: {},
        };
        index.set(type, t);
        sharing.set(type, []);
      }
      t.rules[dialect] = rule;
      if (rule.owns) t.owners.push({ dialect, owns: rule.owns });
      else sharing.get(type)!.push(dialect);
    }
  }
  for (const [type, t] of index) {
    const shared = sharing.get(type)!;
    const fallback = SHARED_DEFAULT[direction][type] ?? shared[0] ?? t.owners[0]!.dialect;
    for (const d of DIALECTS) t.shared[d] = shared.includes(d) ? d : fallback;
    t.shared.unknown = fallback;
  }
  return index;
}

const SERVER_RULES = indexRules('server');
const CLIENT_RULES = indexRules('client');

/**
 * Whether a text can be a JSON object with a `type` at all: most that cannot are never parsed.
 * Every codec writes `{"type":` first: that common case is read character by character (a
 * string method call per frame costs more than the whole test).
 */
function mayBeChat(text: string): boolean {
  return text.length <= MAX_TEXT &&
    text.charCodeAt(0) === 0x7b && // {
    text.charCodeAt(1) === 0x22 && // "
    text.charCodeAt(2) === 0x74 && // t
    text.charCodeAt(3) === 0x79 && // y
    text.charCodeAt(4) === 0x70 && // p
    text.charCodeAt(5) === 0x65 && // e
    text.charCodeAt(6) === 0x22
    ? true
    : mayBeOtherChat(text);
}

function mayBeOtherChat(text: string): boolean {
  if (text.length < 2 || text.length > MAX_TEXT) return false;
  let i = 0;
  let c = text.charCodeAt(0);
  // JSON white space may precede the object, as the server's JSON.parse allows.
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  if (c !== 0x7b /* { */) return false;
  // A key spelt with escapes ("\u0074ype") is still `type`.
  return text.includes('"type"') || text.includes('\\');
}

// A chat server sends the same frame to everyone in the room, so a capture holds each broadcast
// text once per recipient, interleaved with the other connections' traffic. Reading is pure, so
// the last few texts read are kept with what they read as, and a repeat is not parsed again (the
// text compare stops at the first differing character, or at once on a different length).
/** Texts remembered (a room's broadcast to a handful of connections, interleaved). */
const RECENT = 8;
/** Longest text remembered: what is kept stays small whatever a capture holds. */
const RECENT_TEXT_MAX = 16 * 1024;
const recentText: string[] = new Array<string>(RECENT).fill('');
const recentDirection: FrameDirection[] = new Array<FrameDirection>(RECENT).fill('server');
const recentConnection: (Dialect | undefined)[] = new Array<Dialect | undefined>(RECENT).fill(undefined);
const recentFrame: (ChatFrame | undefined)[] = new Array<ChatFrame | undefined>(RECENT).fill(undefined);
let recentNext = 0;

/**
 * The frame a text is, sent in `direction` on a connection whose dialect is `connection` (if
 * known), or undefined when the text is not a JSON object with a string `type`. The same text
 * read again may give the same object: frames are never changed by their readers.
 */
export function readFrame(
  text: string,
  direction: FrameDirection,
  connection?: Dialect,
): ChatFrame | undefined {
  if (!mayBeChat(text)) return undefined;
  if (text.length > RECENT_TEXT_MAX) return parseAndRead(text, direction, connection);
  for (let i = 0; i < RECENT; i++) {
    if (recentText[i] === text && recentDirection[i] === direction && recentConnection[i] === connection)
      return recentFrame[i];
  }
  const frame = parseAndRead(text, direction, connection);
  const slot = recentNext;
  recentNext = slot === RECENT - 1 ? 0 : slot + 1;
  recentText[slot] = text;
  recentDirection[slot] = direction;
  recentConnection[slot] = connection;
  recentFrame[slot] = frame;
  return frame;
}

function parseAndRead(
  text: string,
  direction: FrameDirection,
  connection: Dialect | undefined,
): ChatFrame | undefined {
  const m = parseFrameObject(text);
  if (m === undefined) return undefined;
  const type = m.type as string;
  if (direction === 'server') {
    const t = SERVER_RULES.get(type);
    if (t === undefined) return { direction, dialect: undefined, type };
    const dialect = dialectOf(t, m, connection);
    return t.rules[dialect]!.read(m, dialect);
  }
  const t = CLIENT_RULES.get(type);
  if (t === undefined) {
    // The connection's codec answers it; without one, so would any (UNKNOWN_TYPE).
    const read = connection ? codecs[connection].decode(m, DEFAULT_INPUT_LIMITS) : undefined;
    return { direction, dialect: undefined, type, read: isProtocolError(read) ? read : unknownType(m) };
  }
  const dialect = dialectOf(t, m, connection);
  // The server reads a frame with its connection's codec, else with that of the frame's dialect.
  return t.rules[dialect]!.read(m, dialect, codecs[connection ?? dialect].decode(m, DEFAULT_INPUT_LIMITS));
}

function dialectOf(t: TypeRules<unknown>, m: JsonObject, connection: Dialect | undefined): Dialect {
  const owners = t.owners;
  for (let i = 0; i < owners.length; i++) if (owners[i]!.owns(m)) return owners[i]!.dialect;
  return connection === undefined ? t.shared.unknown : t.shared[connection];
}
