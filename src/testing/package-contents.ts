// What the published package holds, as `npm pack` lists it, and the rules it must keep: the
// product only (what bin/wirechat.js and the page load), no test file or test kit, and
// self-contained (every relative import resolves inside the package, every bare one is a
// runtime dependency or part of Node).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { isRelative, reachFrom, specifiersOf } from './module-graph.js';

/** The files `npm pack` would put in the package, as paths relative to the project root. */
export function packedFiles(root: string): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed (${r.status}): ${r.stderr}`);
  const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path).sort();
}

/** Files that must be there for the command and the page to work at all. */
export const requiredFiles = [
  'package.json',
  'README.md',
  'bin/wirechat.js',
  // bin/wirechat.js is CommonJS only because this says so.
  'bin/package.json',
  'dist/cli/main.js',
  'dist/web/index.html',
];

/** A name that says "test support": *.test.js, a kit, a contract suite, a fixture, a mock. */
const testName =
  /(^|[-_.])(test|tests|testing|kit|kits|contract|fixture|fixtures|mock|mocks|fake|stub)([-_.]|$)/i;

/** A path a module opens by a relative string (`asset('./html-ladder.css')`, a child module's path). */
const relativeLiteral = /(['"])(\.\.?\/[^'"\s]+\.(?:js|css|html|svg))\1/g;

const isModule = (path: string): boolean => path.endsWith('.js');
/** What tsc emits for a file of types only (its importers' `import type` vanish, so nothing loads it). */
const typesOnly = (text: string): boolean =>
  text
    .replace(/\/\/.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim() === 'export {};';
const packageName = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Relative references from one packed file to others, by packed path. */
function referencesIn(path: string, text: string, specifiers: string[]): string[] {
  const literals = [...text.matchAll(relativeLiteral)].map((m) => m[2]!);
  return [...specifiers.filter(isRelative), ...literals].map((s) => posix.join(posix.dirname(path), s));
}

/** The page's own references: `src="app.js"` and `href="style.css"` in index.html. */
function pageReferences(root: string): string[] {
  const page = readFileSync(posix.join(root, 'dist/web/index.html'), 'utf8');
  return [...page.matchAll(/\b(?:src|href)="([^":]+)"/g)].map((m) => posix.join('dist/web', m[1]!));
}

/**
 * Every rule the package breaks, one message each (empty when it is right). `files` is the packed
 * list (relative paths), read from `root`; `dependencies` are the runtime packages it may import.
 */
export function checkPackage(root: string, files: string[], dependencies: string[]): string[] {
  const problems: string[] = [];
  const packed = new Set(files);
  const allowed = new Set([...dependencies, ...builtinModules]);

  for (const path of requiredFiles)
    if (!packed.has(path)) problems.push(`${path} is missing from the package`);
  for (const path of files) {
    if (path.startsWith('dist/testing/'))
      problems.push(`${path} is a test kit (dist/testing/) in the package`);
    else if (testName.test(posix.basename(path))) problems.push(`${path} is named like test support`);
    if (path.endsWith('.map') && !packed.has(path.slice(0, -'.map'.length))) {
      problems.push(`${path} is a source map of a file the package leaves out`);
    }
  }

  const edges = new Map<string, string[]>();
  const typeModules = new Set<string>();
  for (const path of files.filter(isModule)) {
    const text = readFileSync(posix.join(root, path), 'utf8');
    if (typesOnly(text)) typeModules.add(path);
    const specifiers = specifiersOf(text);
    for (const specifier of specifiers) {
      if (isRelative(specifier)) {
        const target = posix.join(posix.dirname(path), specifier);
        if (!packed.has(target))
          problems.push(`${path} imports '${specifier}', which the package does not hold`);
      } else if (!allowed.has(packageName(specifier.replace(/^node:/, '')))) {
        problems.push(`${path} imports '${specifier}', which is not a runtime dependency`);
      }
    }
    edges.set(path, referencesIn(path, text, specifiers));
  }
  for (const path of pageReferences(root)) {
    if (!packed.has(path)) problems.push(`the page refers to ${path}, which the package does not hold`);
  }

  // The product is what the command and the page load; any other module is a dev tool left in.
  const entries = ['bin/wirechat.js', ...pageReferences(root)].filter((p) => packed.has(p));
  const reached = reachFrom(entries, (path) => edges.get(path) ?? []);
  for (const path of files.filter(isModule)) {
    if (!reached.has(path) && !typeModules.has(path)) {
      problems.push(`${path} is in the package but neither bin/wirechat.js nor the page loads it`);
    }
  }
  return problems;
}
