// A Ctrl-C that comes while a command is still loading is not lost: the command ends with its summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../shared/paths.js';

const root = process.getuid?.() === 0;
const stopSignals = pathToFileURL(join(projectRoot, 'dist', 'cli', 'stop-signals.js')).href;
const capture = pathToFileURL(join(projectRoot, 'dist', 'cli', 'capture.js')).href;

test('a signal held while loading is handed to the command, which stops at once', () => {
  // The signal comes before the command installed its handler, as in the first ~100 ms.
  const script = `
    const { holdStopSignals, onStopSignal } = await import(${JSON.stringify(stopSignals)});
    holdStopSignals();
    process.kill(process.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    const remove = onStopSignal(() => { console.log('stopped'); remove(); });
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'stopped\n');
});

test(
  'capture interrupted before tcpdump started: a summary and tcpdump statistics, exit 0, no false problem',
  { skip: !root && 'needs root for tcpdump' },
  () => {
    const script = `
      const { holdStopSignals } = await import(${JSON.stringify(stopSignals)});
      holdStopSignals();
      process.kill(process.pid, 'SIGINT');
      await new Promise((r) => setTimeout(r, 50));
      const { run } = await import(${JSON.stringify(capture)});
      process.exitCode = await run(['-i', 'lo', 'port', '9']);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /summary: 0 packets/);
    assert.match(r.stderr, /problems: 0/);
    assert.match(r.stderr, /^tcpdump: /m);
    assert.equal(r.stdout, '');
  },
);
