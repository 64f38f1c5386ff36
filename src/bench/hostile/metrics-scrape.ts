// Attack 4, /metrics scraping: scrape loops on the web port while a room with a secret name is in
// use; does any body name the room, and what does scraping cost the legitimate user?
import { ChatSocket } from './kit/chat-socket.js';
import { Session } from './kit/session.js';
import { createHistogram, recordMicros, summarize } from '../histogram.js';
import {
  type Attack,
  type AttackContext,
  type AttackResult,
  type Row,
  latencyText,
  legitClosesRow,
  legitRows,
  sized,
} from './kit/result.js';

export const SECRET_ROOM = 'secret-deal-room-2024';

export interface ScrapeResult {
  loops: number;
  scrapes: number;
  failed: number;
  /** Bodies in which the secret room's name appears. */
  namedRoom: number;
  latency: ReturnType<typeof summarize>;
}

async function scrape(port: number, loops: number, durationMs: number): Promise<ScrapeResult> {
  const latency = createHistogram();
  const result = { loops, scrapes: 0, failed: 0, namedRoom: 0 };
  const until = Date.now() + durationMs;
  const loop = async (): Promise<void> => {
    while (Date.now() < until) {
      const started = process.hrtime.bigint();
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
        const body = await res.text();
        recordMicros(latency, Number(process.hrtime.bigint() - started) / 1000);
        result.scrapes++;
        if (body.includes(SECRET_ROOM)) result.namedRoom++;
      } catch {
        result.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  return { ...result, latency: summarize(latency) };
}

async function run(ctx: AttackContext): Promise<AttackResult> {
  const s = await Session.open(ctx);
  let result: ScrapeResult;
  const insider = await ChatSocket.open(s.server.wsUrl).catch(async (err: unknown) => {
    await s.close();
    throw err;
  });
  try {
    await insider.login('insider', SECRET_ROOM);
    await s.before();
    await s.phase('during');
    result = await scrape(s.server.webPort, sized(ctx.scale, 4, 32), sized(ctx.scale, 2000, 20_000));
    await s.after();
  } catch (err) {
    await s.close();
    throw err;
  } finally {
    insider.close();
  }
  const legit = await s.finish();
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    {
      measure: `${result.loops} scrape loops: scrapes (p50 / p95 / max)`,
      value: `${result.scrapes} in all, ${result.failed} failed; ${latencyText(result.latency)}`,
    },
    {
      measure: 'bodies naming a room in use',
      value: `${result.namedRoom} of ${result.scrapes}`,
      goal: 'none',
      pass: result.scrapes > 0 && result.namedRoom === 0,
    },
    ...legitRows('after', legit.phases.after, false),
    legitClosesRow(legit),
  ];
  return { attack: 'metrics', rows, data: { result, legit } };
}

export const metricsAttack: Attack = { name: 'metrics', title: '/metrics scraping', run };
