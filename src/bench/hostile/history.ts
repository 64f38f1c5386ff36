// Attack 1, history as a CPU weapon: a room of long CJK messages, then connections asking for
// its whole history 19 times a second each (under the message rate), in the workerman dialect
// whose answers are the largest.
import { UserError } from '../../shared/errors.js';
import { Swarm, closeReasons } from './kit/swarm.js';
import { ChatSocket } from './kit/chat-socket.js';
import { Session } from './kit/session.js';
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
import type { SwarmStats } from './kit/swarm-protocol.js';

export const HISTORY_ROOM = 'cjk-0';
export const HISTORY_PER_SEC = 19;

/** Fills the room with `count` messages of `chars` CJK characters, paced under the message rate. */
async function seedRoom(url: string, count: number, chars: number): Promise<void> {
  const seeder = await ChatSocket.open(url);
  try {
    await seeder.login('seeder', HISTORY_ROOM);
    for (let i = 0; i < count; i++) {
      const content = Array.from({ length: chars }, (_, j) =>
        String.fromCharCode(0x4e00 + ((i * 7 + j) % 20000)),
      ).join('');
      seeder.send({ type: 'say', to_client_id: 'all', to_client_name: 'all', content });
      await sleep(60);
    }
    // Every one echoed back: all of them are in the history.
    for (let echoed = 0; echoed < count; echoed++) {
      const echo = await seeder.next((m) => m.type === 'say');
      if (!echo)
        throw new UserError(`seeding the history room stopped after ${echoed} messages`, 'SEED_FAILED');
    }
  } finally {
    seeder.close();
  }
}

async function run(ctx: AttackContext): Promise<AttackResult> {
  const s = await Session.open(ctx);
  const waves: { connections: number; opened: number; stats: SwarmStats }[] = [];
  try {
    const [messages, chars] = sized(ctx.scale, [10, 400], [100, 4000]);
    ctx.progress.line(`  seeding ${messages} messages of ${chars} CJK characters`);
    await seedRoom(s.server.wsUrl, messages, chars);
    await s.before();
    for (const connections of [1, 5]) {
      await s.phase(`during (${connections} conn)`);
      const swarm = new Swarm(connections);
      try {
        const opened = await swarm.open({
          port: s.server.wsPort,
          mode: 'ws',
          login: { roomPrefix: 'cjk', roomSize: 1_000_000 },
          concurrency: 5,
        });
        await swarm.behave({ kind: 'history', perSec: HISTORY_PER_SEC, limit: 100 });
        await sleep(sized(ctx.scale, 2000, 20_000));
        waves.push({ connections, opened: opened.loggedIn, stats: await swarm.close() });
      } catch (err) {
        await swarm.close().catch(() => {});
        throw err;
      }
    }
    await s.after();
  } catch (err) {
    await s.close();
    throw err;
  }
  const legit = await s.finish();
  const rows: Row[] = [...legitRows('before', legit.phases.before, false)];
  for (const w of waves) {
    rows.push(
      ...legitRows(`during (${w.connections} conn)`, legit.phases[`during (${w.connections} conn)`], true),
    );
    rows.push({
      measure: `history requests (${w.connections} conn at ${HISTORY_PER_SEC}/s)`,
      value: `${w.stats.sent} sent, ${w.stats.received.history ?? 0} answered with history; errors: ${countText(w.stats.errors)}; closes: ${countText(closeReasons(w.stats))}`,
      goal: 'past the budget: an error code',
      pass: (w.stats.errors.HISTORY_RATE_LIMITED ?? 0) > 0,
    });
  }
  rows.push(...legitRows('after', legit.phases.after, false));
  rows.push(legitClosesRow(legit));
  return { attack: 'history', rows, data: { waves, legit } };
}

export const historyAttack: Attack = { name: 'history', title: 'History as a CPU weapon', run };
