// The direction of imports in src/. The chat, the decoder, the shared helpers and the page sit
// below the commands, the demo, the benchmarks and the test kits and never import them (their
// tests may use the test kits); the page imports nothing from outside src/web (only dist/web is
// served to the browser); and the product, what `bin/wirechat.js` and the page load, never
// reaches a test kit. Checked over the sources, so the failure names the file and its import.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { chainTo, filesUnder, reachFrom, referencesOf, specifiersOf } from './module-graph.js';

/** Areas (first folder under src/) that everything else builds on. */
const lowerAreas = new Set(['wire', 'chat', 'shared', 'web']);
/** Areas built on top: a lower area importing one of these is an arrow pointing up. */
const upperAreas = new Set(['cli', 'demo', 'bench', 'testing']);

const isTestFile = (path: string): boolean => path.endsWith('.test.ts');

/** In src/, './x.js' names x.ts; an asset keeps its own name. */
function sourceFor(path: string): string {
  if (!path.endsWith('.js')) return path;
  const ts = path.slice(0, -'.js'.length) + '.ts';
  return existsSync(ts) ? ts : path;
}

/** The modules the product starts from: what bin/wirechat.js loads from dist/, and the page's scripts. */
export function productEntries(root: string): string[] {
  const src = join(root, 'src');
  const fromBin = specifiersOf(readFileSync(join(root, 'bin', 'wirechat.js'), 'utf8'))
    .filter((s) => s.startsWith('../dist/'))
    .map((s) => sourceFor(join(src, s.slice('../dist/'.length))));
  const page = readFileSync(join(src, 'web', 'index.html'), 'utf8');
  const fromPage = [...page.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)].map((m) =>
    sourceFor(resolve(src, 'web', m[1]!)),
  );
  return [...fromBin, ...fromPage];
}

/** Every source module the product reaches, each mapped to the module that first imported it. */
export function productModules(root: string): Map<string, string | undefined> {
  return reachFrom(productEntries(root), (file) =>
    file.endsWith('.ts') ? referencesOf(file, sourceFor).map((r) => r.target) : [],
  );
}

/** One message per import that points the wrong way; empty when the tree is in order. */
export function checkImportDirection(root: string): string[] {
  const src = join(root, 'src');
  const name = (path: string): string => relative(root, path).split(sep).join('/');
  const areaOf = (path: string): string => relative(src, path).split(sep)[0]!;
  const problems: string[] = [];

  for (const file of filesUnder(src, (n) => n.endsWith('.ts'))) {
    const from = areaOf(file);
    if (!lowerAreas.has(from)) continue;
    for (const { specifier, target } of referencesOf(file, sourceFor)) {
      const to = areaOf(target);
      // Only dist/web is served to the browser: a page module importing from outside it would 404.
      if (from === 'web' && to !== 'web' && !isTestFile(file)) {
        problems.push(
          `${name(file)} imports '${specifier}' (${name(target)}): the page is served from src/web alone`,
        );
        continue;
      }
      if (!upperAreas.has(to)) continue;
      if (to === 'testing' && isTestFile(file)) continue;
      problems.push(
        `${name(file)} imports '${specifier}' (${name(target)}): src/${from} may not import src/${to}`,
      );
    }
  }

  const product = productModules(root);
  for (const file of product.keys()) {
    const importer = product.get(file);
    // Name the product module that reaches into the kits, not the kits' own imports of each other.
    if (importer === undefined || areaOf(file) !== 'testing' || areaOf(importer) === 'testing') continue;
    const specifier = referencesOf(importer, sourceFor).find((r) => r.target === file)!.specifier;
    problems.push(
      `${name(importer)} imports '${specifier}' (${name(file)}): the product loads a test kit ` +
        `(${chainTo(file, product).map(name).join(' → ')})`,
    );
  }
  return problems;
}
