// Messages between the harness and an attack swarm process (IPC, JSON). A swarm holds up to a
// few thousand connections of one kind and plays one behaviour on all of them.

export interface OpenSpec {
  port: number;
  count: number;
  /** `ws`: WebSocket upgrade; `tcp`: a bare TCP connection that sends nothing. */
  mode: 'ws' | 'tcp';
  /** Log in after the upgrade (workerman dialect); without it the connection never logs in. */
  login?: { roomPrefix: string; roomSize: number };
  /** Index of this process's first connection among all swarms (for room numbering). */
  indexBase: number;
  /** Connections being set up at once. */
  concurrency: number;
}

export type Behaviour =
  /** `{"type":"history","limit":N}` this many times a second per connection. */
  | { kind: 'history'; perSec: number; limit: number }
  /** Every `everyMs`, log in to a fresh room and say "m" there. */
  | { kind: 'hop'; everyMs: number }
  /** Say a short message this many times a second per connection. */
  | { kind: 'chatter'; perSec: number };

export type SwarmCommand =
  | { cmd: 'open'; spec: OpenSpec }
  | { cmd: 'behave'; behaviour: Behaviour }
  | { cmd: 'halt' }
  | { cmd: 'stats' }
  | { cmd: 'close' };

export interface ClosedConnection {
  /** SERVER_CLOSED_<code> for a close frame, SERVER_CLOSED for an end without one, or an error code. */
  reason: string;
  openedAt: number;
  closedAt: number;
}

export interface SwarmStats {
  open: number;
  sent: number;
  /** Messages received, by their JSON `type`. */
  received: Record<string, number>;
  /** `error` messages received, by code. */
  errors: Record<string, number>;
  closed: ClosedConnection[];
}

export type SwarmEvent =
  | { ev: 'opened'; opened: number; loggedIn: number; failed: Record<string, number> }
  | { ev: 'ok' }
  | { ev: 'stats'; stats: SwarmStats };
