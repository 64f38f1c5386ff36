// Command-line parsing for subcommands, on node:util's parseArgs, with `--help` text generated
// from the same option table so the two never disagree.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in --help, e.g. 'PORT'. */
  value?: string;
  description: string;
  /** Environment variable that supplies the default, e.g. 'WIRECHAT_WS_PORT'. */
  env?: string;
  default?: string | boolean;
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Extra paragraphs after the options (examples, notes). */
  epilog?: string;
  allowPositionals?: boolean;
}

export type ParsedArgs = {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
};

export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: wirechat ${spec.name} ${spec.usage}`, '', spec.summary, '', 'Options:'];
  const all: Record<string, OptionSpec> = {
    ...spec.options,
    help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
  };
  // An option named by its letter alone (tcpdump's -A, -X) is shown as tcpdump shows it: `-A`.
  const flagOf = (name: string, opt: OptionSpec): string =>
    opt.short === name
      ? `-${name}${opt.value ? ` ${opt.value}` : ''}`
      : `${opt.short ? `-${opt.short}, ` : '    '}--${name}${opt.value ? ` ${opt.value}` : ''}`;
  // Every description starts in the same column, however long the longest option is.
  const width = Math.max(30, ...Object.entries(all).map(([name, opt]) => flagOf(name, opt).length + 1));
  for (const [name, opt] of Object.entries(all)) {
    const flag = flagOf(name, opt);
    const extras: string[] = [];
    if (opt.default !== undefined && opt.default !== false) extras.push(`default ${String(opt.default)}`);
    if (opt.env) extras.push(`env ${opt.env}`);
    const suffix = extras.length ? ` (${extras.join('; ')})` : '';
    lines.push(`  ${flag.padEnd(width)} ${opt.description}${suffix}`);
  }
  if (spec.epilog) lines.push('', spec.epilog);
  return lines.join('\n') + '\n';
}

/**
 * Parses argv against the spec. Returns undefined after printing help for --help.
 * Unknown options and missing values become a UsageError (exit 2, one line).
 */
export function parseCommandArgs(
  spec: CommandSpec,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedArgs | undefined {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, opt] of Object.entries(spec.options)) {
    options[name] = {
      type: opt.type,
      ...(opt.short ? { short: opt.short } : {}),
      ...(opt.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options,
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message} (see 'wirechat ${spec.name} --help')`);
  }
  if (parsed.values.help) {
    process.stdout.write(formatHelp(spec));
    return undefined;
  }
  const values = { ...parsed.values } as ParsedArgs['values'];
  for (const [name, opt] of Object.entries(spec.options)) {
    if (values[name] !== undefined) continue;
    const fromEnv = opt.env ? env[opt.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      values[name] = opt.type === 'boolean' ? !['0', 'false', 'no'].includes(fromEnv.toLowerCase()) : fromEnv;
    } else if (opt.default !== undefined) {
      values[name] = opt.default;
    }
  }
  return { values, positionals: parsed.positionals };
}

/** Reads an integer option within bounds, or throws a UsageError naming the option. */
export function intOption(values: ParsedArgs['values'], name: string, min: number, max: number): number {
  const raw = values[name];
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
  }
  return n;
}

/** Reads a number option (decimals allowed) within bounds, or throws a UsageError. */
export function numberOption(values: ParsedArgs['values'], name: string, min: number, max: number): number {
  const raw = values[name];
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${String(raw)}'`);
  }
  return n;
}
