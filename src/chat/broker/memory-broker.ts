// Brokers for nodes living in one process: they share a MemoryBus. A single server uses a bus of
// its own (nothing is ever published to another node); tests join several hubs on one bus to
// exercise cross-node routing without any external service.
import type { ChatEvent } from '../protocol/events.js';
import { LocalSubscriptions } from './local-subscriptions.js';

interface Pending {
  from: MemoryBroker;
  channel: string;
  event: ChatEvent;
}

export class MemoryBus {
  private readonly nodes = new Set<MemoryBroker>();
  private queue: Pending[] = [];
  private scheduled = false;

  join(node: MemoryBroker): void {
    this.nodes.add(node);
  }

  leave(node: MemoryBroker): void {
    this.nodes.delete(node);
  }

  /**
   * Queued and handed over in a later microtask, in one global FIFO: that keeps every node's
   * publication order, and a handler that publishes never re-enters another handler.
   */
  post(pending: Pending): void {
    this.queue.push(pending);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const { from, channel, event } of batch) {
      for (const node of this.nodes) {
        if (node !== from) node.deliverLocal(channel, event);
      }
    }
  }
}

export class MemoryBroker extends LocalSubscriptions {
  constructor(
    readonly nodeId: string,
    private readonly bus: MemoryBus = new MemoryBus(),
  ) {
    super();
    bus.join(this);
  }

  publish(channel: string, event: ChatEvent): void {
    if (!this.closed) this.bus.post({ from: this, channel, event });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    this.bus.leave(this);
  }
}
