// Memory of a whole process group: the sum of VmRSS over every process whose group id is the
// target's (primary and workers), read from /proc every 250 ms while an attack runs.
import { readdirSync, readFileSync } from 'node:fs';

export const SAMPLE_MS = 250;

/** Sum of VmRSS in bytes over the processes of group `pgid` (0 when none is left). */
export function groupRss(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'latin1');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) total += Number(kb[1]) * 1024;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

export interface MemorySample {
  at: number;
  rss: number;
}

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout;

  constructor(private readonly pgid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  private sample(): void {
    const rss = groupRss(this.pgid);
    if (rss > 0) this.samples.push({ at: Date.now(), rss });
  }

  /** The latest sample (taken now if none is recent). */
  now(): number {
    this.sample();
    return this.samples[this.samples.length - 1]?.rss ?? 0;
  }

  /** Highest sample taken at or after `since`. */
  peakSince(since: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.at >= since && s.rss > peak) peak = s.rss;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const mib = (bytes: number): number => Math.round(bytes / 1024 / 102.4) / 10;
