// Per-connection budgets for requests that cost the server more than they cost the client
// (history answers, room switches): a token bucket, refilled continuously, spent one per request.
// Two numbers per bucket, kept on the session; no timers.

export interface RateLimit {
  /** Tokens added per second; 0 switches the limit off. */
  perSecond: number;
  /** Tokens a bucket holds at most (and starts with): the burst allowed after a quiet spell. */
  burst: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

/** A bucket for a new connection: full. */
export const fullBucket = (limit: RateLimit, now: number): Bucket => ({ tokens: limit.burst, at: now });

/** Spends one token if there is one (refilling first); false when the budget is spent. */
export function takeToken(bucket: Bucket, limit: RateLimit, now: number): boolean {
  if (limit.perSecond <= 0) return true;
  const elapsed = Math.max(0, now - bucket.at) / 1000;
  bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsed * limit.perSecond);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
