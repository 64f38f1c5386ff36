// Field checks shared by the dialect decoders. Each returns the clean value or a ProtocolError,
// never throws, so hostile input is just another answer.
import type { JsonObject } from './codec.js';
import type { Command } from './events.js';
import { isProtocolError, protocolError, type ProtocolError } from './errors.js';
import { DEFAULT_HISTORY, MAX_HISTORY, MAX_ROOM, type InputLimits } from './limits.js';
import {
  cyrillicLookalike,
  findInvisible,
  hasBidiControl,
  hasControl,
  hasTextControl,
  isBlank,
  lookalikeMix,
  trimSpace,
} from './char-classes.js';

const ID_DIGITS = /^[1-9][0-9]{0,15}$/;
/**
 * Printable ASCII (and, in texts, tab and line feed): nearly every name and text. None of the
 * Unicode rules below can refuse such a string or change it (NFKC keeps it, it holds no control,
 * direction, invisible or look-alike character), so it skips them: they cost microseconds a name.
 */
const PLAIN_NAME = /^[\x20-\x7e]*$/;
const PLAIN_TEXT = /^[\t\n\x20-\x7e]*$/;

export type Checked<T> = T | ProtocolError;

/**
 * A user name in its one canonical form (NFKC, trimmed), so that full-width, ligature and
 * mathematical look-alikes become the letters they imitate before anything is compared or shown.
 */
export function checkName(raw: unknown, field: string, limits: InputLimits): Checked<string> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  if (typeof raw !== 'string') return protocolError('INVALID_FIELD', `'${field}' must be a string`);
  return PLAIN_NAME.test(raw) ? checkNameLength(raw.trim(), limits) : checkUnicodeName(raw, limits);
}

function checkNameLength(name: string, limits: InputLimits): Checked<string> {
  if (name === '') return protocolError('NAME_EMPTY', 'the name is empty');
  if (name.length > limits.maxName) {
    return protocolError('NAME_TOO_LONG', `the name is longer than ${limits.maxName} characters`);
  }
  return name;
}

/** Every rule of checkName, for any string (exported so a test can hold the plain path to it). */
export function checkUnicodeName(raw: string, limits: InputLimits): Checked<string> {
  const name = checkNameLength(trimSpace(raw.normalize('NFKC')), limits);
  if (isProtocolError(name)) return name;
  if (hasControl(name) || hasBidiControl(name)) {
    return protocolError('NAME_INVALID', 'the name contains control or text-direction characters');
  }
  const invisible = findInvisible(name);
  if (invisible) {
    return protocolError('NAME_INVISIBLE', `the name contains an invisible character (${invisible})`);
  }
  const mix = lookalikeMix(name);
  if (mix) return protocolError('NAME_MIXED_SCRIPTS', `the name mixes ${mix.join(' and ')} letters`);
  if (cyrillicLookalike(name)) {
    return protocolError('NAME_LOOKALIKE', 'the name spells a Latin word in Cyrillic look-alike letters');
  }
  return name;
}

/**
 * A message text, kept as sent (no normalisation: it is what the user wrote). Refused: texts with
 * nothing visible, terminal controls (ANSI escapes start with ESC) and the bidirectional controls
 * that make a text display other than it reads. Tab, line feed and CR LF are fine.
 */
export function checkContent(raw: unknown, field: string, limits: InputLimits): Checked<string> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  if (typeof raw !== 'string') return protocolError('INVALID_FIELD', `'${field}' must be a string`);
  return PLAIN_TEXT.test(raw) ? checkContentLength(raw, limits) : checkUnicodeContent(raw, limits);
}

function checkContentLength(raw: string, limits: InputLimits): Checked<string> {
  if (raw.trim() === '') return protocolError('CONTENT_EMPTY', 'the message is empty');
  if (raw.length > limits.maxContent) {
    return protocolError('CONTENT_TOO_LONG', `the message is longer than ${limits.maxContent} characters`);
  }
  return raw;
}

/** Every rule of checkContent, for any string (exported so a test can hold the plain path to it). */
export function checkUnicodeContent(raw: string, limits: InputLimits): Checked<string> {
  const length = checkContentLength(raw, limits);
  if (isProtocolError(length)) return length;
  if (hasTextControl(raw)) {
    return protocolError('CONTENT_INVALID', 'the message contains control characters (only tab and newline)');
  }
  if (hasBidiControl(raw)) {
    return protocolError('CONTENT_INVALID', 'the message contains text-direction override characters');
  }
  if (isBlank(raw)) return protocolError('CONTENT_INVISIBLE', 'the message has no visible character');
  return raw;
}

/**
 * A room given as a string (any dialect) or a number (workerman's `room_id`), in its canonical
 * form: NFKC, trimmed, and a room of digits without leading zeros, so 1, "1", "01", " 1" and
 * full-width "１" are one room, the one that is kept, shown and echoed.
 */
export function checkRoom(raw: unknown, field: string, allowNumber: boolean): Checked<string> {
  if (raw === undefined) return protocolError('MISSING_FIELD', `'${field}' is required`);
  let given: string;
  if (typeof raw === 'string') given = raw;
  else if (allowNumber && typeof raw === 'number' && Number.isFinite(raw)) given = String(raw);
  else
    return protocolError('INVALID_FIELD', `'${field}' must be ${allowNumber ? 'a number or ' : ''}a string`);
  const room = canonicalRoom(given);
  if (room === '' || room.length > MAX_ROOM || hasControl(room) || hasBidiControl(room)) {
    return protocolError('ROOM_INVALID', `the room must be 1 to ${MAX_ROOM} printable characters`);
  }
  const invisible = findInvisible(room);
  if (invisible) {
    return protocolError('ROOM_INVISIBLE', `the room contains an invisible character (${invisible})`);
  }
  return room;
}

export function canonicalRoom(given: string): string {
  const room = trimSpace(given.normalize('NFKC'));
  return /^[0-9]+$/.test(room) ? room.replace(/^0+(?=[0-9])/, '') : room;
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
