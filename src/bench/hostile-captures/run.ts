// `npm run bench:hostile-captures`: writes each hostile capture (cases.ts) to a temporary
// directory, runs `wirechat read --format jsonl` on it, and prints a markdown table: size, wall
// time, peak RSS (VmHWM, polled from /proc), exit status and the evictions reported.
//
//   node dist/bench/hostile-captures/run.js [--scale 0.1] [--only NAME] [--timeout 120]
//        [--kill-rss-mb 3072] [--wirechat PATH/bin/wirechat.js] [--max-memory SIZE]
//
// --wirechat runs another checkout's build (e.g. the code before a change) on the same files;
// --kill-rss-mb and --timeout keep a run that does not hold its bounds from taking the machine
// down (the table then says "killed").
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HOSTILE_CASES, type HostileCase } from './cases.js';
import { UsageError } from '../../shared/errors.js';

interface Result {
  name: string;
  size: string;
  seconds: number;
  peakMb: number;
  exit: string;
  evictionLines: number;
  evictions: number;
}

const EVICTION_CODES = new Set([
  'FLOW_EVICTED',
  'WS_STATE_EVICTED',
  'CLOSED_FLOW_EVICTED',
  'FRAGMENTS_DROPPED',
  'OUT_OF_ORDER_DROPPED',
  'INFLATE_LIMIT',
  'EVICTIONS_NOT_SHOWN',
]);

function procStatus(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return 'endless';
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${(bytes / 1e3).toFixed(0)} KB`;
}

async function runOne(
  c: HostileCase,
  file: string,
  stdin: string | undefined,
  opts: { bin: string; timeout: number; killRssKb: number; extra: string[] },
): Promise<Omit<Result, 'name' | 'size'>> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [opts.bin, 'read', '--format', 'jsonl', ...opts.extra, file], {
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (stdin) {
    const src = createReadStream(stdin, { highWaterMark: 1 << 20 });
    src.pipe(child.stdin!);
    child.stdin!.on('error', () => src.destroy());
    child.on('exit', () => src.destroy());
  }
  let peakKb = 0;
  let killed = '';
  let evictionLines = 0;
  let evictions = 0;
  // Only problem and summary lines are looked at; other lines (a message line may be tens of
  // megabytes) are skipped without being gathered.
  let carry = '';
  let skipping = false;
  const look = (line: string): void => {
    if (line.startsWith('{"event":"decode.problem"')) {
      const code = /"code":"([A-Z_]+)"/.exec(line)?.[1];
      if (code !== undefined && EVICTION_CODES.has(code)) evictionLines++;
    } else if (line.startsWith('{"event":"summary"')) {
      const s = JSON.parse(line) as {
        evictions?: Record<string, number>;
        problemsByCode?: Record<string, number>;
      };
      evictions =
        Object.values(s.evictions ?? {}).reduce((a, b) => a + b, 0) + (s.problemsByCode?.INFLATE_LIMIT ?? 0);
    }
  };
  const interesting = (start: string): boolean =>
    '{"event":"decode.problem"'.startsWith(start.slice(0, 25)) ||
    '{"event":"summary"'.startsWith(start.slice(0, 18));
  let stderrTail = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      const piece = chunk.slice(from, nl === -1 ? undefined : nl);
      if (!skipping) {
        carry += piece;
        if (!interesting(carry)) {
          skipping = true;
          carry = '';
        }
      }
      if (nl === -1) break;
      if (!skipping) look(carry);
      carry = '';
      skipping = false;
      from = nl + 1;
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-400)));
  const poll = setInterval(() => {
    const s = procStatus(child.pid!);
    if (s === undefined) return;
    peakKb = Math.max(peakKb, s.hwm);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!killed && s.rss > opts.killRssKb) {
      killed = `killed at ${(s.rss / 1024 / 1024).toFixed(1)} GB RSS`;
      child.kill('SIGKILL');
    } else if (!killed && seconds > opts.timeout) {
      killed = `killed at ${opts.timeout} s`;
      child.kill('SIGKILL');
    }
  }, 50);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('exit', (code, signal) => done([code, signal])),
  );
  clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let exit = killed || (signal ? `signal ${signal}` : String(code));
  if (!killed && code !== 0 && /heap out of memory/i.test(stderrTail)) exit += ' (V8 heap out of memory)';
  return { seconds, peakMb: peakKb / 1024, exit, evictionLines, evictions };
}

const HELP = `Usage: npm run bench:hostile-captures -- [options]

Writes each hostile capture to a temporary folder, runs \`wirechat read --format jsonl\` on it and
prints a markdown table (wall time, peak RSS, exit, evictions) on stdout; progress on stderr.

Options:
  --only TEXT          run only the cases whose name contains TEXT
  --scale N            multiply every case's size by N (default 1)
  --max-memory SIZE    passed to read (default: read's own)
  --wirechat PATH      run another checkout's bin/wirechat.js on the same files
  --timeout S          kill a run after S seconds (default 120)
  --kill-rss-mb MB     kill a run past MB of resident memory (default 3072)
  --keep               keep the generated captures
  -h, --help           show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      scale: { type: 'string', default: '1' },
      only: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      'kill-rss-mb': { type: 'string', default: '3072' },
      wirechat: { type: 'string', default: resolve('bin/wirechat.js') },
      'max-memory': { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const scale = Number(values.scale);
  for (const [name, value] of [
    ['--scale', scale],
    ['--timeout', Number(values.timeout)],
    ['--kill-rss-mb', Number(values['kill-rss-mb'])],
  ] as const) {
    if (!(value > 0)) throw new UsageError(`${name} must be a positive number`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-hostile-'));
  const opts = {
    bin: values.wirechat!,
    timeout: Number(values.timeout),
    killRssKb: Number(values['kill-rss-mb']) * 1024,
    extra: values['max-memory'] ? ['--max-memory', values['max-memory']] : [],
  };
  const results: Result[] = [];
  try {
    for (const [i, c] of HOSTILE_CASES.entries()) {
      if (values.only && !c.name.includes(values.only)) continue;
      let file = c.input?.path ?? '';
      let size: number | undefined;
      if (c.write) {
        file = join(dir, `case-${i}.pcap`);
        c.write(file, scale);
        size = statSync(file).size;
      }
      process.stderr.write(`${c.name} (${formatSize(size)})…\n`);
      const r = await runOne(c, file, c.input?.stdin, opts);
      if (c.write && !values.keep) rmSync(file);
      results.push({ name: c.name, size: formatSize(size), ...r });
    }
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  const rows = [
    '| capture | size | wall time | peak RSS | exit | evictions (lines shown / counted) |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.size} | ${r.seconds.toFixed(1)} s | ${r.peakMb.toFixed(0)} MB | ${r.exit} | ${r.evictionLines} / ${r.evictions} |`,
    ),
  ];
  process.stdout.write(rows.join('\n') + '\n');
}

main().catch((err: unknown) => {
  // A mistyped option is the user's mistake (exit 2); anything else is a failed run (exit 1).
  const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`bench:hostile-captures: ${(err as Error).message}\n`);
  process.exit(usage ? 2 : 1);
});
