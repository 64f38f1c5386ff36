// Runs one subcommand the way every wirechat command ends: its exit status, or a user's mistake as
// one line on stderr (exit 2 for a usage error, the error's own status or 1 otherwise). Shared by
// the dispatcher (main.ts) and the decoding commands' bundles, so both end a run the same way.
import { UsageError, formatUserError } from '../shared/errors.js';
import { holdStopSignals } from './stop-signals.js';

export type CommandModule = { run(args: string[]): Promise<number> };

/** The commands that decode a capture and end with a summary, also after Ctrl-C. */
export const decodingCommands: readonly string[] = ['read', 'capture', 'tap', 'demo'];

export async function runCommand(
  name: string,
  load: () => Promise<CommandModule>,
  args: string[],
): Promise<number> {
  // A Ctrl-C while a decoding command loads is held for it, so it still ends with its summary.
  if (decodingCommands.includes(name)) holdStopSignals();
  try {
    const mod = await load();
    return await mod.run(args);
  } catch (err) {
    const message = formatUserError(err);
    if (message === undefined) throw err;
    process.stderr.write(`wirechat ${name}: ${message}\n`);
    return err instanceof UsageError ? 2 : ((err as { exitCode?: number }).exitCode ?? 1);
  }
}
