// The hub's history options from createChatServer's plain numbers (as `wirechat serve` and the
// cluster workers pass them); anything not given keeps the hub's default.
import type { HistoryAnswerLimits } from './history-answers.js';
import { DEFAULT_HISTORY_RATE, DEFAULT_ROOM_SWITCH_RATE, type HubOptions } from './hub.js';

export interface HubHistoryNumbers {
  historyRate?: number;
  historyBurst?: number;
  historyAnswerBytes?: number;
  historyCacheBytes?: number;
  roomSwitchRate?: number;
  roomSwitchBurst?: number;
}

export function hubHistoryOptions(
  o: HubHistoryNumbers,
): Pick<HubOptions, 'historyRate' | 'roomSwitchRate' | 'historyAnswers'> {
  const answers: Partial<HistoryAnswerLimits> = {};
  if (o.historyAnswerBytes !== undefined) answers.answerBytes = o.historyAnswerBytes;
  if (o.historyCacheBytes !== undefined) answers.cacheBytes = o.historyCacheBytes;
  return {
    historyRate: {
      perSecond: o.historyRate ?? DEFAULT_HISTORY_RATE.perSecond,
      burst: o.historyBurst ?? DEFAULT_HISTORY_RATE.burst,
    },
    roomSwitchRate: {
      perSecond: o.roomSwitchRate ?? DEFAULT_ROOM_SWITCH_RATE.perSecond,
      burst: o.roomSwitchBurst ?? DEFAULT_ROOM_SWITCH_RATE.burst,
    },
    historyAnswers: answers,
  };
}
