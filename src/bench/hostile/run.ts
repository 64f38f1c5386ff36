// `npm run bench:hostile`: replays each attack on a chat server against `wirechat serve` with its
// default settings, a legitimate user measuring before, during and after. Progress on stderr, a
// markdown table (or --json) on stdout. Exit 0 when every attack ran, whatever the goals say; 1
// when one could not run (its row says why); 2 for a usage error.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseCommandArgs, type CommandSpec } from '../../shared/args.js';
import { UsageError, formatUserError } from '../../shared/errors.js';
import { projectRoot } from '../../shared/paths.js';
import { Progress } from '../progress.js';
import { ATTACKS } from './attacks.js';
import { formatMarkdown } from './report.js';
import type { AttackResult, Scale } from './kit/result.js';
import type { ClosedConnection } from './kit/swarm-protocol.js';

export const hostileSpec: CommandSpec = {
  name: 'bench:hostile',
  usage: '[options]',
  summary:
    'Attacks a real `wirechat serve` (default settings, free ports on 127.0.0.1) one attack at a time, ' +
    'with a legitimate user measuring connect time and round trip before, during and after.',
  options: {
    attack: {
      type: 'string',
      value: 'NAME',
      multiple: true,
      description: `run only this attack (repeatable): ${ATTACKS.map((a) => a.name).join(', ')}`,
    },
    scale: {
      type: 'string',
      value: 'small|full',
      description:
        'small: a handful of connections, seconds each; full: the sizes of the attacks as reported',
      default: 'full',
    },
    'server-root': {
      type: 'string',
      value: 'DIR',
      description: 'attack DIR/bin/wirechat.js (a built checkout) instead of this one',
      default: '.',
    },
    'server-arg': {
      type: 'string',
      value: 'ARG',
      multiple: true,
      description:
        'extra argument for every `serve` started (repeatable, e.g. --server-arg=--login-timeout=5)',
    },
    json: { type: 'boolean', description: 'print the results as JSON instead of a table' },
  },
  epilog:
    'Example: npm run bench:hostile -- --attack history --scale small --server-root /path/to/other/tree',
};

/** JSON replacer: the per-connection close lists (up to 20,000 entries) become counts by reason. */
function summariseCloses(key: string, value: unknown): unknown {
  if (key !== 'closed' || !Array.isArray(value)) return value;
  const byReason: Record<string, number> = {};
  for (const c of value as ClosedConnection[]) byReason[c.reason] = (byReason[c.reason] ?? 0) + 1;
  return { count: value.length, byReason };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(hostileSpec, argv);
  if (!parsed) return 0;
  const v = parsed.values;
  const scale = v.scale as string;
  if (scale !== 'small' && scale !== 'full')
    throw new UsageError(`--scale must be small or full, got '${scale}'`);
  const names =
    (v.attack as string[] | undefined)?.flatMap((a) => a.split(',')) ?? ATTACKS.map((a) => a.name);
  for (const name of names) {
    if (!ATTACKS.some((a) => a.name === name))
      throw new UsageError(`unknown attack '${name}' (one of ${ATTACKS.map((a) => a.name).join(', ')})`);
  }
  const rootArg = v['server-root'] as string;
  const serverRoot = rootArg === '.' ? projectRoot : resolve(rootArg);
  if (!existsSync(resolve(serverRoot, 'bin', 'wirechat.js')))
    throw new UsageError(`--server-root ${rootArg}: no bin/wirechat.js there`);
  const serverArgs = (v['server-arg'] as string[] | undefined) ?? [];
  const progress = new Progress();
  const results: AttackResult[] = [];
  let failed = 0;
  for (const attack of ATTACKS.filter((a) => names.includes(a.name))) {
    progress.line(`${attack.name}: ${attack.title} (${scale})`);
    try {
      results.push(await attack.run({ scale: scale as Scale, serverRoot, serverArgs, progress }));
    } catch (err) {
      // One attack that cannot run (a server that refuses an option, a helper that died) costs
      // its own row, not the other attacks' results.
      failed++;
      const message = formatUserError(err) ?? (err as Error).stack ?? String(err);
      progress.line(`${attack.name}: could not run: ${message}`);
      results.push({
        attack: attack.name,
        rows: [{ measure: 'run', value: `could not run: ${message.split('\n')[0]}`, pass: false }],
        data: { error: message },
      });
    }
  }
  progress.done();
  if (v.json) process.stdout.write(JSON.stringify({ serverRoot, scale, results }, summariseCloses, 2) + '\n');
  else process.stdout.write(formatMarkdown(results, `Hostile load (${scale}) against ${serverRoot}`));
  return failed ? 1 : 0;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  // The servers under attack are process groups of their own: a Ctrl-C must not leave them
  // behind (the exit handler of target-server.ts kills them).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const message = formatUserError(err);
      if (message === undefined) throw err;
      process.stderr.write(`bench:hostile: ${message}\n`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
