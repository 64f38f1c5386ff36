// Reconnect delays: exponential back-off with jitter, so a server that is down (or that closes
// every new connection at once) is never hammered in a tight loop, and many pages that lost the
// same server do not all come back in the same instant.

export type BackoffOptions = {
  /** Delay scale of the first retry, in ms. */
  baseMs: number;
  /** Ceiling of the delay, in ms. */
  maxMs: number;
  /** A number in [0, 1); injectable so tests can pin it. */
  random?: () => number;
};

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

/**
 * The delay before retry number `attempt` (0 for the first retry). "Equal jitter": half of the
 * exponential step is fixed, half is random, so the delay is never below half a step (no tight
 * loop even with an unlucky random draw) and never above the ceiling.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff): number {
  const random = options.random ?? Math.random;
  const safeAttempt = Math.max(0, Math.min(Number.isFinite(attempt) ? Math.floor(attempt) : 0, 30));
  const step = Math.min(options.maxMs, options.baseMs * 2 ** safeAttempt);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}
