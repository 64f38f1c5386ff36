// bench fanout against real servers on free ports: every target, both dialects, small load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runFanout, type FanoutRun } from './fanout.js';
import { Progress } from './progress.js';
import { freePort } from '../shared/free-port.js';
import { projectRoot } from '../shared/paths.js';
import { UserError } from '../shared/errors.js';
import type { TargetName } from './target.js';

const quiet = new Progress(process.stderr, true);

function assertSane(run: FanoutRun, receivers: number): void {
  const r = run.result;
  assert.ok(r.sent > 0, `${run.target}: something was sent`);
  assert.equal(r.receivers, receivers);
  assert.equal(r.complete, receivers, `${run.target}: every receiver got every message`);
  assert.equal(r.delivered, r.sent * receivers, `${run.target}: delivered = sent × receivers`);
  assert.equal(r.missing + r.extra + r.outOfOrder, 0);
  assert.equal(r.unanswered, 0, `${run.target}: the sender got its own copies back`);
  assert.ok(r.deliveredPerSecond > 0);
  const l = r.latencyMs!;
  assert.equal(l.count, r.delivered);
  assert.ok(l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max, `${run.target}: percentiles ordered`);
  assert.deepEqual(r.closed, {});
}

for (const [target, dialect] of [
  ['naive', 'seed'],
  ['limit', 'workerman'],
  ['wirechat', 'seed'],
  ['wirechat', 'workerman'],
] as Array<[TargetName, 'seed' | 'workerman']>) {
  test(`fanout against ${target} (${dialect}): every message reaches every receiver, sane numbers`, async () => {
    const runs = await runFanout(
      { targets: [target], dialect, receivers: 4, senders: 2, inflight: 4, durationSec: 0.5, procs: 1 },
      quiet,
    );
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.target, target);
    assertSane(runs[0]!, 4);
  });
}

test('an unreachable --url is one clear error with a stable code', async () => {
  const port = await freePort();
  await assert.rejects(
    runFanout(
      {
        url: `ws://127.0.0.1:${port}/`,
        targets: [],
        dialect: 'seed',
        receivers: 2,
        senders: 1,
        inflight: 1,
        durationSec: 0.2,
        procs: 1,
      },
      quiet,
    ),
    (err: unknown) => err instanceof UserError && err.code === 'TARGET_UNREACHABLE',
  );
});

test('the CLI runs a small fanout, prints JSON on stdout and exits by itself', () => {
  const cli = join(projectRoot, 'bin', 'wirechat.js');
  const args = [
    'bench',
    'fanout',
    '--target',
    'limit',
    '--receivers',
    '3',
    '--inflight',
    '2',
    '--duration',
    '0.3',
  ];
  const res = spawnSync(process.execPath, [cli, ...args, '--json', '--procs', '1'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout) as { runs: FanoutRun[] };
  assert.equal(out.runs[0]!.target, 'limit');
  assert.ok(out.runs[0]!.result.delivered > 0);
  assert.equal(out.runs[0]!.result.complete, 3);
  const bad = spawnSync(process.execPath, [cli, 'bench', 'fanout', '--dialect', 'klingon'], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
});

test('fanout --rate paces the senders: never more than rate × time (+ the window) is sent', async () => {
  const [run] = await runFanout(
    {
      targets: ['wirechat'],
      dialect: 'seed',
      receivers: 4,
      senders: 2,
      inflight: 4,
      rate: 20,
      durationSec: 1,
      procs: 1,
    },
    quiet,
  );
  assertSane(run!, 4);
  // Unpaced, this load sends thousands of messages a second; paced, at most 2 × (20 + 4).
  assert.ok(run!.result.sent <= 2 * (20 + 4), `sent ${run!.result.sent}`);
});
