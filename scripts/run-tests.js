// Runs every compiled test file (dist/**/*.test.js) with Node's own test runner.
// Test files may be named on the command line to run a subset: `node scripts/run-tests.js dist/wire`.
// The whole suite first makes sure the system tools the tests use are there (see test-tools.js).
// Tests skipped for a missing tool or privilege are listed with their reason at the end.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureTools } from './test-tools.js';

function findTests(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.js') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => findTests(join(path, name)));
}

const roots = process.argv.slice(2);
if (roots.length === 0) {
  const problem = ensureTools();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
const files = (roots.length ? roots : ['dist']).flatMap(findTests);
if (files.length === 0) {
  console.error('run-tests: no test files found (did the build run?)');
  process.exit(1);
}

const skipLog = join(mkdtempSync(join(tmpdir(), 'wirechat-tests-')), 'skipped.jsonl');
const skipReporter = fileURLToPath(new URL('./skip-reporter.js', import.meta.url));
// The usual view (spec on a terminal, TAP otherwise) plus the reporter that collects skips.
const view = process.stdout.isTTY ? 'spec' : 'tap';
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    '--test-timeout=180000',
    `--test-reporter=${view}`,
    '--test-reporter-destination=stdout',
    `--test-reporter=${skipReporter}`,
    `--test-reporter-destination=${skipLog}`,
    ...files,
  ],
  { stdio: 'inherit' },
);

let skipped = [];
try {
  skipped = readFileSync(skipLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
} catch {
  // no skip log: nothing was skipped, or the runner did not start
}
rmSync(join(skipLog, '..'), { recursive: true, force: true });
if (skipped.length > 0) {
  console.log(`\nrun-tests: ${skipped.length} test${skipped.length === 1 ? '' : 's'} skipped:`);
  for (const s of skipped)
    console.log(`  - ${s.name} (${relative(process.cwd(), s.file) || '?'}): ${s.reason}`);
}
process.exit(result.status ?? 1);
