// What an attack reports: rows of "measure, result, goal, pass" for the table, plus the raw data
// for --json. Goals are the ones a server on the open internet must meet.
import type { LatencySummary } from '../../histogram.js';
import type { Progress } from '../../progress.js';
import type { PhaseReport } from './legit-protocol.js';
import type { LegitReport } from './legit-user.js';

export type Scale = 'small' | 'full';

export interface AttackContext {
  scale: Scale;
  /** The tree whose bin/wirechat.js is attacked. */
  serverRoot: string;
  /** Extra `serve` arguments for every server started. */
  serverArgs: string[];
  progress: Progress;
}

export interface Row {
  measure: string;
  value: string;
  goal?: string;
  pass?: boolean;
}

export interface AttackResult {
  attack: string;
  rows: Row[];
  data: Record<string, unknown>;
}

export interface Attack {
  name: string;
  title: string;
  run(ctx: AttackContext): Promise<AttackResult>;
}

export const GOAL_ROUND_TRIP_P95_MS = 250;
export const GOAL_CONNECT_MS = 1000;

/** `small` for tests (seconds), `full` for the benchmark. */
export function sized<T>(scale: Scale, small: T, full: T): T {
  return scale === 'full' ? full : small;
}

const ms = (v: number): string => (v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));

export function latencyText(s: LatencySummary | null): string {
  // HDR buckets can put a percentile a hair above the exact max: never show one above it.
  return s
    ? `${ms(Math.min(s.p50, s.max))} / ${ms(Math.min(s.p95, s.max))} / ${ms(s.max)} ms`
    : 'none measured';
}

/**
 * The legitimate user's rows for one phase: round trip (p50/p95/max, lost) and connect time.
 * During an attack the goals apply; before and after they are shown for comparison.
 */
export function legitRows(name: string, p: PhaseReport | undefined, underAttack: boolean): Row[] {
  if (!p) return [{ measure: `legit user ${name}`, value: 'no measurement (phase not reached)' }];
  const rt: Row = {
    measure: `round trip ${name} (p50 / p95 / max)`,
    value: `${latencyText(p.roundTrip)}; ${p.lost} of ${p.sent} never came back`,
  };
  const connects = (p.connect?.count ?? 0) + p.connectFailed;
  const connect: Row = {
    measure: `connect ${name} (p50 / p95 / max)`,
    value: `${latencyText(p.connect)}; ${p.connectFailed} of ${connects} failed`,
  };
  if (underAttack) {
    // A message that never came back is slower than any goal: one lost fails the phase.
    rt.goal = `p95 ≤ ${GOAL_ROUND_TRIP_P95_MS} ms, none lost`;
    rt.pass = p.roundTrip !== null && p.roundTrip.p95 <= GOAL_ROUND_TRIP_P95_MS && p.lost === 0;
    connect.goal = `≤ ${GOAL_CONNECT_MS / 1000} s`;
    connect.pass = p.connect !== null && p.connect.max <= GOAL_CONNECT_MS && p.connectFailed === 0;
  }
  return [rt, connect];
}

/** How the server closed the legitimate user's connection, if it did (it reconnects each time). */
export function legitClosesRow(legit: LegitReport): Row {
  const codes = legit.closes.map((c) => c.code);
  return {
    measure: "legitimate user's connection closed by the server",
    value: codes.length ? `${codes.length} time(s): ${codes.join(', ')}` : 'never',
  };
}

export function countText(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** p50 and max of a list of numbers (0 for an empty list). */
export function spread(values: number[]): { p50: number; max: number } {
  if (values.length === 0) return { p50: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, max: sorted[sorted.length - 1]! };
}

export const sleep = (msDelay: number): Promise<void> => new Promise((r) => setTimeout(r, msDelay));
