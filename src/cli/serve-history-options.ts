// `wirechat serve` options that keep history and rooms from being used as weapons: the history's
// bounds (bytes with each room's overhead, rooms, expiry of unused rooms), the byte cap of one
// history answer and its cache, and per-connection budgets for history requests and room switches.
import type { OptionSpec, ParsedArgs } from '../shared/args.js';
import { intOption, numberOption } from '../shared/args.js';
import { DEFAULT_HISTORY_ANSWER_LIMITS } from '../chat/hub/history-answers.js';
import { DEFAULT_HISTORY_RATE, DEFAULT_ROOM_SWITCH_RATE } from '../chat/hub/hub.js';
import { DEFAULT_ROOM_LOG_LIMITS } from '../chat/store/room-logs.js';

const option = (value: string, description: string, env: string, fallback: number): OptionSpec => ({
  type: 'string',
  value,
  description,
  env,
  default: String(fallback),
});

export const historyOptionSpecs: Record<string, OptionSpec> = {
  'history-bytes': option(
    'BYTES',
    'memory for history in each process, every room charged its overhead too (least recently used rooms go first)',
    'WIRECHAT_HISTORY_BYTES',
    DEFAULT_ROOM_LOG_LIMITS.maxBytes,
  ),
  'max-rooms': option(
    'N',
    'rooms whose history is kept (least recently used go first)',
    'WIRECHAT_MAX_ROOMS',
    DEFAULT_ROOM_LOG_LIMITS.maxRooms,
  ),
  'room-expiry': option(
    'SECONDS',
    "a room's history is dropped this long after its last use once nobody is in it (0: never)",
    'WIRECHAT_ROOM_EXPIRY',
    DEFAULT_ROOM_LOG_LIMITS.expiryMs / 1000,
  ),
  'history-rate': option(
    'N',
    'history requests per second per connection (0: no limit); beyond: HISTORY_RATE_LIMITED',
    'WIRECHAT_HISTORY_RATE',
    DEFAULT_HISTORY_RATE.perSecond,
  ),
  'history-burst': option(
    'N',
    'history requests a connection may make at once',
    'WIRECHAT_HISTORY_BURST',
    DEFAULT_HISTORY_RATE.burst,
  ),
  'history-answer-bytes': option(
    'BYTES',
    'largest history answer; past it the oldest messages are left out (complete:false)',
    'WIRECHAT_HISTORY_ANSWER_BYTES',
    DEFAULT_HISTORY_ANSWER_LIMITS.answerBytes,
  ),
  'history-cache-bytes': option(
    'BYTES',
    'memory for encoded history answers reused until their room changes',
    'WIRECHAT_HISTORY_CACHE_BYTES',
    DEFAULT_HISTORY_ANSWER_LIMITS.cacheBytes,
  ),
  'room-switch-rate': option(
    'N',
    'logins and room switches per second per connection (0: no limit); beyond: ROOM_SWITCH_RATE_LIMITED',
    'WIRECHAT_ROOM_SWITCH_RATE',
    DEFAULT_ROOM_SWITCH_RATE.perSecond,
  ),
  'room-switch-burst': option(
    'N',
    'logins and room switches a connection may make at once',
    'WIRECHAT_ROOM_SWITCH_BURST',
    DEFAULT_ROOM_SWITCH_RATE.burst,
  ),
};

/** createChatServer's history fields (plain numbers: they travel to cluster workers as JSON). */
export interface HistoryOptions {
  historyBytes: number;
  maxRooms: number;
  roomExpiry: number;
  historyRate: number;
  historyBurst: number;
  historyAnswerBytes: number;
  historyCacheBytes: number;
  roomSwitchRate: number;
  roomSwitchBurst: number;
}

const GIB = 1024 * 1024 * 1024;

export function parseHistoryOptions(v: ParsedArgs['values']): HistoryOptions {
  return {
    historyBytes: intOption(v, 'history-bytes', 0, 64 * GIB),
    maxRooms: intOption(v, 'max-rooms', 0, 100_000_000),
    roomExpiry: numberOption(v, 'room-expiry', 0, 365 * 86400),
    historyRate: numberOption(v, 'history-rate', 0, 1_000_000),
    historyBurst: intOption(v, 'history-burst', 1, 1_000_000),
    historyAnswerBytes: intOption(v, 'history-answer-bytes', 1024, GIB),
    historyCacheBytes: intOption(v, 'history-cache-bytes', 0, 64 * GIB),
    roomSwitchRate: numberOption(v, 'room-switch-rate', 0, 1_000_000),
    roomSwitchBurst: intOption(v, 'room-switch-burst', 1, 1_000_000),
  };
}
