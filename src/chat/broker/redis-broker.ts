// The Broker on Redis pub/sub (see broker.ts for the guarantees). Channels map one to one onto
// Redis channels under the bus prefix: a node subscribes to `room:<room>` while it has local users
// there and to its own `node:<id>`, so Redis only sends a node what it needs. Each payload starts
// with the publishing node's id, and a node drops its own echo. All publications of a node go out
// on one connection, so Redis hands them to every subscriber in the order they were made.
//
// While Redis is unreachable, messages (public and private) wait in a bounded outbox
// (redis-outbox.ts) and go out, in order and before any newer publication, once the connection and
// this node's subscriptions are back; joins and leaves are reconciled by presence instead.
// Pub/sub keeps nothing for a node that is not subscribed yet, so the outbox first waits (up to
// `peerWaitMs`) until each of its channels has as many subscribers as the last publication on it
// before the outage reached: the other nodes reconnect on their own back-off and would otherwise
// miss what was kept for them. A publication in flight when the connection drops is not repeated
// (Redis may have delivered it already): it is counted as dropped unless ioredis resends it.
import type { ChatEvent } from '../protocol/events.js';
import type { Broker, BrokerHandler } from './broker.js';
import type { RedisBus } from './redis-bus.js';
import { RedisOutbox, type OutboxLimits } from './redis-outbox.js';

export interface RedisBrokerOptions {
  /** Bound of the outage outbox (default 10,000 publications or 8 MiB, whichever first). */
  outbox?: OutboxLimits;
  /** Longest wait, after a return, for the other nodes to subscribe again (ms, default 10 s). */
  peerWaitMs?: number;
}

/** Channels whose last subscriber count is remembered (older ones are forgotten first). */
const REACH_ENTRIES = 10_000;
/** Channels asked about in one PUBSUB NUMSUB. */
const NUMSUB_BATCH = 1000;

export class RedisBroker implements Broker {
  private handler: BrokerHandler = () => {};
  private readonly roomPrefix: string;
  private readonly nodePrefix: string;
  private readonly outbox: RedisOutbox;
  private readonly peerWaitMs: number;
  /** How many subscribers the last publication on each channel reached. */
  private readonly reach = new Map<string, number>();
  private replaying = false;
  private warned = false;
  private closed = false;
  /** Publications lost: past the outbox bound, in flight when Redis went away, or at close. */
  dropped = 0;

  constructor(
    readonly nodeId: string,
    private readonly bus: RedisBus,
    options: RedisBrokerOptions = {},
  ) {
    if (nodeId.includes('\n')) throw new Error('a node id cannot hold a newline');
    this.roomPrefix = `${bus.prefix}room:`;
    this.nodePrefix = `${bus.prefix}node:`;
    this.outbox = new RedisOutbox(options.outbox);
    this.peerWaitMs = options.peerWaitMs ?? 10_000;
    bus.onMessage((channel, message) => this.receive(channel, message));
    bus.onConnected(() => void this.replay());
  }

  get connected(): boolean {
    return this.bus.connected;
  }

  /** Publications waiting for Redis to come back. */
  get queued(): number {
    return this.outbox.size;
  }

  publish(channel: string, event: ChatEvent): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    const payload = `${this.nodeId}\n${JSON.stringify(event)}`;
    // Behind a non-empty outbox even when connected: newer publications never overtake it.
    if (this.bus.connected) {
      if (this.outbox.size === 0) this.send(channel, payload);
      else this.hold(channel, payload);
    } else if (event.type === 'message') {
      this.hold(channel, payload);
    }
    // Joins and leaves made while disconnected are not kept: presence re-registers this node's
    // users on return and the other nodes announce the difference (redis-presence.ts checks the
    // same `connected`), so replaying them would repeat it.
  }

  subscribe(channel: string): void {
    this.bus.subscribe(this.bus.prefix + channel);
  }

  unsubscribe(channel: string): void {
    this.bus.unsubscribe(this.bus.prefix + channel);
  }

  settled(): Promise<void> {
    return this.bus.settled();
  }

  onEvent(handler: BrokerHandler): void {
    this.handler = handler;
  }

  /** See broker.ts: what this node asked to subscribe to is known here, before Redis confirms it. */
  deliverLocal(channel: string, event: ChatEvent): void {
    if (!this.closed && this.bus.isSubscribed(this.bus.prefix + channel)) this.hand(channel, event);
  }

  /** Never waits for Redis: what is still queued is counted as dropped, so shutdown cannot hang. */
  async close(): Promise<void> {
    this.closed = true;
    this.handler = () => {};
    const lost = this.outbox.clear();
    if (lost > 0) {
      this.dropped += lost;
      this.bus.logger.warn({ dropped: lost }, 'closing during a redis outage: queued publications dropped');
    }
  }

  private send(channel: string, payload: string): void {
    this.bus.cmd.publish(this.bus.prefix + channel, payload).then(
      (receivers) => this.remember(channel, receivers),
      () => this.dropped++,
    );
  }

  private hold(channel: string, payload: string): void {
    const lost = this.outbox.push(channel, payload);
    if (lost === 0) return;
    this.dropped += lost;
    if (this.warned) return;
    this.warned = true; // once per outage: the metric counts every one
    this.bus.logger.warn(
      { maxCount: this.outbox.maxCount, maxBytes: this.outbox.maxBytes },
      'redis outbox full: dropping the oldest publications until redis is back',
    );
  }

  private remember(channel: string, receivers: number): void {
    this.reach.delete(channel);
    if (receivers <= 0) return;
    this.reach.set(channel, receivers);
    if (this.reach.size > REACH_ENTRIES) this.reach.delete(this.reach.keys().next().value!);
  }

  /** Sends the outbox once the connection, our subscriptions and the other nodes are back. */
  private async replay(): Promise<void> {
    if (this.replaying || this.closed || this.outbox.size === 0) return;
    this.replaying = true;
    try {
      // Our resubscription (and presence's re-registration, issued in the same event) goes first.
      await this.bus.settled();
      await this.waitForPeers();
      if (!this.bus.connected || this.closed) return; // the next return tries again
      // One synchronous pass: ioredis writes these commands in this order on one connection, and
      // anything published afterwards goes after them.
      const count = this.outbox.size;
      for (let p = this.outbox.shift(); p; p = this.outbox.shift()) this.send(p.channel, p.payload);
      this.warned = false;
      this.bus.logger.info({ published: count }, 'redis back: publications kept during the outage sent');
    } finally {
      this.replaying = false;
    }
    // A return that happened while this one was waiting found it busy: take its turn now.
    if (this.outbox.size > 0 && this.bus.connected && !this.closed) void this.replay();
  }

  /** Up to `peerWaitMs`, until every waiting channel has the subscribers it had before the outage. */
  private async waitForPeers(): Promise<void> {
    const deadline = Date.now() + this.peerWaitMs;
    while (Date.now() < deadline && this.bus.connected && !this.closed) {
      const wanted = this.outbox
        .channels()
        .filter((c) => this.reach.has(c))
        .slice(0, NUMSUB_BATCH);
      if (wanted.length === 0) return;
      try {
        const reply = (await this.bus.cmd.pubsub(
          'NUMSUB',
          ...wanted.map((c) => this.bus.prefix + c),
        )) as unknown[];
        if (wanted.every((c, i) => Number(reply[2 * i + 1]) >= this.reach.get(c)!)) return;
      } catch {
        // Lost again: the loop ends on the connection check, and the next return starts over.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private receive(channel: string, message: string): void {
    if (!channel.startsWith(this.roomPrefix) && !channel.startsWith(this.nodePrefix)) return;
    const cut = message.indexOf('\n');
    if (cut < 0 || message.slice(0, cut) === this.nodeId) return;
    let event: ChatEvent;
    try {
      event = JSON.parse(message.slice(cut + 1)) as ChatEvent;
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null || typeof event.room !== 'string') return;
    this.hand(channel.slice(this.bus.prefix.length), event);
  }

  private hand(channel: string, event: ChatEvent): void {
    try {
      this.handler(channel, event);
    } catch {
      // The hub logs its own errors; a failing handler must not stop the caller.
    }
  }
}
