// `bench broadcast-capacity`, the websocket-shootout method: C broadcasters keep one broadcast
// each in flight while clients are added in steps; the capacity is the largest client count
// whose p95 broadcast latency (send → each client's receipt) stays under the limit.
import type { LoadDialect } from './bench-message.js';
import { LoadSession } from './load-session.js';
import type { Progress } from './progress.js';
import type { TargetName } from './target.js';
import { forEachTarget } from './with-target.js';
import type { UserError } from '../shared/errors.js';

export interface CapacityOptions {
  url?: string;
  targets: TargetName[];
  dialect: LoadDialect;
  broadcasters: number;
  step: number;
  maxClients: number;
  limitMs: number;
  stepDurationSec: number;
  procs?: number;
  timeoutMs?: number;
}

export interface CapacityStep {
  clients: number;
  p95Ms: number | null;
  p99Ms: number | null;
  broadcastsPerSecond: number;
  complete: boolean;
}

export interface CapacityResult {
  /** Largest client count that stayed under the limit (0: not even the first step). */
  capacity: number;
  limitMs: number;
  steps: CapacityStep[];
  /** Why the search stopped. */
  stoppedBy: 'LIMIT_EXCEEDED' | 'MAX_CLIENTS' | 'MESSAGES_LOST' | string;
}

export async function runCapacity(options: CapacityOptions, progress: Progress) {
  return forEachTarget(options, progress, async ({ target, url }): Promise<CapacityResult> => {
    const session = new LoadSession({
      url,
      dialect: options.dialect,
      procs: options.procs,
      plannedConnections: options.maxClients + options.broadcasters,
      timeoutMs: options.timeoutMs ?? 60_000,
      progress,
    });
    const steps: CapacityStep[] = [];
    let capacity = 0;
    let stoppedBy: CapacityResult['stoppedBy'] = 'MAX_CLIENTS';
    try {
      await session.add(0, options.broadcasters);
      for (let clients = options.step; clients <= options.maxClients; clients += options.step) {
        try {
          await session.add(options.step, 0);
        } catch (err) {
          stoppedBy = (err as UserError).code ?? 'CONNECT_FAILED';
          progress.line(`${target}: adding clients failed at ${clients}: ${(err as Error).message}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 300));
        const r = await session.phase({ inflight: 1, durationMs: options.stepDurationSec * 1000 });
        const p95 = r.latencyMs?.p95 ?? null;
        const complete = r.complete === r.receivers && r.unanswered === 0;
        steps.push({
          clients,
          p95Ms: p95,
          p99Ms: r.latencyMs?.p99 ?? null,
          broadcastsPerSecond: r.elapsedMs > 0 ? Math.round((r.sent * 1000) / r.elapsedMs) : 0,
          complete,
        });
        progress.line(`${target}: ${clients} clients, p95 ${p95 ?? '-'} ms`);
        if (!complete) {
          stoppedBy = 'MESSAGES_LOST';
          break;
        }
        if (p95 === null || p95 > options.limitMs) {
          stoppedBy = 'LIMIT_EXCEEDED';
          break;
        }
        capacity = clients;
      }
      return { capacity, limitMs: options.limitMs, steps, stoppedBy };
    } finally {
      await session.close();
    }
  });
}
