// The decoding commands' start-up: `wirechat read` (and capture, tap) loads its modules from one
// prebuilt script, dist/bundle/decode.cjs (scripts/bundle-commands.js), instead of ~120 ES
// modules one by one, which is most of a short run's CPU time under Node 20. This loader is
// CommonJS, as bin/wirechat.js that requires it, so those runs never start the ES module loader.
// The code is the same, module by module; WIRECHAT_BUNDLE=0 loads the modules themselves (e.g.
// to profile by file), and so does a command whose bundle is missing or older than the last tsc
// build (a tsc run alone, without `npm run build`, would otherwise leave it running old code).
//
// Beside the bundle the build leaves V8's code cache of it (decode.cjs.cache), so the
// functions every run needs are not parsed and compiled again. V8 checks a cache against its own
// version and flags and refuses a foreign one (the bundle is then compiled as usual), but it
// matches a cache to its source by length only: the cache therefore starts with the bundle's
// first line, `// wirechat bundle <sha-256 of the rest>`, and is only offered to that bundle.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type { CommandModule } from './run-command.js';

/** What a bundle exports: its module loader and the ids of the modules it holds. */
export interface CommandBundle {
  load(id: string): unknown;
  modules: string[];
}

/** A bundle compiled and run (its modules are not, until loaded), and what its code cache did. */
export interface LoadedBundle {
  bundle: CommandBundle;
  script: Script;
  cache: 'used' | 'rejected' | 'none';
}

/** The commands started from the bundle (one bundle for the three: they share most modules). */
export const bundledCommands: readonly string[] = ['read', 'capture', 'tap'];

/** Where the build writes the bundle. */
export const bundleFile = (): string => join(__dirname, '..', 'bundle', 'decode.cjs');

/** The bundle to run a command from, or undefined when it has none or bundles are switched off. */
export function bundlePath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!bundledCommands.includes(name) || env.WIRECHAT_BUNDLE === '0') return undefined;
  const path = bundleFile();
  return isCurrent(path, join(__dirname, '..', '.tsbuildinfo')) ? path : undefined;
}

/**
 * Whether the bundle is there and no older than tsc's build record (which sits in dist/ during
 * development only: the package leaves it out). A bundle older than the last tsc run holds old code.
 */
export function isCurrent(bundle: string, buildRecord: string): boolean {
  const made = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(buildRecord, { throwIfNoEntry: false });
  return made !== undefined && (compiled === undefined || compiled.mtimeMs <= made.mtimeMs);
}

export const cachePath = (path: string): string => `${path}.cache`;

/** The bundle's first line, which names its content; its code cache starts with the same line. */
const headerOf = (source: string): Buffer => Buffer.from(source.slice(0, source.indexOf('\n') + 1));

/** The code cache made for exactly this bundle text, or undefined (none, or another build's). */
function cacheFor(path: string, source: string): Buffer | undefined {
  const header = headerOf(source);
  if (!header.toString().startsWith('// wirechat bundle ')) return undefined;
  let data: Buffer;
  try {
    data = readFileSync(cachePath(path));
  } catch {
    return undefined;
  }
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/**
 * Compiles a bundle as Node compiles a .cjs file (the same wrapper, so the same line numbers).
 * `filename` is the name it runs as, when it is read from elsewhere (the build's trial copy): V8
 * keeps the name a script was compiled under in its code cache, for stack traces and profiles.
 */
export function loadBundle(path: string, useCache = true, filename = path): LoadedBundle {
  const source = readFileSync(path, 'utf8');
  const cachedData = useCache ? cacheFor(path, source) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
  });
  const module = { exports: {} as CommandBundle };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(filename), module, filename, dirname(filename));
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return { bundle: module.exports, script, cache };
}

/**
 * The code cache to keep beside a bundle: every module loaded once, then `warmUp` (a few runs of
 * a command), so the code of the modules and of what a run calls is in it and not compiled again.
 */
export async function makeCache(
  path: string,
  warmUp: (bundle: CommandBundle) => Promise<void> = async () => undefined,
  filename = path,
): Promise<Buffer> {
  const { bundle, script } = loadBundle(path, false, filename);
  for (const id of bundle.modules) bundle.load(id);
  await warmUp(bundle);
  return Buffer.concat([headerOf(readFileSync(path, 'utf8')), script.createCachedData()]);
}

/**
 * Runs `name` from its bundle, as main() would run it from its module; undefined when there is no
 * bundle to run it from. The bundle's own copies of the shared modules serve the whole run (its
 * error classes, its stop signals), so nothing of the run crosses between the two.
 */
export function runBundled(name: string, args: string[]): Promise<number> | undefined {
  const path = bundlePath(name);
  if (path === undefined) return undefined;
  const { bundle } = loadBundle(path);
  const { runCommand } = bundle.load('cli/run-command.js') as typeof import('./run-command.js');
  return runCommand(name, async () => bundle.load(`cli/${name}.js`) as CommandModule, args);
}
