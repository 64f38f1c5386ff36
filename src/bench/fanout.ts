// `bench fanout`: N receivers and S senders in one room, W messages in flight per sender for a
// fixed time; delivered messages per second and send → receive latency.
import type { LoadDialect } from './bench-message.js';
import { LoadSession, type PhaseResult } from './load-session.js';
import type { Progress } from './progress.js';
import type { TargetName } from './target.js';
import { forEachTarget } from './with-target.js';

export interface FanoutOptions {
  url?: string;
  targets: TargetName[];
  dialect: LoadDialect;
  receivers: number;
  senders: number;
  inflight: number;
  /** Messages per second per sender (paced, still at most `inflight` outstanding); 0: as fast as possible. */
  rate?: number;
  durationSec: number;
  procs?: number;
  timeoutMs?: number;
}

export interface FanoutRun {
  target: TargetName | 'url';
  url: string;
  result: PhaseResult;
}

export async function runFanout(options: FanoutOptions, progress: Progress): Promise<FanoutRun[]> {
  return forEachTarget(options, progress, async ({ target, url, started }) => {
    const session = new LoadSession({
      url,
      dialect: options.dialect,
      procs: options.procs,
      plannedConnections: options.receivers + options.senders,
      timeoutMs: options.timeoutMs ?? 30_000,
      progress,
    });
    try {
      progress.line(
        `${target}: opening ${options.receivers} receivers and ${options.senders} senders (${session.processCount} client processes)`,
      );
      await session.add(options.receivers, options.senders);
      // Let the storm of login notices settle so it is not measured as part of the load.
      await new Promise((r) => setTimeout(r, 300));
      progress.line(
        `${target}: sending for ${options.durationSec} s, ${options.inflight} in flight per sender` +
          (options.rate ? `, ${options.rate} msg/s per sender` : ''),
      );
      const result = await session.phase({
        inflight: options.inflight,
        rate: options.rate ?? 0,
        durationMs: options.durationSec * 1000,
        ...(started ? { serverCpu: () => started.cpuMs() } : {}),
      });
      progress.line(`${target}: ${result.deliveredPerSecond} msg/s delivered`);
      return result;
    } finally {
      await session.close();
    }
  });
}
