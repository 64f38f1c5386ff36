// Runs one of the live commands (capture, tap, demo) the way `wirechat` would, for tests and
// scripts: `node dist/demo/run-command.js tap --listen …`. Errors print as one line.
import { UsageError, formatUserError } from '../shared/errors.js';
import { holdStopSignals } from '../cli/stop-signals.js';

const loaders: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  capture: () => import('../cli/capture.js'),
  tap: () => import('../cli/tap.js'),
  demo: () => import('../cli/demo.js'),
};

export async function runCommand(name: string, args: string[]): Promise<number> {
  const load = loaders[name];
  if (!load) {
    process.stderr.write(`run-command: unknown command '${name}'\n`);
    return 2;
  }
  holdStopSignals();
  try {
    return await (await load()).run(args);
  } catch (err) {
    const message = formatUserError(err);
    if (message === undefined) throw err;
    process.stderr.write(`wirechat ${name}: ${message}\n`);
    return err instanceof UsageError ? 2 : ((err as { exitCode?: number }).exitCode ?? 1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const [name = '', ...args] = process.argv.slice(2);
  runCommand(name, args).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`internal error: ${err.stack ?? err.message}\n`);
      process.exitCode = 70;
    },
  );
}
