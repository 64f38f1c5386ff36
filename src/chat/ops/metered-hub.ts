// The hub, counting what goes through it for /metrics: frames and bytes in (receive), frames and
// bytes out (every session's link), errors by code (reject). Subclassing keeps the hub itself free
// of metrics and costs one call per frame.
import { Hub, type HubOptions } from '../hub/hub.js';
import type { Link } from '../hub/link.js';
import type { Session } from '../hub/session.js';
import type { ProtocolError } from '../protocol/errors.js';
import type { ChatCounters } from './metrics.js';

export class MeteredHub extends Hub {
  constructor(
    private readonly counters: ChatCounters,
    options: HubOptions,
  ) {
    super(options);
  }

  override connect(link: Link): Session {
    return super.connect(new MeteredLink(link, this.counters));
  }

  override receive(session: Session, text: string): void {
    this.counters.messagesIn++;
    this.counters.bytesIn += Buffer.byteLength(text);
    super.receive(session, text);
  }

  override reject(session: Session, error: ProtocolError): void {
    const errors = this.counters.errors;
    // Codes come from our own table, so the label set stays small.
    errors.set(error.code, (errors.get(error.code) ?? 0) + 1);
    super.reject(session, error);
  }
}

/** A link that counts what it sends: a small object per connection, no closures. */
class MeteredLink implements Link {
  constructor(
    private readonly link: Link,
    private readonly counters: ChatCounters,
  ) {}

  send(frame: Buffer): void {
    this.counters.messagesOut++;
    this.counters.bytesOut += frame.length;
    this.link.send(frame);
  }

  close(code: number, reason: string): void {
    this.link.close(code, reason);
  }
}
