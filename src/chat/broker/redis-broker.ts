// The Broker on Redis pub/sub (see broker.ts for the guarantees). Channels map one to one onto
// Redis channels under the bus prefix: a node subscribes to `room:<room>` while it has local users
// there and to its own `node:<id>`, so Redis only sends a node what it needs. Each payload starts
// with the publishing node's id, and a node drops its own echo. All publications of a node go out
// on one connection, so Redis hands them to every subscriber in the order they were made.
import type { ChatEvent } from '../protocol/events.js';
import type { Broker, BrokerHandler } from './broker.js';
import type { RedisBus } from './redis-bus.js';

export class RedisBroker implements Broker {
  private handler: BrokerHandler = () => {};
  private readonly roomPrefix: string;
  private readonly nodePrefix: string;
  /** Publications lost because Redis was unreachable (the metrics show them). */
  dropped = 0;

  constructor(
    readonly nodeId: string,
    private readonly bus: RedisBus,
  ) {
    if (nodeId.includes('\n')) throw new Error('a node id cannot hold a newline');
    this.roomPrefix = `${bus.prefix}room:`;
    this.nodePrefix = `${bus.prefix}node:`;
    bus.onMessage((channel, message) => this.receive(channel, message));
  }

  get connected(): boolean {
    return this.bus.connected;
  }

  publish(channel: string, event: ChatEvent): void {
    if (!this.bus.connected) {
      this.dropped++;
      return;
    }
    this.bus.cmd
      .publish(this.bus.prefix + channel, `${this.nodeId}\n${JSON.stringify(event)}`)
      .catch(() => this.dropped++);
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

  /**
   * Hands an event to this node's hub as if another node had published it: presence uses it to
   * tell local users about departures it discovered itself (a node that died, an outage).
   */
  deliverLocal(channel: string, event: ChatEvent): void {
    try {
      this.handler(channel, event);
    } catch {
      // The hub logs its own errors; a failing handler must not stop the caller.
    }
  }

  async close(): Promise<void> {
    this.handler = () => {};
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
    this.deliverLocal(channel.slice(this.bus.prefix.length), event);
  }
}
