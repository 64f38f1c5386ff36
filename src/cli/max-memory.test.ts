// `--max-memory` as a user gives it: sizes with units, a clear usage error for anything else,
// and a run past a small budget that ends normally with its evictions in the summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { Conn, pcap } from '../testing/wire/budget-test-capture.js';
import { FLOW_COST } from '../wire/flow/flow-costs.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');

function read(args: string[], input: Buffer): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, 'read', ...args, '-'], {
    input,
    env: { ...process.env, NO_COLOR: '1', WIRECHAT_MAX_MEMORY: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), status: r.status };
}

/** 3,000 SYN-only connections (distinct client ports): about 12 MB of state, past a 1 MiB budget. */
const manyFlows = pcap(
  Array.from({ length: 3000 }, (_, i) =>
    new Conn({ ip: `10.9.${i >> 8}.${i & 255}`, port: 20000 + i }).syn(),
  ),
);

test('--max-memory: not a size, or below 1M → exit 2 with one line naming the option', () => {
  for (const bad of ['lots', '12T', '1000', '-1M']) {
    const r = read([`--max-memory=${bad}`], manyFlows);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /--max-memory/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('--max-memory 1M: the run ends normally; evictions are reported a few times and counted', () => {
  const r = read(['--max-memory', '1M', '--format', 'jsonl'], manyFlows);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const summary = JSON.parse(lines.at(-1)!) as { connections: number; evictions: Record<string, number> };
  assert.equal(summary.connections, 3000);
  // 1 MiB holds as many connections as fit at FLOW_COST each: the rest of the 3,000 were evicted.
  assert.equal(summary.evictions.FLOW_EVICTED, 3000 - Math.floor((1024 * 1024) / FLOW_COST));
  const evictionLines = lines.filter((l) => l.includes('"code":"FLOW_EVICTED"'));
  assert.equal(evictionLines.length, 20);
  assert.ok(lines.some((l) => l.includes('"code":"EVICTIONS_NOT_SHOWN"')));
  // The default budget holds them all.
  const roomy = read(['--format', 'jsonl'], manyFlows);
  const s2 = JSON.parse(roomy.stdout.trim().split('\n').at(-1)!) as { evictions: Record<string, number> };
  assert.deepEqual(s2.evictions, {});
});
