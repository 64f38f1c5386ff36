// The published package holds the product and nothing else: `npm pack` lists bin/, the modules
// the command and the page load, the page's assets and the README; no test file, no test kit, no
// benchmark program, no build record. It is self-contained: copied alone beside its runtime
// dependencies, every command loads, `read` decodes a capture and `serve` serves the page from
// its workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../shared/free-port.js';
import { fixturesDir, projectRoot } from '../shared/paths.js';
import { checkPackage, packedFiles, requiredFiles } from './package-contents.js';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const dependencies = Object.keys(manifest.dependencies);
const files = packedFiles(projectRoot);

test('the package holds the product only, and every import in it resolves inside it or to a dependency', () => {
  for (const path of requiredFiles) assert.ok(files.includes(path), `${path} is packed`);
  // read, capture and tap start from their bundle and its code cache (without them they still run).
  for (const path of [
    'dist/bundle/decode.cjs',
    'dist/bundle/decode.cjs.cache',
    'dist/cli/command-bundle.cjs',
  ])
    assert.ok(files.includes(path), `${path} is packed`);
  assert.deepEqual(
    files.filter(
      (f) => /\.test\.js(\.map)?$/.test(f) || f.startsWith('dist/testing/') || f.startsWith('src/'),
    ),
    [],
  );
  assert.ok(!files.some((f) => f.endsWith('.tsbuildinfo')), 'no build record');
  const problems = checkPackage(projectRoot, files, dependencies);
  assert.equal(problems.length, 0, `the package breaks its rules:\n${problems.join('\n')}`);
});

test('the check names a test kit, a test file, a benchmark program and a module missing under an import', () => {
  const broken = [
    ...files.filter((f) => f !== 'dist/shared/errors.js'),
    'dist/testing/chromium.js',
    'dist/wire/flow/flow-table.test.js',
    'dist/bench/read-bench.js',
  ].sort();
  const problems = checkPackage(projectRoot, broken, dependencies);
  const expected = [
    'dist/testing/chromium.js is a test kit (dist/testing/) in the package',
    "dist/testing/chromium.js imports 'playwright-core', which is not a runtime dependency",
    'dist/wire/flow/flow-table.test.js is named like test support',
    'dist/bench/read-bench.js is in the package but neither bin/wirechat.js nor the page loads it',
    "dist/cli/run-command.js imports '../shared/errors.js', which the package does not hold",
  ];
  for (const message of expected)
    assert.ok(problems.includes(message), `${message}\nin:\n${problems.join('\n')}`);
});

test('copied alone beside its runtime dependencies, the package runs: every command, read, and serve with its page', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const path of files) cpSync(join(projectRoot, path), join(dir, path));
  // Only the runtime dependencies: a module importing a dev tool fails to load here.
  mkdirSync(join(dir, 'node_modules'));
  for (const name of dependencies)
    symlinkSync(join(projectRoot, 'node_modules', name), join(dir, 'node_modules', name));
  const bin = join(dir, 'bin', 'wirechat.js');
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });

  const help = run(['--help']);
  assert.equal(help.status, 0, help.stderr);
  const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
  assert.deepEqual(commands.sort(), ['bench', 'capture', 'demo', 'read', 'serve', 'tap']);
  for (const command of commands) {
    const r = run([command, '--help']);
    assert.equal(r.status, 0, `${command} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: wirechat ${command}`));
  }

  const read = run(['read', '--format', 'jsonl', join(fixturesDir, 'workerman-2014-seed-session.pcap')]);
  assert.equal(read.status, 0, read.stderr);
  assert.match(read.stdout, /"ws\.message"/);

  const [wsPort, webPort] = [await freePort(), await freePort()];
  const args = ['serve', '--host', '127.0.0.1', '--ws-port', String(wsPort), '--web-port', String(webPort)];
  const server = spawn(process.execPath, [bin, ...args, '--workers', '2'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => server.kill('SIGKILL'));
  let stderr = '';
  server.stderr.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    server.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('wirechat listening')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const page = await fetch(`http://127.0.0.1:${webPort}/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  for (const asset of [...html.matchAll(/\b(?:src|href)="([^":]+)"/g)].map((m) => m[1]!)) {
    assert.equal((await fetch(`http://127.0.0.1:${webPort}/${asset}`)).status, 200, asset);
  }
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  assert.equal(await exited, 0);
});
