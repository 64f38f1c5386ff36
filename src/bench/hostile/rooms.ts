// Attack 2, rooms as a memory weapon. `rooms`: many connections from one address, each moving to a
// fresh room and saying "m" there, then leaving; memory during and a minute after. `rooms-crowd`:
// many users each in a room of their own, then all leave; memory after.
import { Swarm, closeReasons } from './kit/swarm.js';
import { Session } from './kit/session.js';
import { mib } from './kit/memory.js';
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

export const GOAL_PEAK_ABOVE_START_MB = 200;
export const GOAL_AFTER_WITHIN_MB = 50;
/** One move and one "m" every 112 ms: a message every 56 ms, just under the default rate of 20/s. */
const HOP_EVERY_MS = 112;

function memoryRows(start: number, peak: number, after: number, afterLabel: string): Row[] {
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

async function runHoppers(ctx: AttackContext): Promise<AttackResult> {
  const count = sized(ctx.scale, 20, 1000);
  const afterMs = sized(ctx.scale, 2000, 60_000);
  const s = await Session.open(ctx);
  let data: Record<string, unknown>;
  let start: number, peak: number, later: number;
  try {
    await s.before();
    start = s.memory.now();
    await s.phase('during');
    const since = Date.now();
    const swarm = new Swarm(count, 500);
    const opened = await swarm.open({
      port: s.server.wsPort,
      mode: 'ws',
      login: { roomPrefix: 'hop-start', roomSize: 1 },
      concurrency: 50,
    });
    await swarm.behave({ kind: 'hop', everyMs: HOP_EVERY_MS });
    await sleep(sized(ctx.scale, 3000, 40_000));
    const stats = await swarm.close();
    const ended = Date.now();
    peak = s.memory.peakSince(since);
    await s.after();
    later = await memoryAt(s, ended, afterMs);
    data = { count, opened, stats, memory: { start, peak, later, afterMs } };
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const stats = data.stats as Awaited<ReturnType<Swarm['close']>>;
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    ...legitRows('after', legit.phases.after, false),
    {
      measure: `${count} connections moving to a fresh room every ${HOP_EVERY_MS} ms`,
      value: `${stats.sent} messages sent; errors: ${countText(stats.errors)}; closes: ${countText(closeReasons(stats))}`,
    },
    ...memoryRows(start, peak, later, `${afterMs / 1000} s after the attack`),
  ];
  return { attack: 'rooms', rows, data: { ...data, legit } };
}

async function runCrowd(ctx: AttackContext): Promise<AttackResult> {
  const count = sized(ctx.scale, 50, 20_000);
  const s = await Session.open(ctx);
  let data: Record<string, unknown>;
  let start: number, peak: number, later: number;
  try {
    await s.before();
    start = s.memory.now();
    await s.phase('during');
    const since = Date.now();
    const swarm = new Swarm(count);
    const opened = await swarm.open({
      port: s.server.wsPort,
      mode: 'ws',
      login: { roomPrefix: 'own', roomSize: 1 },
      concurrency: 100,
    });
    await sleep(sized(ctx.scale, 1000, 3000));
    await swarm.close();
    const ended = Date.now();
    peak = s.memory.peakSince(since);
    await s.after();
    later = await memoryAt(s, ended, s.quietMs);
    data = { count, opened, memory: { start, peak, later } };
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const opened = data.opened as Awaited<ReturnType<Swarm['open']>>;
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    ...legitRows('after', legit.phases.after, false),
    {
      measure: `${count} users, each in a room of their own, then all leave`,
      value: `${opened.loggedIn} logged in; failed: ${countText(opened.failed)}`,
    },
    ...memoryRows(start, peak, later, `${s.quietMs / 1000} s after they left`),
  ];
  return { attack: 'rooms-crowd', rows, data: { ...data, legit } };
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
