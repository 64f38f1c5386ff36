// Field checks shared by the dialect decoders. Each returns the clean value or a ProtocolError,
// never throws, so hostile input is just another answer.
import type { JsonObject } from './codec.js';
import type { Command } from './events.js';
import { isProtocolError, protocolError, type ProtocolError } from './errors.js';
import { DEFAULT_HISTORY, MAX_HISTORY, MAX_ROOM, type InputLimits } from './limits.js';

// C0/C1 controls, plus the bidirectional overrides that let a name disguise itself.
const NAME_FORBIDDEN = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const ROOM_FORBIDDEN = /\p{Cc}/u;
const ID_DIGITS = /^[1-9][0-9]{0,15}$/;

export type Checked<T> = T | ProtocolError;

export function checkName(raw: unknown, field: string, limits: InputLimits): Checked<string> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  if (typeof raw !== 'string') return protocolError('INVALID_FIELD', `'${field}' must be a string`);
  const name = raw.trim();
  if (name === '') return protocolError('NAME_EMPTY', 'the name is empty');
  if (name.length > limits.maxName) {
    return protocolError('NAME_TOO_LONG', `the name is longer than ${limits.maxName} characters`);
  }
  if (NAME_FORBIDDEN.test(name)) return protocolError('NAME_INVALID', 'the name contains control characters');
  return name;
}

export function checkContent(raw: unknown, field: string, limits: InputLimits): Checked<string> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  if (typeof raw !== 'string') return protocolError('INVALID_FIELD', `'${field}' must be a string`);
  if (raw.trim() === '') return protocolError('CONTENT_EMPTY', 'the message is empty');
  if (raw.length > limits.maxContent) {
    return protocolError('CONTENT_TOO_LONG', `the message is longer than ${limits.maxContent} characters`);
  }
  return raw;
}

/** A room given as a string (any dialect) or a number (workerman's `room_id`: 1 and "1" are one room). */
export function checkRoom(raw: unknown, field: string, allowNumber: boolean): Checked<string> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  let room: string;
  if (typeof raw === 'string') room = raw;
  else if (allowNumber && typeof raw === 'number' && Number.isFinite(raw)) room = String(raw);
  else
    return protocolError('INVALID_FIELD', `'${field}' must be ${allowNumber ? 'a number or ' : ''}a string`);
  if (room === '' || room.length > MAX_ROOM || ROOM_FORBIDDEN.test(room)) {
    return protocolError('ROOM_INVALID', `the room must be 1 to ${MAX_ROOM} printable characters`);
  }
  return room;
}

/** A private target: "all", or a user id given as a number or a string of digits. */
export function checkTarget(raw: unknown, field: string): Checked<'all' | number> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  if (raw === 'all') return 'all';
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return raw;
  if (typeof raw === 'string' && ID_DIGITS.test(raw)) {
    const id = Number(raw);
    if (Number.isSafeInteger(id)) return id;
  }
  if (typeof raw === 'number' || typeof raw === 'string') {
    return protocolError('UNKNOWN_TARGET', `no user '${String(raw).slice(0, 40)}' here`);
  }
  return protocolError('INVALID_FIELD', `'${field}' must be "all" or a user id`);
}

/** How many recent messages a `history` request asks for: a positive integer, capped. */
export function checkHistoryLimit(raw: unknown, fallback: number): Checked<number> {
  const limit = raw ?? fallback;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    return protocolError('INVALID_FIELD', "'limit' must be a positive integer");
  }
  return Math.min(limit, MAX_HISTORY);
}

/** A message to "all" or to one user, whatever the dialect calls its two fields. */
export function decodeSay(
  message: JsonObject,
  targetField: string,
  textField: string,
  limits: InputLimits,
): Command | ProtocolError {
  const to = checkTarget(message[targetField], targetField);
  if (isProtocolError(to)) return to;
  const text = checkContent(message[textField], textField, limits);
  return isProtocolError(text) ? text : { type: 'say', to, text };
}

/** `{"type":"history","limit":N}`, the same in every dialect. */
export function decodeHistoryRequest(message: JsonObject): Command | ProtocolError {
  const limit = checkHistoryLimit(message.limit, DEFAULT_HISTORY);
  return isProtocolError(limit) ? limit : { type: 'history', limit };
}

export function unknownType(message: JsonObject): ProtocolError {
  return protocolError('UNKNOWN_TYPE', `unknown message type '${String(message.type).slice(0, 40)}'`);
}
