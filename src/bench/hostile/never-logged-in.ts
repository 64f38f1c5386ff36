// Attack 3, connections that never log in: as many WebSockets as one address can open that never
// say a word (their pongs are all the server hears), then bare TCP connections to the web port.
// Measured: whether the legitimate user and the web page still get through, and how long the
// server keeps each connection.
import { Swarm, closeReasons } from './kit/swarm.js';
import { Session } from './kit/session.js';
import { httpStatus } from './kit/target-server.js';
import {
  type Attack,
  type AttackContext,
  type AttackResult,
  type Row,
  countText,
  legitClosesRow,
  legitRows,
  sized,
  spread,
} from './kit/result.js';
import type { SwarmStats } from './kit/swarm-protocol.js';
import type { OpenTotals } from './kit/swarm.js';

export const GOAL_CLOSED_WITHIN_MS = 15_000;

export interface HoldResult {
  count: number;
  opened: OpenTotals;
  stats: SwarmStats;
  /** GET /healthz answered with 200 while they were held, of so many tries. */
  webOk: number;
  webTries: number;
  watchMs: number;
  /** How long opening them took (the watch starts after). */
  openMs: number;
}

/** Opens `count` connections, watches for `watchMs` (probing the web port each second), closes the rest. */
async function hold(
  s: Session,
  count: number,
  mode: 'ws' | 'tcp',
  port: number,
  watchMs: number,
): Promise<HoldResult> {
  const swarm = new Swarm(count, 4750);
  try {
    const openStarted = Date.now();
    const opened = await swarm.open({ port, mode, concurrency: 100 });
    const openMs = Date.now() - openStarted;
    let webOk = 0;
    let webTries = 0;
    const until = Date.now() + watchMs;
    while (Date.now() < until) {
      const started = Date.now();
      webTries++;
      if ((await httpStatus(s.server.webPort, '/healthz', 1000)) === 200) webOk++;
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
    }
    const stats = await swarm.close();
    return { count, opened, stats, webOk, webTries, watchMs, openMs };
  } catch (err) {
    await swarm.close().catch(() => {});
    throw err;
  }
}

function closeGoal(h: HoldResult, maxMs: number): Pick<Row, 'goal' | 'pass'> {
  const all = h.opened.opened > 0 && h.stats.closed.length === h.opened.opened;
  // Connections still open after a watch shorter than the goal say nothing either way.
  if (!all && h.watchMs < GOAL_CLOSED_WITHIN_MS)
    return { goal: `all within ${GOAL_CLOSED_WITHIN_MS / 1000} s` };
  return {
    goal: `all within ${GOAL_CLOSED_WITHIN_MS / 1000} s`,
    pass: all && maxMs <= GOAL_CLOSED_WITHIN_MS,
  };
}

function holdRows(label: string, h: HoldResult, goal: boolean): Row[] {
  const times = spread(h.stats.closed.map((c) => c.closedAt - c.openedAt));
  const closedText =
    h.stats.closed.length === 0
      ? `none closed in ${((h.openMs + h.watchMs) / 1000).toFixed(1)} s`
      : `${h.stats.closed.length} closed after ${(times.p50 / 1000).toFixed(1)} s (p50), ${(times.max / 1000).toFixed(1)} s (max); ${countText(closeReasons(h.stats))}`;
  const rows: Row[] = [
    {
      measure: `${label}: opened`,
      value: `${h.opened.opened} of ${h.count} in ${(h.openMs / 1000).toFixed(1)} s; failed: ${countText(h.opened.failed)}`,
    },
    {
      measure: `${label}: closed by the server`,
      value: closedText,
      ...(goal ? closeGoal(h, times.max) : {}),
    },
    { measure: `${label}: web page (GET /healthz) meanwhile`, value: `${h.webOk} of ${h.webTries} answered` },
  ];
  return rows;
}

async function run(ctx: AttackContext): Promise<AttackResult> {
  const s = await Session.open(ctx);
  let ws: HoldResult, tcp: HoldResult;
  try {
    await s.before();
    // The watch outlasts the 15 s goal, so a server that meets it shows every close.
    const watchMs = sized(ctx.scale, 3000, 20_000);
    await s.phase('during (idle WebSockets)');
    ws = await hold(s, sized(ctx.scale, 20, 19_000), 'ws', s.server.wsPort, watchMs);
    await s.phase('during (idle TCP to the web port)');
    tcp = await hold(s, sized(ctx.scale, 20, 20_000), 'tcp', s.server.webPort, watchMs);
    await s.after();
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during (idle WebSockets)', legit.phases['during (idle WebSockets)'], true),
    ...holdRows('WebSockets never logged in', ws, true),
    ...legitRows(
      'during (idle TCP to the web port)',
      legit.phases['during (idle TCP to the web port)'],
      true,
    ),
    ...holdRows('idle TCP to the web port', tcp, false),
    ...legitRows('after', legit.phases.after, false),
    legitClosesRow(legit),
  ];
  return { attack: 'never-logged-in', rows, data: { ws, tcp, legit } };
}

export const neverLoggedInAttack: Attack = {
  name: 'never-logged-in',
  title: 'Connections that never log in',
  run,
};
