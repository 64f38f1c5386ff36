// The little chat the baseline servers speak: enough of the seed and workerman dialects for a
// client to log in (acknowledged as the chat would) and say something to everyone. No rooms,
// history, escaping, presence lists or validation beyond not crashing: baselines measure the
// cost of moving bytes, not of chat logic. The dialect of a login is chosen the chat's own way.
import { detectDialect } from '../../chat/protocol/dialects.js';
import type { LoadDialect } from '../bench-message.js';

export interface BaselineUser {
  id: number;
  name: string;
  dialect: LoadDialect;
}

export type ClientAction =
  | { kind: 'login'; dialect: LoadDialect; name: string }
  | { kind: 'say'; content: string }
  | { kind: 'pong' }
  | { kind: 'ignore' };

/** Reads one client text message; anything unexpected is ignored. */
export function readClientMessage(text: string): ClientAction {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'ignore' };
  }
  if (typeof msg !== 'object' || msg === null) return { kind: 'ignore' };
  const m = msg as Record<string, unknown>;
  if (m.type === 'login') {
    const dialect = detectDialect(m)?.dialect;
    const name = dialect === 'workerman' ? m.client_name : m.name;
    if (dialect !== 'native' && dialect !== undefined && typeof name === 'string')
      return { kind: 'login', dialect, name };
  } else if (m.type === 'say' && typeof m.content === 'string') {
    return { kind: 'say', content: m.content };
  } else if (m.type === 'ping') {
    return { kind: 'pong' };
  }
  return { kind: 'ignore' };
}

let cachedSecond = -1;
let cachedTime = '';

/** `YYYY-MM-DD HH:MM:SS`, formatted at most once per second. */
export function chatTime(nowMs = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    const d = new Date(nowMs);
    const p = (n: number): string => String(n).padStart(2, '0');
    cachedTime = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  return cachedTime;
}

/** The newcomer's acknowledgement, shaped like the chat's own answer in that dialect. */
export function loginReply(user: BaselineUser): string {
  const time = chatTime();
  return user.dialect === 'seed'
    ? JSON.stringify({ type: 'login', uid: user.id, name: user.name, time })
    : JSON.stringify({
        type: 'login',
        client_id: String(user.id),
        client_name: user.name,
        time,
        client_list: { [String(user.id)]: user.name },
      });
}

/** A say-to-all as the chat broadcasts it in one dialect. */
export function sayBroadcast(dialect: LoadDialect, from: BaselineUser, content: string): string {
  const time = chatTime();
  return dialect === 'seed'
    ? JSON.stringify({ type: 'say', from_uid: from.id, to_uid: 'all', content, time })
    : JSON.stringify({
        type: 'say',
        from_client_id: String(from.id),
        from_client_name: from.name,
        to_client_id: 'all',
        content,
        time,
      });
}

/** Unique ids for the users of one server. */
export function createIdSource(): () => number {
  let next = 100_000_000;
  return () => next++;
}

/** A baseline server once listening. */
export interface BaselineServer {
  port: number;
  close(): Promise<void>;
}
