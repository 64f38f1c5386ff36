// One codec per dialect turns a client's JSON into Commands and internal events into frames.
// Every encoder is a pure function of the event (plus, for private messages, which side the
// recipient is on), so the hub encodes a broadcast once per dialect, never once per recipient.
import type {
  ChatEvent,
  Command,
  Dialect,
  JoinEvent,
  LeaveEvent,
  MessageEvent,
  TypingEvent,
  UserRef,
} from './events.js';
import type { ProtocolError } from './errors.js';
import type { DialectFrames } from './frames.js';
import type { InputLimits } from './limits.js';

export type JsonObject = Record<string, unknown>;

export interface Codec {
  readonly dialect: Dialect;
  /** Whether a user of this dialect receives the broadcast of their own join (only the seed's does). */
  readonly echoesOwnJoin: boolean;
  /** Whether the dialect has session tokens, reconnect grace and unique names (wirechat's only). */
  readonly sessions?: boolean;
  decode(message: JsonObject, limits: InputLimits): Command | ProtocolError;
  /** How this dialect's frames read on the wire (frame-reader.ts): what it writes and what it reads. */
  readonly frames: DialectFrames;
  /** Frames for the user who just logged in, sent before the join is broadcast. */
  welcome(you: UserRef, room: string, users: UserRef[], ts: number, extra?: WelcomeExtra): string[];
  join(event: JoinEvent): string;
  leave(event: LeaveEvent): string;
  /** Someone in the room is typing; undefined: the dialect has no such notice (never sent). */
  typing?(event: TypingEvent): string;
  /** A message to the whole room: the same frame for everyone of this dialect. */
  publicMessage(event: MessageEvent): string;
  /** A private message as its target sees it, or as its sender sees their own copy (undefined: no copy). */
  privateMessage(event: MessageEvent, asSender: boolean): string | undefined;
  /** The answer to a history request or a resume; undefined if the dialect has no such message. */
  history(room: string, messages: MessageEvent[], complete: boolean): string | undefined;
  /** The server's heartbeat frame, or undefined if the dialect has none. */
  ping(): string | undefined;
  /** The answer to a client's ping, or undefined. */
  pong(): string | undefined;
}

/** What a dialect with sessions adds to its welcome. */
export interface WelcomeExtra {
  /** The session token, on the first welcome of an identity only. */
  session?: string;
  /** True when the identity was taken back with a token (nobody was told it had gone). */
  resumed?: boolean;
  /** The reconnect grace period (ms). */
  grace?: number;
}

export type { ChatEvent };
