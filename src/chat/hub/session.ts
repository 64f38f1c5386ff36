// A connection as the hub sees it: kept small (issue: 100k users per process), no timers.
import type { Codec } from '../protocol/codec.js';
import type { UserRef } from '../protocol/events.js';
import type { Link } from './link.js';
import type { Bucket } from './token-bucket.js';

export class Session {
  /** The dialect, chosen by the first successful login. */
  codec: Codec | undefined = undefined;
  /** Set while logged in. */
  user: UserRef | undefined = undefined;
  room: string | undefined = undefined;
  closed = false;
  /** History requests' budget, made on the first request. */
  historyBudget: Bucket | undefined = undefined;
  /** Logins' (room switches') budget, made on the first login. */
  switchBudget: Bucket | undefined = undefined;
  /** The hash of this identity's session token (dialects with sessions only). */
  resume: string | undefined = undefined;
  /** When this session last had a typing notice passed on (they are throttled). */
  typingAt = 0;

  constructor(
    /** The user id; replaced by the returning identity's when a session token is presented. */
    public id: number,
    /** Replaced for a moment while a history answer is awaited (see history-reply.ts). */
    public link: Link,
  ) {}
}
