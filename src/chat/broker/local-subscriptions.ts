// What the in-process brokers (memory, IPC) share: the set of channels this node subscribes to,
// checked when an event arrives, so subscription changes take effect at once with no round trip.
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
}
