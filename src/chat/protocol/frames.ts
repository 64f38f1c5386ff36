// Chat frames as a reader of the wire sees them: what each frame a server writes or a client sends
// says, in any dialect. The codecs declare how they read their own frames (`Codec.frames`), next
// to how they write them, so a dialect changes in one file and every reader follows.
//
// Values a person typed or a server chose (names, rooms, texts, codes) are kept as the frame holds
// them: a wirechat server always writes strings, but a capture may hold anything, and a reader
// that explains the frame should show what is there rather than guess.
import type { JsonObject } from './codec.js';
import type { ProtocolError } from './errors.js';
import type { Command, Dialect } from './events.js';

export type FrameDirection = 'client' | 'server';

/** A user as a frame names them: the id as a string (seed uid, workerman client_id, wirechat id). */
export interface FrameUser {
  id: string | undefined;
  name: unknown;
}

/** To everyone in the room, or to one user (private). */
export type FrameTarget = 'all' | FrameUser;

interface Server {
  direction: 'server';
  dialect: Dialect;
}

/** What a server writes, in every dialect (docs/protocol.md). */
export type ServerFrame = Server &
  (
    | { type: 'user_list'; users: FrameUser[] }
    /** Seed and workerman; in workerman, the newcomer's own copy also lists the room (`client_list`). */
    | { type: 'login'; user: FrameUser; users?: FrameUser[] }
    | { type: 'say'; from: FrameUser; to: FrameTarget; content: unknown }
    | { type: 'logout'; user: FrameUser }
    | { type: 'welcome'; you: FrameUser; room: unknown; users: FrameUser[] }
    | { type: 'joined' | 'left' | 'typing'; room: unknown; user: FrameUser }
    | { type: 'message'; from: FrameUser; to: FrameTarget; text: unknown }
    | { type: 'history'; messages: number; complete: boolean }
    | { type: 'error'; code: unknown; message: unknown }
    | { type: 'ping' | 'pong' }
  );

interface Client {
  direction: 'client';
  dialect: Dialect;
  /**
   * How the server reads the frame on a connection of its dialect: the command, or the error it
   * answers, with the default input limits. What depends on the chat's state (NOT_LOGGED_IN, a
   * target that is not in the room, rate limits) cannot be told from the frame and is not in it;
   * UNKNOWN_TARGET is, for a target that cannot be the id of any wirechat user.
   */
  read: Command | ProtocolError;
}

/** What a client sends, in every dialect. */
export type ClientFrame = Client &
  (
    | { type: 'login'; name: unknown; room?: unknown }
    | { type: 'join'; name: unknown; room: unknown; after: unknown }
    | { type: 'say'; to: FrameTarget; content: unknown }
    | { type: 'send'; to: FrameTarget; text: unknown }
    | { type: 'history'; limit: unknown }
    | { type: 'ping' | 'pong' | 'leave' | 'typing' }
  );

/** A JSON object with a string `type` that no dialect has. */
export interface UnknownFrame {
  direction: FrameDirection;
  dialect: undefined;
  type: string;
  /** A client's frame: the server's answer (UNKNOWN_TYPE). */
  read?: ProtocolError;
}

export type ChatFrame = ServerFrame | ClientFrame | UnknownFrame;

/** How one dialect reads one type of frame. */
interface FrameRule {
  /**
   * Whether the frame has a key only this dialect's frame of this type has: then it is this
   * dialect's whatever else is known. A rule without `owns` writes the type like other dialects
   * do, and the connection's dialect decides (see frame-reader.ts).
   */
  owns?(m: JsonObject): boolean;
}

export interface ServerRule extends FrameRule {
  read(m: JsonObject, dialect: Dialect): ServerFrame;
}

export interface ClientRule extends FrameRule {
  /** `read`: what the server's decoder made of the frame. */
  read(m: JsonObject, dialect: Dialect, read: Command | ProtocolError): ClientFrame;
}

/** Every type of frame a dialect writes (server) and reads (client). */
export interface DialectFrames {
  server: Readonly<Record<string, ServerRule>>;
  client: Readonly<Record<string, ClientRule>>;
}

/** The id in a uid, client_id or id field (a number or a string), or undefined. */
export function idOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null;
}

/** `{id, name}` from an object's two fields (missing or not an object: neither is known). */
export function userOf(value: unknown, idKey: string, nameKey: string): FrameUser {
  return isObject(value) ? { id: idOf(value[idKey]), name: value[nameKey] } : NOBODY;
}

/** The user of an id field alone (the seed's frames name users by uid only). */
export function userById(value: unknown): FrameUser {
  return value === undefined ? NOBODY : { id: idOf(value), name: undefined };
}

/** A user the frame does not name (shared: readers never change frames). */
const NOBODY: FrameUser = Object.freeze({ id: undefined, name: undefined });

/** A target field: "all", or a user id. */
export function targetOf(value: unknown): FrameTarget {
  return value === 'all' ? 'all' : userById(value);
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Frames written the same way in every dialect that has them. */
export const sharedServerFrames = {
  error: {
    read: (m, dialect) => ({ direction: 'server', dialect, type: 'error', code: m.code, message: m.message }),
  },
  history: {
    read: (m, dialect) => ({
      direction: 'server',
      dialect,
      type: 'history',
      messages: listOf(m.messages).length,
      complete: m.complete !== false,
    }),
  },
  ping: { read: (_m, dialect) => ({ direction: 'server', dialect, type: 'ping' }) },
  pong: { read: (_m, dialect) => ({ direction: 'server', dialect, type: 'pong' }) },
} satisfies Record<string, ServerRule>;

export const sharedClientFrames = {
  history: {
    read: (m, dialect, read) => ({ direction: 'client', dialect, read, type: 'history', limit: m.limit }),
  },
  ping: { read: (_m, dialect, read) => ({ direction: 'client', dialect, read, type: 'ping' }) },
  pong: { read: (_m, dialect, read) => ({ direction: 'client', dialect, read, type: 'pong' }) },
} satisfies Record<string, ClientRule>;
