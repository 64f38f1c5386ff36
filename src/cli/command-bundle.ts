// The decoding commands' start-up: `wirechat read` (and capture, tap) loads its modules from one
// prebuilt script, dist/bundle/<command>.cjs (scripts/bundle-commands.js), instead of ~120 ES
// modules one by one, which is most of a short run's CPU time under Node 20. The code is the
// same, module by module; WIRECHAT_BUNDLE=0 loads the modules themselves (e.g. to profile by
// file), and a command without a bundle on disk (a build that has not run the step) does too.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from './run-command.js';

/** What a bundle exports: its module loader and the ids of the modules it holds. */
export interface CommandBundle {
  load(id: string): unknown;
  modules: string[];
}

/** The commands started from a bundle; scripts/bundle-commands.js builds one for each. */
export const bundledCommands: readonly string[] = ['read', 'capture', 'tap'];

/** Where a command's bundle is, or undefined when it has none or bundles are switched off. */
export function bundlePath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!bundledCommands.includes(name) || env.WIRECHAT_BUNDLE === '0') return undefined;
  const url = new URL(`../bundle/${name}.cjs`, import.meta.url);
  return existsSync(url) ? fileURLToPath(url) : undefined;
}

/**
 * Runs `name` from its bundle, as main() would run it from its module; undefined when there is no
 * bundle to run it from. The bundle's own copies of the shared modules serve the whole run (its
 * error classes, its stop signals), so nothing of the run crosses between the two.
 */
export function runBundled(name: string, args: string[]): Promise<number> | undefined {
  const path = bundlePath(name);
  if (path === undefined) return undefined;
  const bundle = createRequire(import.meta.url)(path) as CommandBundle;
  const { runCommand } = bundle.load('cli/run-command.js') as typeof import('./run-command.js');
  return runCommand(name, async () => bundle.load(`cli/${name}.js`) as CommandModule, args);
}
