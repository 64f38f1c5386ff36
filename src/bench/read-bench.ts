// `npm run bench:read`: how fast `wirechat read` decodes a large capture, next to tshark.
//
// 1. Makes a realistic capture (default ≥ 100 MB) in bench-output/: a real `ws` server and several
//    real clients on a free port (half with permessage-deflate; chat JSON, plain text, fragmented
//    and binary messages), recorded by a real `tcpdump -i lo -B 65536`. Reused when present
//    (delete it, or pass --regenerate, to make a new one).
// 2. Times `wirechat read --format jsonl F > /dev/null` and
//    `tshark -r F -Y websocket -T fields -e websocket.payload.text > /dev/null` one after the
//    other, --runs times (default 2: tshark's time varies a lot on a shared machine, so compare
//    within a run), measuring wall time, CPU time and peak RSS with /usr/bin/time -v, and prints
//    a table (also written to bench-output/read-bench.json).
// 3. With --stages, where wirechat's time goes: read, + decode, + chat meaning, + jsonl encoding,
//    each in a fresh process (read-stages.ts).
// 4. The floor (on by default; --no-floor skips it, --floor is accepted): the work no Node
//    program printing this capture's messages as jsonl can skip (read-floor.ts), Node's start-up
//    (`node -e ''`) included, next to tshark's time / 20 from the same run.
//
// Options: --mb N (capture size), --regenerate, --skip-tshark, --runs N, --stages, --floor,
// --no-floor.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../shared/free-port.js';
import { projectRoot } from '../shared/paths.js';
import { startTcpdumpRecorder } from '../testing/tcpdump-recorder.js';
import { startEchoServer, runClient, type OutMessage } from '../testing/ws-traffic.js';
import { STAGES, STAGE_WORDS, type StageResult } from './read-stages.js';
import { FLOOR_ENCODERS, type FloorEncoder, type FloorResult } from './read-floor.js';

const outDir = join(projectRoot, 'bench-output');
const CLIENTS = 6;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A deterministic pseudo-random generator, so two runs make comparable captures. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = 'the quick brown fox jumps over lazy dog hi all chat message wire decode frame socket'.split(
  ' ',
);

/** An endless mix like a busy chat: mostly small JSON, some large text, binary, fragments. */
function* workload(client: number, stop: () => boolean): Generator<OutMessage> {
  const r = rng(client + 1);
  const sentence = (n: number): string =>
    Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  for (let i = 0; !stop(); i++) {
    const p = r();
    if (p < 0.6) {
      const say = { type: 'say', to_uid: 'all', content: `${i}: ${sentence(4 + Math.floor(r() * 20))}` };
      yield { kind: 'text', data: JSON.stringify(say) };
    } else if (p < 0.75) {
      yield { kind: 'text', data: JSON.stringify({ type: 'login', name: `user${client}-${i}` }) };
    } else if (p < 0.88) {
      yield { kind: 'text', data: sentence(50 + Math.floor(r() * 550)), fragments: 1 + Math.floor(r() * 4) };
    } else if (p < 0.97) {
      yield { kind: 'binary', data: randomBytes(256 + Math.floor(r() * 3840)) };
    } else {
      yield { kind: 'text', data: sentence(3000 + Math.floor(r() * 5000)), fragments: 3 };
    }
  }
}

async function makeCapture(
  file: string,
  targetBytes: number,
): Promise<{ dropped: number; captured: number }> {
  const port = await freePort();
  const server = await startEchoServer(port);
  const recorder = await startTcpdumpRecorder({ file, port, bufferKiB: 65536 });
  const stop = (): boolean => (existsSync(file) ? statSync(file).size : 0) >= targetBytes;
  let last = 0;
  const timer = setInterval(() => {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size - last > 10 * 1048576) {
      last = size;
      process.stderr.write(`\rcapturing: ${(size / 1048576).toFixed(0)} MB`);
    }
  }, 500);
  // Checking the file size on every message would dominate; check every 200 messages.
  let tick = 0;
  let done = false;
  const throttledStop = (): boolean => {
    if (done) return true;
    if (++tick % 200 === 0) done = stop();
    return done;
  };
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        runClient(port, i % 2 === 0, workload(i, throttledStop), { maxBuffered: 4 << 20 }),
      ),
    );
  } finally {
    clearInterval(timer);
    process.stderr.write('\n');
    await server.close();
  }
  const stats = await recorder.stop();
  return { dropped: stats.dropped, captured: stats.captured };
}

interface Measured {
  name: string;
  run: number;
  seconds: number;
  /** User + system CPU seconds (steadier than wall time when other jobs share the machine). */
  cpuSeconds: number;
  maxRssMB: number;
  exitCode: number | null;
}

/** Runs a command with stdout to /dev/null under /usr/bin/time -v; wall time and peak RSS. */
async function measure(name: string, run: number, cmd: string, args: string[]): Promise<Measured> {
  const devnull = openSync('/dev/null', 'w');
  const useTime = existsSync('/usr/bin/time');
  const start = process.hrtime.bigint();
  const child = spawn(useTime ? '/usr/bin/time' : cmd, useTime ? ['-v', cmd, ...args] : args, {
    stdio: ['ignore', devnull, 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (stderr += s.slice(-20000)));
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(devnull);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  const cpuSeconds = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
  return { name, run, seconds, cpuSeconds, maxRssMB: rss ? Number(rss[1]) / 1024 : NaN, exitCode };
}

/** Runs one stage of read-stages.ts in a fresh process. */
async function stage(name: string, file: string): Promise<StageResult> {
  const script = join(projectRoot, 'dist', 'bench', 'read-stages.js');
  const child = spawn(process.execPath, [script, name, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`stage ${name} exited with ${code}`);
  return JSON.parse(out) as StageResult;
}

/** Runs read-floor.ts with one encoder in a fresh process. */
async function floorRun(file: string, encoder: FloorEncoder): Promise<FloorResult> {
  const script = join(projectRoot, 'dist', 'bench', 'read-floor.js');
  const child = spawn(process.execPath, ['--expose-gc', script, file, encoder], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`floor (${encoder}) exited with ${code}`);
  return JSON.parse(out) as FloorResult;
}

interface Floor {
  /** `node -e ''`, the median of five (wall and CPU). */
  startup: { ms: number; cpuMs: number };
  encoders: FloorResult[];
  /** The faster encoder by CPU. */
  best: FloorResult;
  /** start-up + read + the faster encoder's encode+write. */
  totalMs: number;
  totalCpuMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function measureFloor(file: string): Promise<Floor> {
  const starts: Measured[] = [];
  for (let i = 0; i < 5; i++) starts.push(await measure("node -e ''", i, process.execPath, ['-e', '']));
  const startup = {
    ms: median(starts.map((s) => s.seconds * 1000)),
    cpuMs: median(starts.map((s) => s.cpuSeconds * 1000)),
  };
  const encoders: FloorResult[] = [];
  for (const encoder of FLOOR_ENCODERS) encoders.push(await floorRun(file, encoder));
  const best = encoders.reduce((a, b) => (b.encodeWriteCpuMs < a.encodeWriteCpuMs ? b : a));
  return {
    startup,
    encoders,
    best,
    totalMs: startup.ms + best.readMs + best.encodeWriteMs,
    totalCpuMs: startup.cpuMs + best.readCpuMs + best.encodeWriteCpuMs,
  };
}

function printFloor(floor: Floor, size: number, tsharkRuns: Measured[]): void {
  const { startup, best } = floor;
  const row = (what: string, ms: number, cpuMs: number): void =>
    console.log(`| ${what} | ${ms.toFixed(0)} | ${cpuMs.toFixed(0)} |`);
  console.log('\n| floor: work no Node `read --format jsonl` can skip | wall ms | CPU ms |');
  console.log('|---|---:|---:|');
  row("node start-up (`node -e ''`, median of 5)", startup.ms, startup.cpuMs);
  row(`read ${(size / 1e6).toFixed(1)} MB in 1 MiB chunks`, best.readMs, best.readCpuMs);
  for (const e of floor.encoders) {
    row(
      `encode+write ${e.messages} minimal message lines (${(e.outputBytes / 1e6).toFixed(1)} MB) to /dev/null, ${e.encoder}`,
      e.encodeWriteMs,
      e.encodeWriteCpuMs,
    );
  }
  row(`**floor total** (start-up + read + ${best.encoder})`, floor.totalMs, floor.totalCpuMs);
  for (const t of tsharkRuns)
    row(`tshark / 20 (run ${t.run})`, (t.seconds * 1000) / 20, (t.cpuSeconds * 1000) / 20);
  if (tsharkRuns.length > 0) {
    // The loosest target: the slowest tshark run of this bench, by wall time and by CPU time.
    const verdict = (what: string, floorMs: number, tsharkMs: number[]): void => {
      const target = Math.max(...tsharkMs) / 20;
      console.log(
        `${what}: floor ${floorMs.toFixed(0)} ms, 20× target ${target.toFixed(0)} ms (slowest tshark / 20): ` +
          (floorMs > target
            ? `the floor alone is ${(floorMs / target).toFixed(1)}× the target`
            : 'the floor is under the target'),
      );
    };
    verdict(
      'wall',
      floor.totalMs,
      tsharkRuns.map((t) => t.seconds * 1000),
    );
    verdict(
      'CPU',
      floor.totalCpuMs,
      tsharkRuns.map((t) => t.cpuSeconds * 1000),
    );
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const mb = Number(argValue('--mb') ?? process.env.WIRECHAT_READ_BENCH_MB ?? 100);
  const file = join(outDir, `read-bench-${mb}mb.pcap`);
  let capture: { dropped: number; captured: number } | undefined;
  if (process.argv.includes('--regenerate') || !existsSync(file) || statSync(file).size < mb * 1e6) {
    process.stderr.write(`making a ${mb} MB capture in ${file} …\n`);
    capture = await makeCapture(file, mb * 1e6);
    if (capture.dropped > 0)
      process.stderr.write(`warning: tcpdump reports ${capture.dropped} packets dropped by kernel\n`);
  }
  const size = statSync(file).size;
  const wirechat = join(projectRoot, 'bin', 'wirechat.js');
  const runs = Math.max(1, Number(argValue('--runs') ?? 2));
  const results: Measured[] = [];
  for (let run = 1; run <= runs; run++) {
    results.push(
      await measure('wirechat read --format jsonl', run, process.execPath, [
        wirechat,
        'read',
        '--format',
        'jsonl',
        '--quiet',
        file,
      ]),
    );
    if (!process.argv.includes('--skip-tshark')) {
      results.push(
        await measure('tshark -Y websocket -e websocket.payload.text', run, 'tshark', [
          '-r',
          file,
          '-Y',
          'websocket',
          '-T',
          'fields',
          '-e',
          'websocket.payload.text',
        ]),
      );
    }
  }
  // The floor is measured before anything is printed so that the results table can show it.
  const floor = process.argv.includes('--no-floor') ? undefined : await measureFloor(file);
  const rows = results.map((r) => ({ ...r, mbPerSecond: size / 1e6 / r.seconds }));
  console.log(
    `capture: ${file} (${(size / 1e6).toFixed(1)} MB${capture ? `, ${capture.captured} packets, ${capture.dropped} dropped by kernel` : ''})`,
  );
  console.log('| run | tool | wall s | CPU s | MB/s | peak RSS (MB) | exit |');
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.run} | ${r.name} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.mbPerSecond.toFixed(1)} | ${r.maxRssMB.toFixed(0)} | ${r.exitCode} |`,
    );
  }
  if (floor) {
    console.log(
      `| – | floor: node start-up + read + minimal message lines (${floor.best.encoder}) | ${(floor.totalMs / 1000).toFixed(2)} | ${(floor.totalCpuMs / 1000).toFixed(2)} | ${(size / 1e3 / floor.totalMs).toFixed(1)} | – | – |`,
    );
  }
  for (let run = 1; run <= runs; run++) {
    const [ours, tshark] = [
      rows.find((r) => r.run === run && r.name.startsWith('wirechat')),
      rows.find((r) => r.run === run && r.name.startsWith('tshark')),
    ];
    if (ours && tshark) {
      console.log(
        `run ${run}: ${(tshark.seconds / ours.seconds).toFixed(1)}× tshark's speed (wall), ${(tshark.cpuSeconds / ours.cpuSeconds).toFixed(1)}× (CPU)`,
      );
    }
  }
  let stages: StageResult[] | undefined;
  if (process.argv.includes('--stages')) {
    stages = [];
    for (const name of STAGES) stages.push(await stage(name, file));
    console.log('\n| stage | wall ms | CPU ms | peak RSS (MB) | events | output MB |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const st of stages) {
      console.log(
        `| ${st.stage}: ${STAGE_WORDS[st.stage]} | ${st.ms.toFixed(0)} | ${st.cpuMs.toFixed(0)} | ${st.maxRssMB.toFixed(0)} | ${st.events} | ${(st.outputBytes / 1e6).toFixed(1)} |`,
      );
    }
  }
  if (floor) {
    printFloor(
      floor,
      size,
      results.filter((r) => r.name.startsWith('tshark')),
    );
  }
  writeFileSync(
    join(outDir, 'read-bench.json'),
    JSON.stringify({ file, size, capture, rows, stages, floor }, null, 2) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(`read-bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
