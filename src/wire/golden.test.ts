// Golden tests for the text and tcpdump views, in the manner of tcpdump's tests/TESTLIST:
// test-data/golden/TESTLIST names (capture, options, expected output). WIRECHAT_UPDATE_GOLDEN=1
// rewrites the expected files (then read the diff before committing it). Malformed inputs are
// rows too: one per problem condition (malformed/), and every input the fuzzer found crashing
// the decoder (crashers/, added by fuzz.test.ts), kept for ever.
// Also: the tcpdump view checked against tcpdump itself, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { fixture } from '../testing/wire/e2e-test-kit.js';

const goldenDir = join(projectRoot, 'test-data', 'golden');
const cli = join(projectRoot, 'bin', 'wirechat.js');

function wirechatRead(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, 'read', ...args], {
    env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), status: r.status };
}

interface GoldenCase {
  name: string;
  capture: string;
  output: string;
  args: string[];
}

function testList(): GoldenCase[] {
  return readFileSync(join(goldenDir, 'TESTLIST'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, capture, output, ...args] = l.split(/\s+/);
      return { name: name!, capture: capture!, output: output!, args };
    });
}

for (const c of testList()) {
  test(`golden ${c.name}: ${c.capture} ${c.args.join(' ')}`, () => {
    const { stdout, stderr, status } = wirechatRead([...c.args, '--quiet', fixture(c.capture)]);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    // A fuzzed input may not be a usable capture at all: exit 1 with a message, never a crash.
    assert.equal(status === 1 && c.capture.startsWith('crashers/') ? 0 : status, 0, stderr);
    const path = join(goldenDir, c.output);
    if (process.env.WIRECHAT_UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, stdout);
    }
    assert.ok(existsSync(path), `${c.output} is not recorded yet: WIRECHAT_UPDATE_GOLDEN=1 records it`);
    assert.equal(stdout, readFileSync(path, 'utf8'));
  });
}

/** Our tcpdump view minus its additions ("[wirechat: …]" blocks), to compare with tcpdump. */
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

function tcpdumpAvailable(): boolean {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const name of [
  'ws-echo-lo.pcap',
  'ws-echo-any-dumpcap.pcapng',
  'workerman-2014-seed-session.pcap',
  'workerman-current-session.pcap',
]) {
  for (const flag of ['-A', '-X']) {
    test(`tcpdump view ${flag} of ${name} is what tcpdump ${flag} prints`, (t) => {
      if (!tcpdumpAvailable()) {
        t.skip('tcpdump is not installed');
        return;
      }
      const theirs = execFileSync('tcpdump', ['-n', flag, '-r', fixture(name)], {
        env: { ...process.env, TZ: 'UTC' },
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 * 1024 * 1024,
      }).toString('latin1');
      const ours = spawnSync(process.execPath, [cli, 'read', flag, '--utc', '--quiet', fixture(name)], {
        maxBuffer: 256 * 1024 * 1024,
      }).stdout.toString('latin1');
      // Nanosecond pcapng included: times are printed from the exact seconds and nanoseconds.
      assert.equal(withoutAdditions(ours), theirs);
      assert.ok(ours.includes('[wirechat: unmasked payload'), 'client payloads are shown unmasked');
    });
  }
}

test('--time-stamp-precision=nano prints what tcpdump --time-stamp-precision=nano prints', (t) => {
  if (!tcpdumpAvailable()) {
    t.skip('tcpdump is not installed');
    return;
  }
  const name = 'ws-echo-any-dumpcap.pcapng';
  const theirs = execFileSync('tcpdump', ['--time-stamp-precision=nano', '-n', '-A', '-r', fixture(name)], {
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString('latin1')
    .replace(/^(\d\d:\d\d:\d\d\.\d{9}) \S+\s+(?:In|Out|B|M|P)\s+IP/gm, '$1 IP');
  const ours = spawnSync(process.execPath, [
    cli,
    'read',
    '-A',
    '--utc',
    '--quiet',
    '--time-stamp-precision=nano',
    fixture(name),
  ]).stdout.toString('latin1');
  assert.match(theirs, /^\d\d:\d\d:\d\d\.\d{9} IP/m);
  assert.equal(withoutAdditions(ours), theirs);
  const bad = spawnSync(process.execPath, [cli, 'read', '--time-stamp-precision=pico', fixture(name)]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.toString(), /--time-stamp-precision must be micro or nano/);
});
