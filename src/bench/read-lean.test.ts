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

test('the lean baseline prints exactly the message lines of read --events ws.message [--no-chat]', () => {
  const names = [
    'workerman-2014-seed-session.pcap',
    'workerman-current-session.pcap',
    'ws-large-frame.pcap',
    'ws-echo-lo.pcap', // permessage-deflate
  ];
  for (const name of names) {
    for (const chat of [true, false]) {
      const file = join(fixturesDir, name);
      const mine = run([lean, ...(chat ? ['--chat'] : []), file]);
      assert.equal(mine.status, 0, mine.stderr);
      const options = ['-q', '--format', 'jsonl', '--events', 'ws.message', ...(chat ? [] : ['--no-chat'])];
      const lines = run([cli, 'read', ...options, file])
        .stdout.trim()
        .split('\n');
      assert.equal(JSON.parse(lines.pop()!).event, 'summary');
      assert.ok(lines.length >= 2, name);
      assert.equal(mine.stdout, lines.join('\n') + '\n', `${name} ${chat ? 'with' : 'without'} chat`);
      if (chat && name.startsWith('workerman')) assert.match(mine.stdout, /"chat":\{"dialect"/);
    }
  }
});

test('the lean baseline stops with exit 3 on what it does not read (pcapng)', () => {
  const r = run([lean, join(fixturesDir, 'ws-echo-any-dumpcap.pcapng')]);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /not a little-endian pcap: not an easy case/);
});
