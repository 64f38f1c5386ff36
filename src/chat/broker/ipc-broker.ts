// The Broker across the worker processes of one machine (`wirechat serve --workers N`), with no
// external service: publications go to the cluster's primary over node's IPC channel (batched
// per turn, see cluster/worker-bus.ts), the primary relays them to every other worker, and each
// worker keeps those of the channels it subscribes to. Filtering on arrival makes subscription
// changes take effect at once (no round trip), at the cost of relaying every publication to
// every worker, which is cheap for the few workers of one machine.
//
// Guarantees (broker.ts): the IPC channels and the primary's relay are FIFO, so one node's events
// reach every other node in publication order; never back to the publisher (the primary relays
// to the others only); once per subscribed node.
import type { ChatEvent } from '../protocol/events.js';
import type { WorkerBus } from '../cluster/worker-bus.js';
import { LocalSubscriptions } from './local-subscriptions.js';

export class IpcBroker extends LocalSubscriptions {
  constructor(
    readonly nodeId: string,
    private readonly bus: WorkerBus,
  ) {
    super();
    bus.attach({ event: (channel, event) => this.deliver(channel, event) });
  }

  publish(channel: string, event: ChatEvent): void {
    if (!this.closed) this.bus.post({ op: 'pub', channel, event });
  }

  async close(): Promise<void> {
    // What this node published before closing (its users' departures) still goes out.
    this.bus.flush();
    this.closed = true;
    this.channels.clear();
  }

  private deliver(channel: string, event: ChatEvent): void {
    if (!this.closed && this.isSubscribed(channel)) this.handler(channel, event);
  }
}
