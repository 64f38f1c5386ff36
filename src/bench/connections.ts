// `bench connections`: opens N logged-in users from several client processes, measures the
// server's RSS before and after (when its process is known), then checks that every user still
// receives a final broadcast.
import { readFileSync } from 'node:fs';
import type { Dialect } from './bench-message.js';
import { LoadSession } from './load-session.js';
import type { Progress } from './progress.js';
import type { TargetName } from './target.js';
import { forEachTarget, type TargetRun } from './with-target.js';

export interface ConnectionsOptions {
  url?: string;
  targets: TargetName[];
  dialect: Dialect;
  users: number;
  /** The server's process id when it runs elsewhere on this machine (with --url). */
  pid?: number;
  procs?: number;
  timeoutMs?: number;
}

export interface ConnectionsResult {
  users: number;
  processes: number;
  rssBeforeBytes: number | null;
  rssAfterBytes: number | null;
  bytesPerUser: number | null;
  /** Users that received the final broadcast (its sender counts when its own copy came back). */
  reached: number;
  allReached: boolean;
  closed: Record<string, number>;
}

/** VmRSS of a process on this machine, or null when it cannot be read. */
export function readRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export async function runConnections(options: ConnectionsOptions, progress: Progress) {
  return forEachTarget(options, progress, async (t: TargetRun): Promise<ConnectionsResult> => {
    const rss = async (): Promise<number | null> =>
      t.started ? t.started.rss() : options.pid ? readRss(options.pid) : null;
    const session = new LoadSession({
      url: t.url,
      dialect: options.dialect,
      procs: options.procs,
      plannedConnections: options.users,
      timeoutMs: options.timeoutMs ?? 60_000,
      progress,
    });
    try {
      const before = await rss();
      progress.line(`${t.target}: opening ${options.users} users (${session.processCount} client processes)`);
      // One of the users is the one who sends the final broadcast.
      await session.add(options.users - 1, 1);
      await new Promise((r) => setTimeout(r, 500));
      const after = await rss();
      progress.line(`${t.target}: all ${options.users} users logged in; sending the final broadcast`);
      const final = await session.phase({
        inflight: 1,
        durationMs: 60_000,
        maxPerSender: 1,
        drainMs: 30_000,
      });
      const reached = final.complete + (final.sent === 1 && final.unanswered === 0 ? 1 : 0);
      return {
        users: options.users,
        processes: session.processCount,
        rssBeforeBytes: before,
        rssAfterBytes: after,
        bytesPerUser: before !== null && after !== null ? Math.round((after - before) / options.users) : null,
        reached,
        allReached: reached === options.users,
        closed: final.closed,
      };
    } finally {
      await session.close();
    }
  });
}
