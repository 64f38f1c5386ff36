// `tcpdump -i any` captures (Linux cooked v2): the tcpdump view prints tcpdump 4.99's interface
// and direction column, byte for byte as the real tcpdump does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixturesDir, projectRoot } from '../../shared/paths.js';
import { interfaceColumn } from './interface-column.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');

function tcpdumpAvailable(): boolean {
  return spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Our view minus its additions ("[wirechat: …]" blocks, tab-indented), to compare with tcpdump. */
function withoutAdditions(text: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('[wirechat: ')) {
      skipping = true;
      continue;
    }
    if (skipping && line.startsWith('\t')) continue;
    skipping = false;
    out.push(line);
  }
  return out.join('\n');
}

/** A Linux cooked v2 header for interface `index` and packet type `type`. */
const sll2 = (index: number, type: number): Buffer => {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0800, 0);
  b.writeUInt32BE(index, 4);
  b[10] = type;
  return b;
};

test('the column: name padded to 5, direction to 4; "?" for an index unknown here', () => {
  const lookup = () =>
    new Map([
      [1, 'lo'],
      [2, 'enp0s31f6'],
    ]);
  assert.equal(interfaceColumn(276, sll2(1, 0), lookup), 'lo    In  ');
  assert.equal(interfaceColumn(276, sll2(2, 4), lookup), 'enp0s31f6 Out ');
  assert.equal(interfaceColumn(276, sll2(9, 1), lookup), '?     B   ');
  assert.equal(interfaceColumn(113, sll2(1, 0), lookup), '', 'cooked v1: tcpdump prints no column');
  assert.equal(interfaceColumn(276, Buffer.alloc(8), lookup), '', 'a cut header: nothing to print');
});

for (const name of ['ws-echo-any.pcap', 'ws-echo-any-sll2.pcapng']) {
  for (const flag of ['-A', '-X']) {
    test(`tcpdump view ${flag} of the -i any capture ${name} equals tcpdump ${flag}, "lo In" column included`, (t) => {
      if (!tcpdumpAvailable()) return t.skip('tcpdump is not installed');
      const file = join(fixturesDir, name);
      const theirs = execFileSync('tcpdump', ['-n', flag, '-r', file], {
        env: { ...process.env, TZ: 'UTC' },
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString('latin1');
      assert.match(theirs, /^\d\d:\d\d:\d\d\.\d{6} lo {4}In {2}IP /m);
      const ours = spawnSync(process.execPath, [cli, 'read', flag, '--utc', '--quiet', file]).stdout.toString(
        'latin1',
      );
      assert.equal(withoutAdditions(ours), theirs);
    });
  }
}
