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
  /**
   * Many users rather than one attacker: spread the connections over source addresses
   * 127.1.x.y, this many per address (see `spreadAddress`). Absent: all from 127.0.0.1.
   */
  perAddress?: number;
}

/** Attacks that stand for many users put this many on each source address, under the default budget. */
export const USERS_PER_ADDRESS = 20;

/**
 * The loopback source address of connection `index` when `perAddress` share one: 127.1.0.1,
 * 127.1.0.2, … (Linux answers all of 127.0.0.0/8), so the server's per-address budgets see many
 * users as they would on the internet.
 */
export function spreadAddress(index: number, perAddress: number): string {
  const n = Math.floor(index / perAddress) + 1;
  return `127.${1 + Math.floor(n / 65_536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
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
