// `bench connections`: opens N logged-in users from several client processes, measures the
// server's RSS before and after (when its process is known), then checks that every user still
// receives a final broadcast.
import { readFileSync } from 'node:fs';
import type { LoadDialect } from './bench-message.js';
import { LoadSession } from './load-session.js';
import type { Progress } from './progress.js';
import type { TargetName } from './target.js';
import { forEachTarget, type TargetRun } from './with-target.js';

export interface ConnectionsOptions {
  url?: string;
  targets: TargetName[];
  dialect: LoadDialect;
  users: number;
  /**
   * Rooms the users are spread over (workerman dialect): logins broadcast to their room only, so
   * 100,000 users need many rooms. One user per room sends the final broadcast.
   */
  rooms?: number;
  /** The server's process ids when it runs elsewhere on this machine (with --url); RSS is summed. */
  pid?: number | number[];
  procs?: number;
  timeoutMs?: number;
  /**
   * Seconds to wait after the logins before reading RSS (default 0.5). A server this command did
   * not start cannot be made to collect its garbage; given time, V8 collects it when idle.
   */
  settleSec?: number;
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
    const pids = options.pid === undefined ? [] : ([] as number[]).concat(options.pid);
    const rss = async (): Promise<number | null> => {
      if (t.started) return t.started.rss();
      const each = pids.map(readRss);
      return each.length > 0 && each.every((r) => r !== null) ? each.reduce((a, b) => a! + b!, 0) : null;
    };
    const rooms = options.rooms ?? 1;
    const session = new LoadSession({
      url: t.url,
      dialect: options.dialect,
      procs: options.procs,
      plannedConnections: options.users,
      timeoutMs: options.timeoutMs ?? 60_000,
      progress,
      rooms,
    });
    try {
      const before = await rss();
      progress.line(`${t.target}: opening ${options.users} users (${session.processCount} client processes)`);
      // One user per room sends the final broadcast.
      await session.add(options.users - rooms, rooms);
      await new Promise((r) => setTimeout(r, (options.settleSec ?? 0.5) * 1000));
      const after = await rss();
      progress.line(`${t.target}: all ${options.users} users logged in; sending the final broadcast`);
      const final = await session.phase({
        inflight: 1,
        durationMs: 60_000,
        maxPerSender: 1,
        drainMs: 30_000,
        // Every user must be reached: wait for the last one however slow the machine is, up to
        // the timeout. (With the default 3 s idle cut-off, a loaded machine left users "unreached"
        // whose message was merely late: 136 of 200 once.)
        collectTimeoutMs: 60_000,
        collectIdleMs: 60_000,
        // Each receiver hears its own room's sender only.
        expectedPerReceiver: (sent) => (sent === rooms ? 1 : sent),
      });
      const senderReached = final.sent === rooms ? rooms - final.unanswered : 0;
      const reached = final.complete + senderReached;
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
