// What the load generator says and how it recognises its own messages in the server's frames.
// Every bench message's content holds a fixed-width marker `#wcb<sender 6><seq 10><µs 16>`; a
// receiver finds it with one byte search and reads digits, never parsing the JSON around it.

import type { Dialect } from '../chat/protocol/events.js';

/** The dialects the load generator speaks: the two workerman ones (the page's has its own client). */
export type LoadDialect = Extract<Dialect, 'seed' | 'workerman'>;
export const LOAD_DIALECTS: readonly LoadDialect[] = ['seed', 'workerman'];

export const MARKER = Buffer.from('#wcb');
const SENDER_DIGITS = 6;
const SEQ_DIGITS = 10;
const TIME_DIGITS = 16;
export const MARKER_LENGTH = MARKER.length + SENDER_DIGITS + SEQ_DIGITS + TIME_DIGITS;

export function loginMessage(dialect: LoadDialect, name: string, room = 1): string {
  return dialect === 'seed'
    ? JSON.stringify({ type: 'login', name })
    : JSON.stringify({ type: 'login', client_name: name, room_id: room });
}

/** A say-to-everyone message whose content starts with a zeroed marker, and where it starts. */
export function sayTemplate(dialect: LoadDialect, padding = 0): { payload: Buffer; markerAt: number } {
  const content = '#'.repeat(MARKER_LENGTH) + 'x'.repeat(padding);
  const text =
    dialect === 'seed'
      ? JSON.stringify({ type: 'say', to_uid: 'all', content })
      : JSON.stringify({ type: 'say', to_client_id: 'all', to_client_name: 'all', content });
  const payload = Buffer.from(text);
  const markerAt = payload.indexOf('#'.repeat(MARKER_LENGTH));
  MARKER.copy(payload, markerAt);
  return { payload, markerAt };
}

function writeDigits(buf: Buffer, at: number, width: number, value: number): void {
  let v = value;
  for (let i = at + width - 1; i >= at; i--) {
    buf[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
}

/** Fills the marker at markerAt with sender, sequence number and send time (µs since epoch). */
export function writeMarker(
  buf: Buffer,
  markerAt: number,
  sender: number,
  seq: number,
  micros: number,
): void {
  let at = markerAt + MARKER.length;
  writeDigits(buf, at, SENDER_DIGITS, sender);
  at += SENDER_DIGITS;
  writeDigits(buf, at, SEQ_DIGITS, seq);
  at += SEQ_DIGITS;
  writeDigits(buf, at, TIME_DIGITS, micros);
}

function readDigits(buf: Buffer, at: number, width: number): number {
  let v = 0;
  for (let i = at; i < at + width; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Decoded marker fields; reused by the caller to avoid an allocation per message. */
export interface MarkerFields {
  sender: number;
  seq: number;
  micros: number;
}

/** Reads the marker whose `#wcb` starts at `at` (within end); false if it is not a full marker. */
export function readMarker(buf: Buffer, at: number, end: number, out: MarkerFields): boolean {
  if (at + MARKER_LENGTH > end) return false;
  let p = at + MARKER.length;
  out.sender = readDigits(buf, p, SENDER_DIGITS);
  p += SENDER_DIGITS;
  out.seq = readDigits(buf, p, SEQ_DIGITS);
  p += SEQ_DIGITS;
  out.micros = readDigits(buf, p, TIME_DIGITS);
  return out.sender >= 0 && out.seq >= 0 && out.micros >= 0;
}

/** Microseconds since the epoch, comparable across processes on this machine. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const LOGIN_ACKS = ['"type":"login"', '"type":"user_list"', '"type":"welcome"'].map((s) => Buffer.from(s));
const ERROR_TYPE = Buffer.from('"type":"error"');
const PING_TEXT = Buffer.from('{"type":"ping"}');

/** How a frame received while waiting for the login answer reads. */
export function classifyLoginReply(buf: Buffer, start: number, end: number): 'ack' | 'error' | 'other' {
  const view = buf.subarray(start, end);
  if (LOGIN_ACKS.some((needle) => view.includes(needle))) return 'ack';
  if (view.includes(ERROR_TYPE)) return 'error';
  return 'other';
}

/** True for the workerman heartbeat `{"type":"ping"}` (answered with `{"type":"pong"}`). */
export function isJsonPing(buf: Buffer, start: number, end: number): boolean {
  return end - start === PING_TEXT.length && buf.compare(PING_TEXT, 0, PING_TEXT.length, start, end) === 0;
}
