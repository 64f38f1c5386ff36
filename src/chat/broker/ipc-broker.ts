// The Broker across the worker processes of one machine (`wirechat serve --workers N`), with no
// external service: publications go to the cluster's primary over node's IPC channel (batched
// per turn by the cluster's worker bus), the primary relays them to every other worker, and each
// worker keeps those of the channels it subscribes to. Filtering on arrival makes subscription
// changes take effect at once (no round trip), at the cost of relaying every publication to
// every worker, which is cheap for the few workers of one machine.
//
// Guarantees (broker.ts): the IPC channels and the primary's relay are FIFO, so one node's events
// reach every other node in publication order; never back to the publisher (the primary relays
// to the others only); once per subscribed node.
import type { ChatEvent } from '../protocol/events.js';
import { LocalSubscriptions } from './local-subscriptions.js';

/** One publication on its way to the other processes. */
export interface RelayedPublication {
  op: 'pub';
  channel: string;
  event: ChatEvent;
}

/**
 * What the IPC broker needs of the link to the other processes (the cluster's worker bus is
 * one): a FIFO way out that never hands a publication back to this process, and a way in.
 */
export interface RelayLink {
  /** Queues a publication for every other process, after those queued before it. */
  post(publication: RelayedPublication): void;
  /** Sends what is queued now instead of at the end of the turn. */
  flush(): void;
  /** Publications from the other processes, each once, in each publisher's order. */
  attach(sinks: { event(channel: string, event: ChatEvent): void }): void;
}

export class IpcBroker extends LocalSubscriptions {
  constructor(
    readonly nodeId: string,
    private readonly link: RelayLink,
  ) {
    super();
    link.attach({ event: (channel, event) => this.deliverLocal(channel, event) });
  }

  publish(channel: string, event: ChatEvent): void {
    if (!this.closed) this.link.post({ op: 'pub', channel, event });
  }

  async close(): Promise<void> {
    // What this node published before closing (its users' departures) still goes out.
    this.link.flush();
    this.closed = true;
    this.channels.clear();
  }
}
