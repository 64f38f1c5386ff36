import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixturesDir, projectRoot } from '../shared/paths.js';

const lean = join(projectRoot, 'dist', 'bench', 'read-lean.js');
const cli = join(projectRoot, 'bin', 'wirechat.js');

function run(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('the lean baseline prints exactly the message lines of read --events ws.message --no-chat', () => {
  for (const name of [
    'workerman-2014-seed-session.pcap',
    'workerman-current-session.pcap',
    'ws-large-frame.pcap',
  ]) {
    const file = join(fixturesDir, name);
    const mine = run([lean, file]);
    assert.equal(mine.status, 0, mine.stderr);
    const read = run([cli, 'read', '-q', '--format', 'jsonl', '--events', 'ws.message', '--no-chat', file]);
    const lines = read.stdout.trim().split('\n');
    assert.equal(JSON.parse(lines.pop()!).event, 'summary');
    assert.ok(lines.length >= 2, name);
    assert.equal(mine.stdout, lines.join('\n') + '\n', name);
  }
});

test('the lean baseline stops with exit 3 on what it does not read (compression, pcapng)', () => {
  for (const [name, why] of [
    ['ws-echo-lo.pcap', /a compressed frame/],
    ['ws-echo-any-dumpcap.pcapng', /not a little-endian pcap/],
  ] as const) {
    const r = run([lean, join(fixturesDir, name)]);
    assert.equal(r.status, 3, name);
    assert.match(r.stderr, why);
  }
});
