// What the in-process brokers (memory, IPC) share: the set of channels this node subscribes to,
// checked when an event arrives, so subscription changes take effect at once with no round trip,
// and the one way in (deliverLocal) for events from other nodes and from this node's presence alike.
import type { ChatEvent } from '../protocol/events.js';
import type { Broker, BrokerHandler } from './broker.js';

export abstract class LocalSubscriptions implements Broker {
  abstract readonly nodeId: string;
  protected readonly channels = new Set<string>();
  protected handler: BrokerHandler = () => {};
  protected closed = false;

  abstract publish(channel: string, event: ChatEvent): void;
  abstract close(): Promise<void>;

  subscribe(channel: string): void {
    this.channels.add(channel);
  }

  unsubscribe(channel: string): void {
    this.channels.delete(channel);
  }

  onEvent(handler: BrokerHandler): void {
    this.handler = handler;
  }

  isSubscribed(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** Events from the other nodes arrive here too: one check of the subscriptions for both. */
  deliverLocal(channel: string, event: ChatEvent): void {
    if (this.closed || !this.channels.has(channel)) return;
    try {
      this.handler(channel, event);
    } catch {
      // A failing handler must not stop the caller (another node's batch); the hub logs its own errors.
    }
  }
}
