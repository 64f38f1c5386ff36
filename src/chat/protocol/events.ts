// The dialect-neutral vocabulary of the chat: what clients ask for (commands) and what happens
// (events). Codecs translate between these and each dialect's JSON; the hub and the brokers only
// ever see these types, so a user of one dialect can talk to a user of another.

/** A user as everyone else sees them. `id` is a safe integer, unique and unguessable. */
export interface UserRef {
  id: number;
  name: string;
}

/** Events are broker payloads, so they stay plain JSON-serialisable data (no classes, no Buffers). */
export type ChatEvent = JoinEvent | LeaveEvent | MessageEvent | TypingEvent;

/** Someone is writing a message: shown for a few seconds, kept nowhere, only to dialects that have it. */
export interface TypingEvent {
  type: 'typing';
  room: string;
  user: UserRef;
  ts: number;
}

export interface JoinEvent {
  type: 'join';
  room: string;
  user: UserRef;
  ts: number;
}

export interface LeaveEvent {
  type: 'leave';
  room: string;
  user: UserRef;
  ts: number;
  /**
   * 'move': the user switched room (`to` says where); 'resumed': internal, sent only to the node
   * that had the user, whose identity a session token just took over elsewhere (never shown).
   */
  reason: 'close' | 'idle' | 'move' | 'resumed';
  to?: string;
}

export interface MessageEvent {
  type: 'message';
  /** Opaque, increasing within a room (see store/history.ts). */
  id: string;
  room: string;
  from: UserRef;
  /** null: to everyone in the room; otherwise a private message to this user. */
  to: UserRef | null;
  text: string;
  ts: number;
}

/** What a client asked for, whatever dialect it spoke. Strings are raw (never HTML-escaped). */
export type Command =
  | { type: 'login'; name: string; room: string; after?: string; session?: string }
  | { type: 'leave' }
  | { type: 'typing' }
  | { type: 'say'; to: 'all' | number; text: string }
  | { type: 'history'; limit: number }
  | { type: 'ping' }
  | { type: 'pong' };

/**
 * The chat's dialects, one name each everywhere (the server, the wire view, the bench): the seed
 * (workerman-chat 2014), today's workerman-chat, and wirechat's own (the page's).
 */
export const DIALECTS = ['seed', 'workerman', 'native'] as const;
export type Dialect = (typeof DIALECTS)[number];
