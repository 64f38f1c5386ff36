// Protocol errors: a stable SNAKE_CASE code (what tests and clients rely on) and a human line.
// Every dialect reports them with the same frame: {"type":"error","code":…,"message":…}.

export type ErrorCode =
  | 'INVALID_JSON'
  | 'NOT_AN_OBJECT'
  | 'MISSING_TYPE'
  | 'UNKNOWN_TYPE'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'NOT_LOGGED_IN'
  | 'NAME_EMPTY'
  | 'NAME_TOO_LONG'
  | 'NAME_INVALID'
  | 'NAME_INVISIBLE'
  | 'NAME_MIXED_SCRIPTS'
  | 'NAME_LOOKALIKE'
  | 'ROOM_INVALID'
  | 'ROOM_INVISIBLE'
  | 'CONTENT_EMPTY'
  | 'CONTENT_TOO_LONG'
  | 'CONTENT_INVALID'
  | 'CONTENT_INVISIBLE'
  | 'UNKNOWN_TARGET'
  | 'INVALID_TARGET'
  | 'BINARY_NOT_SUPPORTED'
  | 'FRAME_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'SLOW_CONSUMER'
  | 'HISTORY_RATE_LIMITED'
  | 'HISTORY_TRUNCATED'
  | 'ROOM_SWITCH_RATE_LIMITED'
  | 'LOGIN_TIMEOUT'
  | 'ADDRESS_RATE_LIMITED'
  | 'NAME_TAKEN';

export interface ProtocolError {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export function protocolError(code: ErrorCode, message: string): ProtocolError {
  return { type: 'error', code, message };
}

export function isProtocolError(value: unknown): value is ProtocolError {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'error';
}

/** The error frame, identical in every dialect (messages are ASCII, so no dialect escaping matters). */
export function encodeError(err: ProtocolError): string {
  return JSON.stringify({ type: 'error', code: err.code, message: err.message });
}
