// Attack 2, rooms as a memory weapon. `rooms`: many connections from one address, each moving to a
// fresh room and saying "m" there, then leaving; memory during and a minute after. `rooms-crowd`:
// many users each in a room of their own, then all leave; memory after.
import { Swarm, closeReasons, type OpenTotals } from './kit/swarm.js';
import { USERS_PER_ADDRESS, type SwarmStats } from './kit/swarm-protocol.js';
import { Session } from './kit/session.js';
import { mib } from './kit/memory.js';
import {
  type Attack,
  type AttackContext,
  type AttackResult,
  type Row,
  countText,
  legitClosesRow,
  legitRows,
  sized,
  sleep,
} from './kit/result.js';

export const GOAL_PEAK_ABOVE_START_MB = 200;
export const GOAL_AFTER_WITHIN_MB = 50;
/** One move and one "m" every 112 ms: a message every 56 ms, just under the default rate of 20/s. */
const HOP_EVERY_MS = 112;

function memoryRows({ start, peak, later: after }: RoomMemory, afterLabel: string): Row[] {
  return [
    { measure: 'process-group memory at start', value: `${mib(start)} MB` },
    {
      measure: 'memory peak during the attack',
      value: `${mib(peak)} MB (+${mib(peak - start)} MB)`,
      goal: `≤ start + ${GOAL_PEAK_ABOVE_START_MB} MB`,
      pass: peak - start <= GOAL_PEAK_ABOVE_START_MB * 1024 * 1024,
    },
    {
      measure: `memory ${afterLabel}`,
      value: `${mib(after)} MB (${after >= start ? '+' : ''}${mib(after - start)} MB)`,
      goal: `within ${GOAL_AFTER_WITHIN_MB} MB of start`,
      pass: after - start <= GOAL_AFTER_WITHIN_MB * 1024 * 1024,
    },
  ];
}

/** Sleeps until `ms` after `since` (the end of the attack), taking the memory then. */
async function memoryAt(s: Session, since: number, ms: number): Promise<number> {
  await sleep(Math.max(0, since + ms - Date.now()));
  return s.memory.now();
}

export interface RoomMemory {
  start: number;
  peak: number;
  later: number;
  laterMs: number;
}

export interface HopResult {
  count: number;
  opened: OpenTotals;
  stats: SwarmStats;
  memory: RoomMemory;
}

export interface CrowdResult {
  count: number;
  opened: OpenTotals;
  memory: RoomMemory;
}

/** Runs `attack` with its own swarm of `count` connections, closing the swarm whatever happens. */
async function withSwarm<T>(
  count: number,
  perProcess: number,
  attack: (swarm: Swarm) => Promise<T>,
): Promise<T> {
  const swarm = new Swarm(count, perProcess);
  try {
    return await attack(swarm);
  } finally {
    await swarm.close().catch(() => {});
  }
}

async function hoppers(s: Session, count: number, laterMs: number): Promise<HopResult> {
  await s.before();
  const start = s.memory.now();
  await s.phase('during');
  const since = Date.now();
  const { opened, stats } = await withSwarm(count, 500, async (swarm) => {
    const opened = await swarm.open({
      port: s.server.wsPort,
      mode: 'ws',
      login: { roomPrefix: 'hop-start', roomSize: 1 },
      concurrency: 50,
    });
    await swarm.behave({ kind: 'hop', everyMs: HOP_EVERY_MS });
    await sleep(sized(s.ctx.scale, 3000, 40_000));
    // Closing them is their leaving.
    return { opened, stats: await swarm.close() };
  });
  const ended = Date.now();
  const peak = s.memory.peakSince(since);
  await s.after();
  const later = await memoryAt(s, ended, laterMs);
  return { count, opened, stats, memory: { start, peak, later, laterMs } };
}

async function runHoppers(ctx: AttackContext): Promise<AttackResult> {
  const s = await Session.open(ctx);
  let r: HopResult;
  try {
    r = await hoppers(s, sized(ctx.scale, 20, 1000), sized(ctx.scale, 2000, 60_000));
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    ...legitRows('after', legit.phases.after, false),
    legitClosesRow(legit),
    {
      measure: `${r.count} connections moving to a fresh room every ${HOP_EVERY_MS} ms`,
      value: `${r.opened.loggedIn} logged in; ${r.stats.sent} messages sent; errors: ${countText(r.stats.errors)}; closes: ${countText(closeReasons(r.stats))}`,
    },
    ...memoryRows(r.memory, `${r.memory.laterMs / 1000} s after the attack`),
  ];
  return { attack: 'rooms', rows, data: { ...r, legit } };
}

async function crowd(s: Session, count: number): Promise<CrowdResult> {
  await s.before();
  const start = s.memory.now();
  await s.phase('during');
  const since = Date.now();
  const opened = await withSwarm(count, 5000, async (swarm) => {
    const opened = await swarm.open({
      port: s.server.wsPort,
      mode: 'ws',
      login: { roomPrefix: 'own', roomSize: 1 },
      concurrency: 100,
      // Many users, each behind an address shared with a few others, not one attacker.
      perAddress: USERS_PER_ADDRESS,
    });
    await sleep(sized(s.ctx.scale, 1000, 3000));
    return opened;
  });
  const ended = Date.now();
  const peak = s.memory.peakSince(since);
  await s.after();
  const later = await memoryAt(s, ended, s.quietMs);
  return { count, opened, memory: { start, peak, later, laterMs: s.quietMs } };
}

async function runCrowd(ctx: AttackContext): Promise<AttackResult> {
  const s = await Session.open(ctx);
  let r: CrowdResult;
  try {
    r = await crowd(s, sized(ctx.scale, 50, 20_000));
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    ...legitRows('after', legit.phases.after, false),
    legitClosesRow(legit),
    {
      measure: `${r.count} users, each in a room of their own, then all leave`,
      value: `${r.opened.loggedIn} logged in; failed: ${countText(r.opened.failed)}`,
    },
    ...memoryRows(r.memory, `${r.memory.laterMs / 1000} s after they left`),
  ];
  return { attack: 'rooms-crowd', rows, data: { ...r, legit } };
}

export const roomsAttack: Attack = {
  name: 'rooms',
  title: 'Rooms as a memory weapon (moving)',
  run: runHoppers,
};
export const roomsCrowdAttack: Attack = {
  name: 'rooms-crowd',
  title: 'Rooms as a memory weapon (a room each)',
  run: runCrowd,
};
