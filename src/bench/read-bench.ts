// `npm run bench:read`: how fast `wirechat read` decodes a large capture, next to tshark and the
// floor, in one run. One command per capture:
//
//   npm run bench:read -- [--runs N] [--stages]            the mixed capture (~140 MB)
//   npm run bench:read -- --chat-heavy [--messages N]      ~400,000 small chat messages
//   npm run bench:read -- --wss [--says N]                 one conversation over wss (key log) and ws
//
// 1. Makes the capture(s) in bench-output/ once with real servers, clients and tcpdump
//    (read-bench-captures.ts); reused afterwards (--regenerate makes them again).
// 2. Each run times, one after the other, stdout to /dev/null under /usr/bin/time -v (wall, CPU,
//    peak RSS): tshark, `wirechat read --format jsonl` (every event) and `wirechat read --format
//    jsonl --events ws.message` (with --wss: on the wss capture with its key log, then both on the
//    ws capture of the same conversation), the messages alone (`--events ws.message --no-chat`:
//    what tshark prints) and the lean baseline (read-lean.ts: the same message lines, with and
//    without chat meaning, from the leanest decoder; on the clear captures). --runs N (default 3); medians are
//    printed with the ratios to tshark and to the floor.
// 3. The floor (read-floor.ts; --no-floor skips it): Node start-up + reading the file + the
//    shortest jsonl line per message; with --wss also a wss floor that decrypts every record.
// 4. With --stages, where wirechat's time goes (read-stages.ts), each stage in a fresh process.
//
// Other options: --mb N (size of the mixed capture), --skip-tshark, --before DIR (each wirechat
// command also run from the built tree in DIR, in the same loop: before and after in one run). Everything is also written to
// bench-output/read-bench[-chat-heavy|-wss].json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { makeChatHeavyCapture, makeMixedCapture, makeWssPair } from './read-bench-captures.js';
import {
  measure,
  measureFloor,
  median,
  printFloor,
  stage,
  type Floor,
  type Measured,
} from './read-bench-measure.js';
import { STAGES, STAGE_WORDS, type StageResult } from './read-stages.js';

const outDir = join(projectRoot, 'bench-output');
const wirechat = join(projectRoot, 'bin', 'wirechat.js');

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(name);

interface Tool {
  name: string;
  cmd: string;
  args: string[];
  /** Which floor its ratio is taken against (the capture it reads). */
  floor?: string;
  tshark?: boolean;
  /** Not run from the --before tree (an option it may not have). */
  notBefore?: boolean;
}

const read = (name: string, file: string, extra: string[] = []): Tool => ({
  name,
  cmd: process.execPath,
  args: [wirechat, 'read', '--format', 'jsonl', '--quiet', ...extra, file],
  floor: file,
});

/** The messages alone, without chat meaning: the same information tshark prints. */
const messagesOnly = (name: string, file: string, extra: string[] = []): Tool => ({
  ...read(`${name} --events ws.message --no-chat`, file, [...extra, '--events', 'ws.message', '--no-chat']),
  notBefore: true,
});

/**
 * The lean baseline (read-lean.ts): the lines of `--events ws.message` (with `chat`, the chat
 * meaning by the project's annotator) or of messagesOnly, from the leanest decoder that can read
 * the capture (in-order TCP, clear).
 */
const lean = (file: string, what: string, chat: boolean): Tool => ({
  name: `lean baseline: read-lean.js${chat ? ' --chat' : ''} (${what})`,
  cmd: process.execPath,
  args: [join(projectRoot, 'dist', 'bench', 'read-lean.js'), ...(chat ? ['--chat'] : []), file],
  floor: file,
  notBefore: true,
});

const tsharkText = (file: string, extra: string[] = []): string[] => [
  '-r',
  file,
  ...extra,
  '-Y',
  'websocket',
  '-T',
  'fields',
  '-e',
  'websocket.payload.text',
];

const fresh = (file: string): boolean => flag('--regenerate') || !existsSync(file);

/** The captures of this run, made when missing, and the tools timed on them. */
async function prepare(): Promise<{
  label: string;
  tools: Tool[];
  floors: Array<{ file: string; keylog?: string; title: string }>;
}> {
  const skipTshark = flag('--skip-tshark');
  if (flag('--wss')) {
    const says = Number(argValue('--says') ?? 150_000);
    const wss = join(outDir, 'read-bench-wss.pcap');
    const ws = join(outDir, 'read-bench-ws.pcap');
    const keys = join(outDir, 'read-bench-wss.keys');
    if (fresh(wss) || !existsSync(ws) || !existsSync(keys)) {
      process.stderr.write(`recording ${says} says over wss and over ws into ${outDir} …\n`);
      const made = await makeWssPair(wss, ws, keys, says);
      for (const c of [made.wss, made.ws])
        if (c.dropped > 0) process.stderr.write(`warning: ${c.file}: ${c.dropped} packets dropped\n`);
    }
    // tshark needs to be told the port is TLS and, inside it, HTTP (the chat port is not 443).
    const port = serverPort(wss);
    const tools: Tool[] = [
      read('wirechat read --format jsonl --keylog (wss)', wss, ['--keylog', keys]),
      read('wirechat read --format jsonl --events ws.message --keylog (wss)', wss, [
        '--keylog',
        keys,
        '--events',
        'ws.message',
      ]),
      read('wirechat read --format jsonl (ws, same conversation)', ws),
      messagesOnly('wirechat read --format jsonl --keylog (wss)', wss, ['--keylog', keys]),
      read('wirechat read --format jsonl --events ws.message (ws)', ws, ['--events', 'ws.message']),
      lean(ws, 'ws', true),
      lean(ws, 'ws', false),
    ];
    if (!skipTshark) {
      tools.unshift({
        name: 'tshark -o tls.keylog_file: (wss)',
        cmd: 'tshark',
        args: tsharkText(wss, [
          '-o',
          `tls.keylog_file:${keys}`,
          '-d',
          `tcp.port==${port},tls`,
          '-d',
          `tls.port==${port},http`,
        ]),
        tshark: true,
      });
    }
    return {
      label: 'wss',
      tools,
      floors: [
        {
          file: wss,
          keylog: keys,
          title: 'wss floor: start-up + read + decrypt every record + minimal lines',
        },
        { file: ws, title: 'ws floor (same conversation in clear)' },
      ],
    };
  }
  let file: string;
  let label: string;
  if (flag('--chat-heavy')) {
    const messages = Number(argValue('--messages') ?? 400_000);
    file = join(outDir, 'read-bench-chat-heavy.pcap');
    label = 'chat-heavy';
    if (fresh(file)) {
      process.stderr.write(`recording ~${messages} small chat messages into ${file} …\n`);
      // 4 clients in one room: each line said is heard by all 4, so 5 messages a line.
      const made = await makeChatHeavyCapture(file, Math.ceil(messages / 5));
      if (made.dropped > 0) process.stderr.write(`warning: ${made.dropped} packets dropped by kernel\n`);
    }
  } else {
    const mb = Number(argValue('--mb') ?? process.env.WIRECHAT_READ_BENCH_MB ?? 100);
    file = join(outDir, `read-bench-${mb}mb.pcap`);
    label = 'mixed';
    if (fresh(file) || statSync(file).size < mb * 1e6) {
      process.stderr.write(`making a ${mb} MB capture in ${file} …\n`);
      const made = await makeMixedCapture(file, mb * 1e6);
      if (made.dropped > 0) process.stderr.write(`warning: ${made.dropped} packets dropped by kernel\n`);
    }
  }
  const tools: Tool[] = [
    read('wirechat read --format jsonl', file),
    read('wirechat read --format jsonl --events ws.message', file, ['--events', 'ws.message']),
    messagesOnly('wirechat read --format jsonl', file),
    lean(file, label, true),
    lean(file, label, false),
  ];
  if (!skipTshark)
    tools.unshift({
      name: 'tshark -Y websocket -e websocket.payload.text',
      cmd: 'tshark',
      args: tsharkText(file),
      tshark: true,
    });
  return { label, tools, floors: [{ file, title: 'floor: work no Node `read --format jsonl` can skip' }] };
}

/** tshark's decode-as needs the server's port: the destination port of the first SYN. */
function serverPort(file: string): string {
  const r = spawnSync('tcpdump', ['-r', file, '-n', '-c', '1', 'tcp[tcpflags] == tcp-syn'], {
    encoding: 'utf8',
  });
  return /> [\d.]+\.(\d+):/.exec(r.stdout)?.[1] ?? '443';
}

const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');

/**
 * --before DIR: every wirechat command also run from another built tree (DIR/bin/wirechat.js,
 * e.g. a worktree of the previous commit), in the same loop: before and after in one run.
 */
function withBefore(tools: Tool[]): Tool[] {
  const dir = argValue('--before');
  if (dir === undefined) return tools;
  const before = join(dir, 'bin', 'wirechat.js');
  if (!existsSync(before)) throw new Error(`--before: no ${before}`);
  return tools.flatMap((t) =>
    t.cmd === process.execPath && t.notBefore !== true
      ? [{ ...t, name: `${t.name} [before]`, args: t.args.map((a) => (a === wirechat ? before : a)) }, t]
      : [t],
  );
}

/**
 * The wss baseline: the lean baseline on the clear capture of the same conversation, plus the
 * decryption of every TLS record (the wss floor's step): what reading the wss capture costs at
 * least without anything else a real decoder does (TLS records, key schedule, HTTP, events).
 */
function printWssBaseline(
  tools: Tool[],
  floors: Floor[],
  med: (name: string, key: 'seconds' | 'cpuSeconds') => number,
): void {
  const decrypt = floors.find((f) => f.best.decryptCpuMs !== undefined)?.best.decryptCpuMs;
  const tshark = tools.find((t) => t.tshark);
  if (decrypt === undefined) return;
  console.log('\n| wss baseline: lean baseline (ws) + decrypting every record | CPU s | tshark CPU ÷ this |');
  console.log('|---|---:|---:|');
  for (const t of tools.filter((x) => x.name.startsWith('lean baseline'))) {
    const cpu = med(t.name, 'cpuSeconds') + decrypt / 1000;
    const vs = tshark ? ratio(med(tshark.name, 'cpuSeconds'), cpu) : '–';
    console.log(`| ${t.name} + ${decrypt.toFixed(0)} ms | ${cpu.toFixed(2)} | ${vs} |`);
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const prepared = await prepare();
  const { label, floors } = prepared;
  const tools = withBefore(prepared.tools);
  const runs = Math.max(1, Number(argValue('--runs') ?? 3));
  const results: Measured[] = [];
  for (let run = 1; run <= runs; run++)
    for (const t of tools)
      results.push(await measure(t.name, run, t.cmd, t.args, { ...process.env, WIRECHAT_KEYLOG: '' }));
  const floorResults: Floor[] = [];
  if (!flag('--no-floor')) for (const f of floors) floorResults.push(await measureFloor(f.file, f.keylog));

  console.log(
    `captures: ${[...new Set(floors.map((f) => `${f.file} (${(statSync(f.file).size / 1e6).toFixed(1)} MB)`))].join(', ')}`,
  );
  console.log('| run | tool | wall s | CPU s | peak RSS (MB) | exit |');
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.run} | ${r.name} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${r.exitCode} |`,
    );

  const tshark = tools.find((t) => t.tshark);
  const med = (name: string, key: 'seconds' | 'cpuSeconds'): number =>
    median(results.filter((r) => r.name === name).map((r) => r[key]));
  console.log(`\nmedians of ${runs} run(s):`);
  console.log('| tool | wall s | CPU s | peak RSS (MB, max) | tshark CPU ÷ this | this ÷ floor (CPU) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const t of tools) {
    const cpu = med(t.name, 'cpuSeconds');
    const floor = floorResults.find((f) => f.file === t.floor);
    const rss = Math.max(...results.filter((r) => r.name === t.name).map((r) => r.maxRssMB));
    console.log(
      `| ${t.name} | ${med(t.name, 'seconds').toFixed(2)} | ${cpu.toFixed(2)} | ${rss.toFixed(0)} | ${tshark && !t.tshark ? ratio(med(tshark.name, 'cpuSeconds'), cpu) : '–'} | ${floor ? ratio(cpu * 1000, floor.totalCpuMs) : '–'} |`,
    );
  }
  for (const [i, f] of floorResults.entries()) printFloor(floors[i]!.title, f, statSync(f.file).size);
  if (label === 'wss') printWssBaseline(tools, floorResults, med);

  let stages: StageResult[] | undefined;
  if (flag('--stages') && label !== 'wss') {
    stages = [];
    for (const name of STAGES) stages.push(await stage(name, floors[0]!.file));
    console.log('\n| stage | wall ms | CPU ms | peak RSS (MB) | events | output MB |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const st of stages) {
      console.log(
        `| ${st.stage}: ${STAGE_WORDS[st.stage]} | ${st.ms.toFixed(0)} | ${st.cpuMs.toFixed(0)} | ${st.maxRssMB.toFixed(0)} | ${st.events} | ${(st.outputBytes / 1e6).toFixed(1)} |`,
      );
    }
  }
  const json = join(outDir, `read-bench${label === 'mixed' ? '' : `-${label}`}.json`);
  writeFileSync(
    json,
    JSON.stringify({ label, tools, results, floors: floorResults, stages }, null, 2) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(`read-bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
