// A connection as the hub sees it: kept small (issue: 100k users per process), no timers.
import type { Codec } from '../protocol/codec.js';
import type { UserRef } from '../protocol/events.js';
import type { Link } from './link.js';

export class Session {
  /** The dialect, chosen by the first successful login. */
  codec: Codec | undefined = undefined;
  /** Set while logged in. */
  user: UserRef | undefined = undefined;
  room: string | undefined = undefined;
  closed = false;

  constructor(
    readonly id: number,
    /** Replaced for a moment while a history answer is awaited (see history-reply.ts). */
    public link: Link,
  ) {}
}
