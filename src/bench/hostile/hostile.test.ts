// The hostile-load suite at its small scale, against real `wirechat serve` process groups. Part 1
// checks the harness measures what it claims (round trips, connects, memory, closes, answers).
// Part 2 checks the defences' observable outcomes that do not depend on timing; it runs on the
// results of part 1 (plus one run with a short login timeout).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../shared/paths.js';
import { Progress } from '../progress.js';
import type { AttackContext, AttackResult } from './kit/result.js';
import type { LegitReport } from './kit/legit-user.js';
import type { SwarmStats } from './kit/swarm-protocol.js';
import { historyAttack } from './history.js';
import { roomsAttack, roomsCrowdAttack, type CrowdResult, type HopResult } from './rooms.js';
import { neverLoggedInAttack, type HoldResult } from './never-logged-in.js';
import { metricsAttack, type ScrapeResult } from './metrics-scrape.js';
import { slowSocketsAttack, type SlowSocket } from './slow-sockets.js';
import { shutdownAttack, type ShutdownResult } from './shutdown.js';
import { TEXT_SAMPLES, samplePasses, textAttack, type SampleOutcome } from './text-samples.js';

const ctx = (serverArgs: string[] = []): AttackContext => ({
  scale: 'small',
  serverRoot: projectRoot,
  serverArgs,
  progress: new Progress(process.stderr, true),
});

const RUN = fileURLToPath(new URL('./run.js', import.meta.url));

const results = new Map<string, AttackResult>();
function result(name: string): AttackResult {
  const r = results.get(name);
  assert.ok(r, `the ${name} attack ran in part 1`);
  return r;
}

/** Every phase named saw round trips come back and fresh connects succeed. */
function assertMeasured(legit: LegitReport, phases: string[]): void {
  for (const name of phases) {
    const p = legit.phases[name];
    assert.ok(p, `phase ${name} measured`);
    assert.ok(p.sent > 0 && p.roundTrip !== null && p.roundTrip.count > 0, `round trips in ${name}`);
    assert.ok(p.connect !== null && p.connect.count > 0, `connects in ${name}`);
    assert.ok(p.roundTrip.p50 > 0 && p.roundTrip.max >= p.roundTrip.p50);
  }
}

// The attacks of part 1 run side by side: each has its own server on its own ports, and nothing
// asserted depends on timing, so sharing the machine changes no outcome, only the wall time.
describe('part 1: the harness measures what it claims', { concurrency: true }, () => {
  test('history: requests sent and answered, round trips in every phase', async () => {
    const r = await historyAttack.run(ctx());
    results.set('history', r);
    const { waves, legit } = r.data as {
      waves: { connections: number; opened: number; stats: SwarmStats }[];
      legit: LegitReport;
    };
    assertMeasured(legit, ['before', 'during (1 conn)', 'during (5 conn)', 'after']);
    assert.deepEqual(
      waves.map((w) => [w.connections, w.opened]),
      [
        [1, 1],
        [5, 5],
      ],
    );
    for (const w of waves) {
      assert.ok(w.stats.sent > w.connections * 10, 'requests sent at 19/s');
      const answered =
        (w.stats.received.history ?? 0) + Object.values(w.stats.errors).reduce((a, b) => a + b, 0);
      assert.ok(answered > 0, 'answers (history or error) counted');
    }
  });

  test('rooms: moves sent, memory sampled at start, peak and after', async () => {
    const r = await roomsAttack.run(ctx());
    results.set('rooms', r);
    const { stats, opened, memory, legit } = r.data as unknown as HopResult & { legit: LegitReport };
    assertMeasured(legit, ['before', 'during', 'after']);
    assert.equal(opened.loggedIn, 20);
    assert.ok(stats.sent > 20 * 10, 'every connection moved and spoke repeatedly');
    // A node process group of primary + workers is tens of MB at least.
    for (const v of [memory.start, memory.peak, memory.later]) assert.ok(v > 20 * 1024 * 1024, String(v));
  });

  test('rooms-crowd: every user logged in to a room of their own, memory sampled', async () => {
    const r = await roomsCrowdAttack.run(ctx());
    const { opened, memory, legit } = r.data as unknown as CrowdResult & { legit: LegitReport };
    assertMeasured(legit, ['before', 'during', 'after']);
    assert.equal(opened.loggedIn, 50);
    assert.ok(memory.peak > 20 * 1024 * 1024 && memory.later > 20 * 1024 * 1024);
  });

  test('never-logged-in: idle WebSockets and TCP connections held, the web port probed', async () => {
    const r = await neverLoggedInAttack.run(ctx());
    const { ws, tcp, legit } = r.data as { ws: HoldResult; tcp: HoldResult; legit: LegitReport };
    assertMeasured(legit, [
      'before',
      'during (idle WebSockets)',
      'during (idle TCP to the web port)',
      'after',
    ]);
    assert.equal(ws.opened.opened, 20);
    assert.equal(tcp.opened.opened, 20);
    assert.ok(ws.webTries > 0 && ws.webOk > 0, 'the web port was probed and answered');
  });

  test('metrics: scrape loops counted, bodies checked', async () => {
    const r = await metricsAttack.run(ctx());
    results.set('metrics', r);
    const { result: scrape, legit } = r.data as { result: ScrapeResult; legit: LegitReport };
    assertMeasured(legit, ['before', 'during', 'after']);
    assert.equal(scrape.failed, 0);
    assert.ok(scrape.scrapes >= scrape.loops && scrape.namedRoom <= scrape.scrapes);
  });

  test('slow: every slow socket timed, the 405 seen', async () => {
    const r = await slowSocketsAttack.run(ctx());
    const { sockets, legit } = r.data as { sockets: SlowSocket[]; legit: LegitReport };
    assertMeasured(legit, ['before', 'during', 'after']);
    assert.equal(sockets.length, 5);
    assert.match(sockets.find((k) => k.name.includes('405'))!.answer, /^HTTP\/1\.1 405/);
    for (const k of sockets) assert.ok(k.heldMs === null || k.heldMs >= 0);
  });

  test('shutdown: every client counted with how its connection ended, exit timed', async () => {
    const r = await shutdownAttack.run(ctx());
    results.set('shutdown', r);
    const { result: sd, legit } = r.data as { result: ShutdownResult; legit: LegitReport };
    assertMeasured(legit, ['before', 'during (load)']);
    assert.equal(sd.opened.loggedIn, 20);
    assert.ok(sd.stats.sent > 20, 'the clients chatted');
    assert.equal(sd.stats.closed.length + sd.stats.open, 20, 'every client accounted for');
    // The 1001 count and its denominator are the same connections: those open at SIGTERM.
    assert.equal(sd.openAtSignal, 20);
    assert.ok(sd.goingAwayInTime <= sd.openAtSignal);
    assert.ok(sd.exitMs !== null && sd.exitMs >= 0);
    assert.equal(sd.exitCode, 0);
    assert.ok(legit.closes.length > 0, "the legitimate user's close recorded");
  });

  test('text: every sample answered; a refusal carries its code', async () => {
    const r = await textAttack.run(ctx());
    results.set('text', r);
    const { outcomes, legit } = r.data as { outcomes: SampleOutcome[]; legit: LegitReport };
    assertMeasured(legit, ['before', 'during', 'after']);
    assert.equal(outcomes.length, TEXT_SAMPLES.length);
    for (const o of outcomes) {
      assert.notEqual(o.outcome, 'no answer', o.label);
      if (o.outcome === 'refused') assert.match(o.code ?? '', /^[A-Z_]+$/, o.label);
    }
    // Refused long before these defences: proof that a refusal is seen as one.
    const control = outcomes.find((o) => o.label === 'name with a control character')!;
    assert.deepEqual([control.outcome, control.code], ['refused', 'NAME_INVALID']);
  });
});

test('the command: a bad option value or attack name is one line and exit code 2', () => {
  for (const args of [
    ['--scale', 'huge'],
    ['--attack', 'nope'],
    ['--server-root', '/nonexistent'],
  ]) {
    const r = spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^bench:hostile: /);
  }
});

describe('part 2: the defences hold (outcomes that do not depend on timing)', () => {
  test('history requests past the budget are answered with HISTORY_RATE_LIMITED', () => {
    const { waves } = result('history').data as { waves: { stats: SwarmStats }[] };
    for (const w of waves)
      assert.ok((w.stats.errors.HISTORY_RATE_LIMITED ?? 0) > 0, JSON.stringify(w.stats.errors));
  });

  test('room switches past the budget are answered with ROOM_SWITCH_RATE_LIMITED', () => {
    const { stats } = result('rooms').data as { stats: SwarmStats };
    assert.ok((stats.errors.ROOM_SWITCH_RATE_LIMITED ?? 0) > 0, JSON.stringify(stats.errors));
  });

  test('connections that never log in are closed: 4408 (--login-timeout 1), idle TCP (--header-timeout 1)', async () => {
    const r = await neverLoggedInAttack.run(ctx(['--login-timeout', '1', '--header-timeout', '1']));
    const { ws, tcp } = r.data as { ws: HoldResult; tcp: HoldResult };
    assert.equal(ws.opened.opened, 20);
    assert.equal(ws.stats.closed.length, 20, 'every idle WebSocket closed by the server');
    for (const c of ws.stats.closed) assert.equal(c.reason, 'SERVER_CLOSED_4408');
    assert.equal(tcp.opened.opened, 20);
    assert.equal(tcp.stats.closed.length, 20, 'every idle TCP connection closed by the server');
  });

  test('/metrics names no room', () => {
    const { result: scrape } = result('metrics').data as { result: ScrapeResult };
    assert.ok(scrape.scrapes > 0);
    assert.equal(scrape.namedRoom, 0);
  });

  test('every client of the shutdown attack gets 1001, none 1008', () => {
    const { result: sd } = result('shutdown').data as { result: ShutdownResult };
    const reasons = sd.stats.closed.map((c) => c.reason);
    assert.deepEqual(reasons, Array(20).fill('SERVER_CLOSED_1001'));
  });

  test('every invisible or look-alike sample is refused (or cleaned / merged into its canonical room)', () => {
    const { outcomes } = result('text').data as { outcomes: SampleOutcome[] };
    assert.deepEqual(
      outcomes.filter((o) => !samplePasses(o)).map((o) => `${o.label}: ${o.outcome}`),
      [],
    );
  });
});
