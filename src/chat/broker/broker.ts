// The Broker carries chat events between nodes (hubs in other processes or on other machines).
// A hub delivers to its own connections directly and publishes for the others; a broker never
// hands a node its own publications back (each node drops its own echo, as socket.io's cluster
// adapter does), so every event reaches each connection exactly once.
//
// Channels:
//   room:<room>   join, leave and public message events of a room; a node subscribes while it
//                 has at least one connection in the room;
//   node:<nodeId> private messages for users connected to that node (presence says which node).
//
// Guarantees every implementation must keep (tested by the contract suite):
//   - order: events published by one node are handled by every other node in publication order;
//   - delivery: once, to every other node subscribed to the channel at publication time, while
//     the broker is connected (memory: always); Redis also queues messages published during an
//     outage, within a bound, and delivers them after it; an event is never delivered to its
//     publisher;
//   - publish never throws and never blocks; subscription changes apply to events published after;
//   - deliverLocal is the one way in for events a node learns of without a publication: the
//     same handler, the same subscriptions, never another node (see below).
import type { ChatEvent } from '../protocol/events.js';

export type BrokerHandler = (channel: string, event: ChatEvent) => void;

export interface Broker {
  /** This node's identity: unique among the nodes sharing the broker. */
  readonly nodeId: string;
  publish(channel: string, event: ChatEvent): void;
  subscribe(channel: string): void;
  unsubscribe(channel: string): void;
  /**
   * Resolves once the subscription changes asked for so far are in effect. In-process brokers
   * apply them at once and may omit it; over a network (Redis) they take a round trip.
   */
  settled?(): Promise<void>;
  /** The single handler for events from other nodes (set once by the hub). */
  onEvent(handler: BrokerHandler): void;
  /**
   * Hands `event` to this node's handler as if another node had published it on `channel`: for
   * events this node learns of without any publication (presence finding that a node died, or
   * what it missed during an outage), so they reach local users the way every other event does.
   * Guarantees: at once (before it returns); only while this node is subscribed to `channel`
   * (asked for, settled or not) and not closed; never to any other node; a handler that throws
   * does not reach the caller.
   */
  deliverLocal(channel: string, event: ChatEvent): void;
  close(): Promise<void>;
}

export const roomChannel = (room: string): string => `room:${room}`;
export const nodeChannel = (node: string): string => `node:${node}`;
