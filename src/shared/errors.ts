// Errors meant for the user: they print as one clear line, never as a stack trace.
import { safeLine } from './terminal-text.js';

/** A mistake in how the command was called (bad option or value): exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem the user can fix (port in use, unreadable file, missing tool): one line, chosen exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The one-line message for an error caused by the user, or undefined for a bug (which keeps its
 * stack). Messages quote what the user or a file gave (file names, option values, a tool's
 * complaint), so they are escaped for the terminal they are printed on.
 */
export function formatUserError(err: unknown): string | undefined {
  if (err instanceof UsageError || err instanceof UserError) return safeLine(err.message);
  return undefined;
}
