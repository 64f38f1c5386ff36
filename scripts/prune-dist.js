// Removes from dist/ what no longer has a source in src/ (a module moved or deleted since the last
// build). tsc only ever adds to dist/, and a stale module there would still be found by the test
// runner, by a test importing the old path, and by `npm pack`: after a move the build must not
// keep the old copy alive.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dist = 'dist';
const src = 'src';

/** The source files one built file may come from: x.js from x.ts (or an x.js asset), x.js.map from
 * x.ts, and x.cjs (.cjs.map) from x.cts. */
function sourcesOf(path) {
  if (path.endsWith('.js.map')) return [path.slice(0, -'.js.map'.length) + '.ts'];
  if (path.endsWith('.js')) return [path.slice(0, -'.js'.length) + '.ts', path];
  if (path.endsWith('.cjs.map')) return [path.slice(0, -'.cjs.map'.length) + '.cts'];
  if (path.endsWith('.cjs')) return [path.slice(0, -'.cjs'.length) + '.cts'];
  return [path];
}

let removed = 0;
function prune(relative) {
  const here = join(dist, relative);
  for (const name of readdirSync(here)) {
    const rel = join(relative, name);
    const built = join(dist, rel);
    // The decoding commands' bundles are built from dist/ itself (scripts/bundle-commands.js).
    if (relative === '' && name === 'bundle') continue;
    if (statSync(built).isDirectory()) {
      prune(rel);
      if (readdirSync(built).length === 0) rmSync(built, { recursive: true });
      continue;
    }
    // tsc's own record of the incremental build lives beside the output and has no source.
    if (relative === '' && name.endsWith('.tsbuildinfo')) continue;
    if (sourcesOf(rel).some((source) => existsSync(join(src, source)))) continue;
    rmSync(built);
    removed++;
  }
}

if (existsSync(dist)) prune('');
if (removed > 0) console.log(`prune-dist: removed ${removed} built file(s) whose source is gone`);
