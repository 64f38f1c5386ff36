// Messages between the harness and the legitimate user's process (IPC, JSON).
import type { LatencySummary } from '../../histogram.js';

/**
 * The legitimate user's own source address: the attackers of a one-client attack come from
 * 127.0.0.1, and a user behind another address must not pay for their per-address budget.
 */
export const LEGIT_LOCAL_ADDRESS = '127.0.0.2';

export type LegitCommand =
  | { cmd: 'start'; url: string }
  /** From now on, round trips and connects count for this phase. */
  | { cmd: 'phase'; name: string; reconnect: boolean }
  | { cmd: 'report'; graceMs: number }
  | { cmd: 'stop' };

export interface PhaseReport {
  /** Round trips (send → own broadcast back) of messages sent in this phase. */
  roundTrip: LatencySummary | null;
  sent: number;
  /** Messages sent in this phase whose broadcast never came back. */
  lost: number;
  /** Fresh connections (TCP + upgrade + login answered) started in this phase. */
  connect: LatencySummary | null;
  connectFailed: number;
}

export type LegitEvent =
  | { ev: 'ready'; connectMs: number }
  | { ev: 'failed'; message: string }
  | { ev: 'phase-set' }
  | {
      ev: 'report';
      phases: Record<string, PhaseReport>;
      /** Close codes the main connection saw (1006 when the socket ended without a close frame). */
      closes: { code: number; at: number }[];
    };
