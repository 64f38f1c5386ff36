// `wirechat` from the clone: the package's bin is an executable Node script, and `npx wirechat`
// in the clone runs it (what the README tells a newcomer to type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';

const haveNpx = spawnSync('npx', ['--version'], { stdio: 'ignore' }).status === 0;

test('package.json bin names an executable script with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  const bin = join(projectRoot, pkg.bin.wirechat!);
  accessSync(bin, constants.X_OK);
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const direct = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  assert.equal(direct.status, 0, direct.stderr);
  assert.match(direct.stdout, /^wirechat \d+\.\d+\.\d+\n$/);
});

test(
  'npx wirechat works in the clone without installing anything',
  { skip: !haveNpx && 'needs npx (npm)' },
  () => {
    const r = spawnSync('npx', ['--no-install', 'wirechat', '--version'], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wirechat \d+\.\d+\.\d+\n$/);
  },
);
