// Choosing a connection's dialect from its first login, and parsing any frame's JSON.
import type { Codec, JsonObject } from './codec.js';
import { protocolError, type ProtocolError } from './errors.js';
import { nativeCodec } from './native-codec.js';
import { seedCodec } from './seed-codec.js';
import { workermanCodec } from './workerman-codec.js';

export const codecs = { seed: seedCodec, workerman: workermanCodec, native: nativeCodec } as const;

/** What every frame is: a JSON object with a string `type`. */
export function isFrameObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as JsonObject).type === 'string' &&
    !Array.isArray(value)
  );
}

/** The frame a text holds, or undefined when it holds none (for readers that answer nothing). */
export function parseFrameObject(text: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isFrameObject(value) ? value : undefined;
}

/** Parses one text frame into a JSON object with a string `type`, or says what is wrong with it. */
export function parseFrame(text: string): JsonObject | ProtocolError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return protocolError('INVALID_JSON', 'the message is not valid JSON');
  }
  if (isFrameObject(value)) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return protocolError('NOT_AN_OBJECT', 'the message must be a JSON object');
  }
  const type = (value as JsonObject).type;
  if (type === undefined) return protocolError('MISSING_TYPE', "the message has no 'type'");
  if (typeof type !== 'string') return protocolError('INVALID_FIELD', "'type' must be a string");
  return value as JsonObject;
}

/**
 * The dialect a logged-out connection speaks, judged by its message: `login` with `client_name`
 * is today's workerman-chat, `login` with `name` is the seed, `join` is wirechat's own.
 * Undefined when the message does not choose (then the caller answers it without a dialect).
 */
export function detectDialect(message: JsonObject): Codec | undefined {
  if (message.type === 'join') return nativeCodec;
  if (message.type !== 'login') return undefined;
  if (message.client_name !== undefined) return workermanCodec;
  if (message.name !== undefined) return seedCodec;
  return undefined;
}
