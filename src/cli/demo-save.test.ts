// `wirechat demo -w FILE` keeps the raw capture, to compare with `tcpdump -A -r FILE`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildCommand } from '../testing/child-command.js';
import { projectRoot } from '../shared/paths.js';

const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'wirechat-demo-save-'));
const cli = join(projectRoot, 'bin', 'wirechat.js');

test(
  'demo --mode live -w FILE: tcpdump -r reads the same packets the demo decoded',
  { skip: !root && 'needs root for tcpdump' },
  async () => {
    const file = join(dir, 'seed.pcap');
    const demo = startChildCommand('demo', ['--mode', 'live', '-w', file, '--no-color']);
    assert.equal(await demo.exited, 0, demo.stderr());
    const packets = Number(/summary: (\d+) packets/.exec(demo.stderr())![1]);
    const dump = spawnSync('tcpdump', ['-n', '-A', '-r', file], { encoding: 'latin1' });
    assert.equal(dump.status, 0, dump.stderr);
    assert.equal(dump.stdout.match(/^\d\d:\d\d:\d\d\.\d{6} /gm)!.length, packets);
    // The server's frames are not masked: tcpdump -A shows them as text.
    assert.match(dump.stdout, /hi, all !/);
  },
);

test('demo --mode tap -w FILE saves pcapng that wirechat read decodes to the same story', async () => {
  const file = join(dir, 'seed.pcapng');
  const demo = startChildCommand('demo', ['--mode', 'tap', '-w', file, '--format', 'jsonl']);
  assert.equal(await demo.exited, 0, demo.stderr());
  const summaryOf = (jsonl: string): unknown => JSON.parse(jsonl.trim().split('\n').at(-1)!);
  const read = spawnSync(process.execPath, [cli, 'read', '--format', 'jsonl', '--quiet', file], {
    encoding: 'utf8',
  });
  assert.equal(read.status, 0, read.stderr);
  const ours = summaryOf(demo.stdout()) as { messages: unknown; connections: number };
  const again = summaryOf(read.stdout) as { messages: unknown; connections: number };
  assert.deepEqual(again.messages, ours.messages);
  assert.equal(again.connections, 2);
});
