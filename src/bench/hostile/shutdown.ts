// Attack 6, shutdown under load: clients chatting 5 messages a second each (rooms of 10), then
// SIGTERM to the server's primary. Counted: which clients got their 1001, which 1008, which were
// cut off without a close frame, and how long the server took to exit.
import { Swarm, closeReasons } from './kit/swarm.js';
import { Session } from './kit/session.js';
import {
  type Attack,
  type AttackContext,
  type AttackResult,
  type Row,
  countText,
  legitRows,
  sized,
  sleep,
} from './kit/result.js';
import type { OpenTotals } from './kit/swarm.js';
import { USERS_PER_ADDRESS, type SwarmStats } from './kit/swarm-protocol.js';

export const GOAL_SHUTDOWN_MS = 5000;
const EXIT_LIMIT_MS = 30_000;

export interface ShutdownResult {
  count: number;
  opened: OpenTotals;
  stats: SwarmStats;
  /** Connections still open when SIGTERM was sent: the ones owed a 1001. */
  openAtSignal: number;
  /** Of those, the ones that got a 1001 close frame within the goal after SIGTERM. */
  goingAwayInTime: number;
  /** From SIGTERM to the primary's exit (null: not within the limit, then killed). */
  exitMs: number | null;
  exitCode: number | null;
  /** From SIGTERM to the last process of the group gone. */
  groupGoneMs: number | null;
}

async function run(ctx: AttackContext): Promise<AttackResult> {
  const count = sized(ctx.scale, 20, 2000);
  const s = await Session.open(ctx);
  let result: ShutdownResult;
  try {
    await s.before();
    await s.phase('during (load)');
    const swarm = new Swarm(count, 1000);
    try {
      const opened = await swarm.open({
        port: s.server.wsPort,
        mode: 'ws',
        login: { roomPrefix: 'load', roomSize: 10 },
        concurrency: 100,
        // Legitimate load from many users: a few per address, each address under its budget.
        perAddress: USERS_PER_ADDRESS,
      });
      await swarm.behave({ kind: 'chatter', perSec: 5 });
      await sleep(sized(ctx.scale, 1000, 5000));
      await s.phase('shutdown', false);
      const sigAt = s.server.terminate();
      const exitCode = await Promise.race([s.server.exited, sleep(EXIT_LIMIT_MS).then(() => undefined)]);
      const exitMs = exitCode === undefined ? null : s.server.exitedAt - sigAt;
      let groupGoneMs: number | null = null;
      while (Date.now() - sigAt < EXIT_LIMIT_MS) {
        if (!s.server.groupAlive()) {
          groupGoneMs = Date.now() - sigAt;
          break;
        }
        await sleep(50);
      }
      // Closes still on their way to the client processes.
      await sleep(500);
      await swarm.halt();
      const stats = await swarm.stats();
      await swarm.close();
      // Both counts are of the same connections: those open at SIGTERM (logged in or not).
      const afterSignal = stats.closed.filter((c) => c.closedAt >= sigAt);
      const openAtSignal = afterSignal.length + stats.open;
      const goingAwayInTime = afterSignal.filter(
        (c) => c.reason === 'SERVER_CLOSED_1001' && c.closedAt - sigAt <= GOAL_SHUTDOWN_MS,
      ).length;
      result = {
        count,
        opened,
        stats,
        openAtSignal,
        goingAwayInTime,
        exitMs,
        exitCode: exitCode ?? null,
        groupGoneMs,
      };
    } catch (err) {
      await swarm.close().catch(() => {});
      throw err;
    }
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const reasons = closeReasons(result.stats);
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during (load)', legit.phases['during (load)'], true),
    {
      measure: `${count} clients at 5 msg/s: logged in`,
      value: `${result.opened.loggedIn}; failed: ${countText(result.opened.failed)}`,
    },
    {
      measure: 'how their connections ended after SIGTERM',
      value: `${countText(reasons)}; still open: ${result.stats.open}`,
    },
    {
      measure: `connections open at SIGTERM that got 1001 within ${GOAL_SHUTDOWN_MS / 1000} s`,
      value: `${result.goingAwayInTime} of ${result.openAtSignal}`,
      goal: 'all',
      pass: result.openAtSignal > 0 && result.goingAwayInTime === result.openAtSignal,
    },
    {
      measure: 'clients closed with 1008 while shutting down',
      value: String(reasons.SERVER_CLOSED_1008 ?? 0),
      goal: 'none',
      pass: (reasons.SERVER_CLOSED_1008 ?? 0) === 0,
    },
    {
      measure: 'SIGTERM to exit (primary; whole group)',
      value: `${result.exitMs === null ? 'no exit' : `${(result.exitMs / 1000).toFixed(1)} s`} (code ${result.exitCode}); ${result.groupGoneMs === null ? 'group still alive' : `${(result.groupGoneMs / 1000).toFixed(1)} s`}`,
      goal: `≤ ${GOAL_SHUTDOWN_MS / 1000} s`,
      pass: result.groupGoneMs !== null && result.groupGoneMs <= GOAL_SHUTDOWN_MS,
    },
    {
      measure: "the legitimate user's close codes",
      value: legit.closes.map((c) => c.code).join(', ') || 'none',
    },
  ];
  return { attack: 'shutdown', rows, data: { result, legit } };
}

export const shutdownAttack: Attack = { name: 'shutdown', title: 'Shutdown under load', run };
