// The project's test command: on a machine without the tools it stops at once with the one line to
// run, and a test skipped for a missing tool or privilege is listed with its reason at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

const runner = join(projectRoot, 'scripts', 'run-tests.js');
const dir = mkdtempSync(join(tmpdir(), 'wirechat-run-tests-'));
/** This file runs under the test runner: the runner started here must not report to it instead. */
const { NODE_TEST_CONTEXT: _ignored, ...cleanEnv } = process.env;

test('skipped tests are listed at the end with their reasons', () => {
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const file = join(dir, 'sample.test.js');
  writeFileSync(
    file,
    [
      "import { test } from 'node:test';",
      "test('runs', () => {});",
      "test('needs a tool', { skip: 'needs tshark' }, () => {});",
      "test('decides while running', (t) => t.skip('needs root for tcpdump'));",
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, [runner, file], { encoding: 'utf8', env: cleanEnv });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /run-tests: 2 tests skipped:/);
  assert.match(r.stdout, /- needs a tool \(.*sample\.test\.js\): needs tshark/);
  assert.match(r.stdout, /- decides while running \(.*sample\.test\.js\): needs root for tcpdump/);
});

test('without the tools (and not installing them) the whole suite stops with one line to run', () => {
  const emptyPath = mkdtempSync(join(dir, 'bin-'));
  const r = spawnSync(process.execPath, [runner], {
    encoding: 'utf8',
    cwd: projectRoot,
    env: { PATH: emptyPath, WIRECHAT_CHROMIUM: join(dir, 'no-chromium'), WIRECHAT_TEST_NO_INSTALL: '1' },
  });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '', 'no test ran');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /apt-get install -y tcpdump tshark redis-server chromium util-linux/);
});
