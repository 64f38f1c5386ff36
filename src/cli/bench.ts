// `wirechat bench <scenario>`: load-tests a WebSocket chat (ours, a baseline, or any --url).
// Argument parsing and wiring only; the scenarios live in src/bench/.
import { UsageError } from '../shared/errors.js';
import {
  formatHelp,
  intOption,
  numberOption,
  parseCommandArgs,
  type CommandSpec,
  type OptionSpec,
  type ParsedArgs,
} from '../shared/args.js';
import { LOAD_DIALECTS, type LoadDialect } from '../bench/bench-message.js';
import { TARGETS, type TargetName } from '../bench/target.js';
import { Progress } from '../bench/progress.js';
import { parseTargetUrl } from '../bench/raw-ws-client.js';
import { runFanout, type FanoutRun } from '../bench/fanout.js';
import { runCapacity } from '../bench/broadcast-capacity.js';
import { runConnections } from '../bench/connections.js';
import { fanoutRatios, formatCapacity, formatConnections, formatFanout } from '../bench/report.js';
import { invalidReason } from '../bench/run-validity.js';

const common: Record<string, OptionSpec> = {
  url: {
    type: 'string',
    value: 'URL',
    description: 'load this running server (ws:// or wss://) instead of starting one',
  },
  target: {
    type: 'string',
    value: 'NAME',
    description: 'server to start and load: wirechat, naive, limit, or all (one after another)',
    default: 'wirechat',
  },
  dialect: {
    type: 'string',
    value: 'DIALECT',
    description: 'login/say dialect: seed or workerman',
    default: 'seed',
  },
  procs: {
    type: 'string',
    value: 'P',
    description: 'client processes (default: cores, more past 15,000 connections)',
  },
  timeout: {
    type: 'string',
    value: 'SEC',
    description: 'per-connection connect and login timeout',
    default: '30',
  },
  json: { type: 'boolean', description: 'print results as JSON on stdout' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
};

const specs: Record<string, CommandSpec> = {
  fanout: {
    name: 'bench fanout',
    usage: '[options]',
    summary: 'N receivers and S senders in one room, W messages in flight per sender: msg/s and latency.',
    options: {
      receivers: { type: 'string', value: 'N', description: 'receiving users', default: '1000' },
      senders: { type: 'string', value: 'S', description: 'sending users', default: '1' },
      inflight: { type: 'string', value: 'W', description: 'messages in flight per sender', default: '32' },
      rate: {
        type: 'string',
        value: 'M',
        description: 'messages per second per sender, paced (0: as fast as the window allows)',
        default: '0',
      },
      duration: { type: 'string', value: 'SEC', description: 'sending time', default: '10' },
      ...common,
    },
  },
  'broadcast-capacity': {
    name: 'bench broadcast-capacity',
    usage: '[options]',
    summary:
      'Adds clients in steps while C broadcasters run; the largest count whose p95 stays under the limit.',
    options: {
      broadcasters: { type: 'string', value: 'C', description: 'concurrent broadcasters', default: '4' },
      step: { type: 'string', value: 'N', description: 'clients added per step', default: '1000' },
      'max-clients': {
        type: 'string',
        value: 'N',
        description: 'stop after this many clients',
        default: '20000',
      },
      'limit-ms': { type: 'string', value: 'MS', description: 'p95 broadcast latency limit', default: '250' },
      'step-duration': { type: 'string', value: 'SEC', description: 'measuring time per step', default: '3' },
      ...common,
    },
  },
  connections: {
    name: 'bench connections',
    usage: '[options]',
    summary:
      'Opens N logged-in users, reports server memory per user, checks each receives a final broadcast.',
    options: {
      users: { type: 'string', value: 'N', description: 'users to log in', default: '1000' },
      rooms: {
        type: 'string',
        value: 'R',
        description: 'spread users over R rooms (workerman dialect; logins broadcast to their room)',
        default: '1',
      },
      settle: {
        type: 'string',
        value: 'SEC',
        description: 'wait after the logins before reading RSS (lets a --pid server collect garbage)',
        default: '0.5',
      },
      pid: {
        type: 'string',
        value: 'PID[,PID...]',
        description: 'with --url: the server processes, to read their summed RSS',
      },
      ...common,
    },
  },
};

const overview = `Usage: wirechat bench <scenario> [options]

Load-tests a WebSocket chat server: wirechat, a baseline, or any server speaking the
workerman-chat seed or workerman dialect (--url). Progress goes to stderr, results to stdout.

Scenarios:
  fanout               delivered msg/s and send → receive latency (p50/p95/p99)
  broadcast-capacity   largest client count with p95 broadcast latency under a limit
  connections          server memory per logged-in user; every user still reachable

Run 'wirechat bench <scenario> --help' for its options.
`;

interface Common {
  url?: string;
  targets: TargetName[];
  dialect: LoadDialect;
  procs?: number;
  timeoutMs: number;
}

function readCommon(values: ParsedArgs['values']): Common {
  const url = typeof values.url === 'string' ? values.url : undefined;
  if (url !== undefined && !parseTargetUrl(url))
    throw new UsageError(`--url must be a ws:// or wss:// URL, got '${url}'`);
  const target = String(values.target);
  const targets: TargetName[] =
    target === 'all' ? [...TARGETS] : TARGETS.includes(target as TargetName) ? [target as TargetName] : [];
  if (targets.length === 0)
    throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, all; got '${target}'`);
  const dialect = String(values.dialect) as LoadDialect;
  if (!LOAD_DIALECTS.includes(dialect))
    throw new UsageError(`--dialect must be seed or workerman, got '${dialect}'`);
  return {
    ...(url ? { url } : {}),
    // With --url nothing is started: the run is named 'url' in the results.
    targets: url ? [] : targets,
    dialect,
    ...(values.procs !== undefined ? { procs: intOption(values, 'procs', 1, 64) } : {}),
    timeoutMs: numberOption(values, 'timeout', 0.1, 3600) * 1000,
  };
}

function print(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : text);
}

export async function run(args: string[]): Promise<number> {
  const [scenario, ...rest] = args;
  if (!scenario || scenario === '--help' || scenario === '-h') {
    process.stdout.write(overview);
    return scenario ? 0 : 2;
  }
  const spec = specs[scenario];
  if (!spec) throw new UsageError(`unknown scenario '${scenario}' (fanout, broadcast-capacity, connections)`);
  const parsed = parseCommandArgs(spec, rest);
  if (!parsed) return 0;
  const { values } = parsed;
  // The common options are checked before the scenario's own: their mistakes are named first.
  const job: ScenarioJob = {
    values,
    base: readCommon(values),
    json: values.json === true,
    progress: new Progress(process.stderr, values.quiet === true),
  };
  if (scenario === 'fanout') return benchFanout(job);
  if (scenario === 'broadcast-capacity') return benchCapacity(job);
  return benchConnections(job);
}

/** What every scenario starts from: its parsed options, the common ones read, where to report. */
interface ScenarioJob {
  values: ParsedArgs['values'];
  base: Common;
  json: boolean;
  progress: Progress;
}

/** `bench fanout`: exit 1 when a run is invalid or a receiver missed, repeated or reordered. */
async function benchFanout({ values, base, json, progress }: ScenarioJob): Promise<number> {
  const options = {
    ...base,
    receivers: intOption(values, 'receivers', 1, 1_000_000),
    senders: intOption(values, 'senders', 1, 10_000),
    inflight: intOption(values, 'inflight', 1, 100_000),
    rate: numberOption(values, 'rate', 0, 10_000_000),
    durationSec: numberOption(values, 'duration', 0.1, 86_400),
  };
  const runs = await runFanout(options, progress);
  const ratios = fanoutRatios(runs);
  print(
    json,
    {
      scenario: 'fanout',
      options,
      runs: runs.map((r) => {
        const invalid = invalidReason(r.result);
        return { ...r, ratios: ratios[r.target], ...(invalid ? { invalid } : {}) };
      }),
    },
    formatFanout(runs),
  );
  return reportFanoutFailures(runs);
}

/** The fanout runs' failures on stderr, one line each (after the results); 1 when there was one. */
function reportFanoutFailures(runs: FanoutRun[]): number {
  const invalid = runs.filter((r) => invalidReason(r.result) !== undefined);
  for (const r of invalid)
    process.stderr.write(`wirechat bench: ${r.target}: invalid run: ${invalidReason(r.result)!}\n`);
  const bad = runs.filter((r) => r.result.complete !== r.result.receivers || r.result.outOfOrder > 0);
  for (const r of bad) {
    process.stderr.write(
      `wirechat bench: ${r.target}: ${r.result.receivers - r.result.complete} of ${r.result.receivers} receivers did not get every message exactly once, in order (missing ${r.result.missing}, extra ${r.result.extra}, out of order ${r.result.outOfOrder})\n`,
    );
  }
  return bad.length || invalid.length ? 1 : 0;
}

/** `bench broadcast-capacity`: a measurement only, so it always exits 0. */
async function benchCapacity({ values, base, json, progress }: ScenarioJob): Promise<number> {
  const options = {
    ...base,
    broadcasters: intOption(values, 'broadcasters', 1, 1000),
    step: intOption(values, 'step', 1, 1_000_000),
    maxClients: intOption(values, 'max-clients', 1, 1_000_000),
    limitMs: numberOption(values, 'limit-ms', 0.1, 600_000),
    stepDurationSec: numberOption(values, 'step-duration', 0.1, 3600),
  };
  const runs = await runCapacity(options, progress);
  print(json, { scenario: 'broadcast-capacity', options, runs }, formatCapacity(runs));
  return 0;
}

/** `bench connections`: exit 1 when some user did not receive the final broadcast. */
async function benchConnections({ values, base, json, progress }: ScenarioJob): Promise<number> {
  const users = intOption(values, 'users', 2, 10_000_000);
  const pid = values.pid !== undefined ? parsePids(String(values.pid)) : undefined;
  const rooms = intOption(values, 'rooms', 1, 1_000_000);
  if (rooms > 1 && base.dialect !== 'workerman')
    throw new UsageError('--rooms needs --dialect workerman (the seed dialect has one room)');
  if (rooms * 2 > users) throw new UsageError('--rooms must leave at least two users per room');
  const settleSec = numberOption(values, 'settle', 0, 3600);
  const options = { ...base, users, rooms, settleSec, ...(pid ? { pid } : {}) };
  const runs = await runConnections(options, progress);
  print(json, { scenario: 'connections', options, runs }, formatConnections(runs));
  const bad = runs.filter((r) => !r.result.allReached);
  for (const r of bad) {
    process.stderr.write(
      `wirechat bench: ${r.target}: only ${r.result.reached} of ${r.result.users} users received the final broadcast\n`,
    );
  }
  return bad.length ? 1 : 0;
}

function parsePids(text: string): number[] {
  const pids = text.split(',').map((p) => Number(p));
  if (!pids.every((p) => Number.isInteger(p) && p > 0 && p < 2 ** 31))
    throw new UsageError(`--pid must be process ids separated by commas, got '${text}'`);
  return pids;
}

export const help = (): string => overview + Object.values(specs).map(formatHelp).join('\n');
