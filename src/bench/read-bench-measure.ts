// How read-bench.ts measures: a command with stdout to /dev/null under /usr/bin/time -v (wall
// time, user + system CPU, peak RSS), the stages and the floor each in a fresh process.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import type { StageResult } from './read-stages.js';
import { FLOOR_ENCODERS, type FloorEncoder, type FloorResult } from './read-floor.js';

export interface Measured {
  name: string;
  run: number;
  seconds: number;
  /** User + system CPU seconds (steadier than wall time when other jobs share the machine). */
  cpuSeconds: number;
  maxRssMB: number;
  exitCode: number | null;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Runs a command with stdout to /dev/null under /usr/bin/time -v; wall time and peak RSS. */
export async function measure(
  name: string,
  run: number,
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<Measured> {
  const devnull = openSync('/dev/null', 'w');
  const useTime = existsSync('/usr/bin/time');
  const start = process.hrtime.bigint();
  const child = spawn(useTime ? '/usr/bin/time' : cmd, useTime ? ['-v', cmd, ...args] : args, {
    stdio: ['ignore', devnull, 'pipe'],
    ...(env ? { env } : {}),
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

/** Runs a bench script of dist/bench in a fresh process and parses the JSON line it prints. */
async function jsonChild<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<T> {
  const path = join(projectRoot, 'dist', 'bench', script);
  const child = spawn(process.execPath, [...nodeFlags, path, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out) as T;
}

/** One stage of read-stages.ts in a fresh process. */
export function stage(name: string, file: string): Promise<StageResult> {
  return jsonChild<StageResult>('read-stages.js', [name, file]);
}

export interface Floor {
  file: string;
  /** `node -e ''`, the median of five (wall and CPU). */
  startup: { ms: number; cpuMs: number };
  encoders: FloorResult[];
  /** The faster encoder by CPU. */
  best: FloorResult;
  /** start-up + read + (decrypt) + the faster encoder's encode+write. */
  totalMs: number;
  totalCpuMs: number;
}

/** The floor of one capture (with its key log: the wss floor, decryption included). */
export async function measureFloor(file: string, keylog?: string): Promise<Floor> {
  const starts: Measured[] = [];
  for (let i = 0; i < 5; i++) starts.push(await measure("node -e ''", i, process.execPath, ['-e', '']));
  const startup = {
    ms: median(starts.map((s) => s.seconds * 1000)),
    cpuMs: median(starts.map((s) => s.cpuSeconds * 1000)),
  };
  const encoders: FloorResult[] = [];
  for (const encoder of FLOOR_ENCODERS) {
    const args: string[] = [file, encoder as FloorEncoder, ...(keylog ? [keylog] : [])];
    encoders.push(await jsonChild<FloorResult>('read-floor.js', args, ['--expose-gc']));
  }
  const best = encoders.reduce((a, b) => (b.encodeWriteCpuMs < a.encodeWriteCpuMs ? b : a));
  return {
    file,
    startup,
    encoders,
    best,
    totalMs: startup.ms + best.readMs + (best.decryptMs ?? 0) + best.encodeWriteMs,
    totalCpuMs: startup.cpuMs + best.readCpuMs + (best.decryptCpuMs ?? 0) + best.encodeWriteCpuMs,
  };
}

export function printFloor(title: string, floor: Floor, size: number): void {
  const { startup, best } = floor;
  const row = (what: string, ms: number, cpuMs: number): void =>
    console.log(`| ${what} | ${ms.toFixed(0)} | ${cpuMs.toFixed(0)} |`);
  console.log(`\n| ${title} | wall ms | CPU ms |`);
  console.log('|---|---:|---:|');
  row("node start-up (`node -e ''`, median of 5)", startup.ms, startup.cpuMs);
  row(`read ${(size / 1e6).toFixed(1)} MB in 1 MiB chunks`, best.readMs, best.readCpuMs);
  if (best.records !== undefined)
    row(
      `decrypt ${best.records} TLS records, one node:crypto decipher each`,
      best.decryptMs!,
      best.decryptCpuMs!,
    );
  for (const e of floor.encoders) {
    row(
      `encode+write ${e.messages} minimal message lines (${(e.outputBytes / 1e6).toFixed(1)} MB) to /dev/null, ${e.encoder}`,
      e.encodeWriteMs,
      e.encodeWriteCpuMs,
    );
  }
  row(
    `**floor total** (start-up + read${best.records !== undefined ? ' + decrypt' : ''} + ${best.encoder})`,
    floor.totalMs,
    floor.totalCpuMs,
  );
}
