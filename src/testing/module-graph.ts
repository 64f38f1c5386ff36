// The module graph of a tree of .ts sources or built .js files, for the tests that guard the
// tree's shape: which specifiers a module names (static and dynamic imports, `export … from`,
// and `new URL('./x.js', import.meta.url)`, the way a module names a child process it forks),
// and which files are reached from a set of entry files, with the importer that first reached
// each one so a failure can name the path that leads to it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** `new URL('./worker-main.js', import.meta.url)`: a file the module opens or forks by its own path. */
const urlReference = /new\s+URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Every module specifier a source names, relative or bare, in the order it names them. */
export function specifiersOf(sourceText: string): string[] {
  // TypeScript's own pre-processor: it skips comments and strings and reads both TS and JS.
  const names = ts.preProcessFile(sourceText, true, true).importedFiles.map((f) => f.fileName);
  for (const match of sourceText.matchAll(urlReference)) names.push(match[2]!);
  return names;
}

export const isRelative = (specifier: string): boolean =>
  specifier.startsWith('./') || specifier.startsWith('../');

/** One relative reference from a file: what it wrote and the absolute path it points at. */
export interface Reference {
  specifier: string;
  target: string;
}

/**
 * The relative references of one file. `sourceFor` maps a built name to the file that stands for
 * it (in src/, './x.js' is x.ts); by default the path as written.
 */
export function referencesOf(file: string, sourceFor: (path: string) => string = (p) => p): Reference[] {
  return specifiersOf(readFileSync(file, 'utf8'))
    .filter(isRelative)
    .map((specifier) => ({ specifier, target: sourceFor(resolve(dirname(file), specifier)) }));
}

/** Every file under `dir` whose name passes `keep`, as absolute paths, sorted. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return filesUnder(path, keep);
      return keep(name) ? [path] : [];
    });
}

/**
 * Walks the graph from `entries`. The result maps each reached file to the file that first
 * reached it (undefined for an entry); `edges` gives a file's references (only reached files
 * are asked).
 */
export function reachFrom(
  entries: string[],
  edges: (file: string) => string[],
): Map<string, string | undefined> {
  const reachedBy = new Map<string, string | undefined>(entries.map((e) => [e, undefined]));
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of edges(file)) {
      if (reachedBy.has(target)) continue;
      reachedBy.set(target, file);
      queue.push(target);
    }
  }
  return reachedBy;
}

/** The chain of files from an entry down to `file`, for failure messages. */
export function chainTo(file: string, reachedBy: Map<string, string | undefined>): string[] {
  const chain = [file];
  for (let at = reachedBy.get(file); at !== undefined; at = reachedBy.get(at)) chain.unshift(at);
  return chain;
}
