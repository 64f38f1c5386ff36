// A fan-out run whose connections the server closed (1008 at its rate limit, 1009 for a large
// frame, 1001 going away) measured the server refusing the load, not delivering it: its msg/s
// must not be read as a result. This says why, in one line.
import type { PhaseResult } from './load-session.js';

/** Close codes the chat server uses, with what they mean for a benchmark. */
const CLOSE_MEANINGS: Record<string, string> = {
  '1008': "its rate limit (lower bench's --rate or raise serve's --rate)",
  '1009': 'a message larger than its --max-frame',
  '1001': 'it was going away (stopped or restarted)',
};

/** Why the run is not a valid measurement, or undefined when it is. */
export function invalidReason(result: Pick<PhaseResult, 'closed'>): string | undefined {
  const entries = Object.entries(result.closed).filter(([, n]) => n > 0);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return undefined;
  const codes = entries
    .map(([code, n]) => {
      const plain = /(\d{4})$/.exec(code)?.[1] ?? code;
      const meaning = CLOSE_MEANINGS[plain];
      return `${plain} ×${n}${meaning ? `: ${meaning}` : ''}`;
    })
    .join('; ');
  return `the server closed ${total} connection${total === 1 ? '' : 's'} during the run (${codes}), so its msg/s is not a result`;
}
