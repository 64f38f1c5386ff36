// The build's last step (scripts/prune-dist.js) removes from dist/ what no longer has a source in
// src/, so a moved module's old copy cannot be found by the tests or packed; it keeps every built
// module, asset and source map that still has one, and tsc's incremental record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { filesUnder } from './module-graph.js';

test('prune-dist removes built files without a source and keeps the rest', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wirechat-prune-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const touch = (path: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), '');
  };
  for (const source of ['src/wire/decode.ts', 'src/web/index.html', 'src/wire/render/ladder.js'])
    touch(source);
  const kept = [
    'dist/.tsbuildinfo',
    'dist/wire/decode.js',
    'dist/wire/decode.js.map',
    'dist/web/index.html',
    'dist/wire/render/ladder.js',
  ];
  const stale = [
    'dist/wire/e2e-test-kit.js',
    'dist/wire/e2e-test-kit.js.map',
    'dist/chat/test-support/chat-client.js',
    'dist/web/old.css',
  ];
  for (const path of [...kept, ...stale]) touch(path);

  const r = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'prune-dist.js')], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /removed 4 built file/);
  const left = filesUnder(join(root, 'dist'), () => true).map((f) =>
    f
      .slice(root.length + 1)
      .split('\\')
      .join('/'),
  );
  assert.deepEqual(left.sort(), [...kept].sort());
  assert.equal(existsSync(join(root, 'dist', 'chat')), false, 'a folder left empty is removed');
});
