// Result tables for stdout. Numbers are right-aligned, rates with thousands separators; every
// fact in a table is also in the --json output.
import type { FanoutRun } from './fanout.js';
import type { CapacityResult } from './broadcast-capacity.js';
import type { ConnectionsResult } from './connections.js';
import { invalidReason } from './run-validity.js';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const num = (n: number): string => n.toLocaleString('en-US');
const ms = (n: number | undefined | null): string => (n === undefined || n === null ? '-' : n.toFixed(2));

/** Ratios of each run's rate to the naive and limit runs of the same command, when present. */
export function fanoutRatios(runs: FanoutRun[]): Record<string, { vsNaive?: number; vsLimit?: number }> {
  const rate = (name: string): number | undefined =>
    runs.find((r) => r.target === name)?.result.deliveredPerSecond || undefined;
  const naive = rate('naive');
  const limit = rate('limit');
  const out: Record<string, { vsNaive?: number; vsLimit?: number }> = {};
  for (const r of runs) {
    const own = r.result.deliveredPerSecond;
    out[r.target] = {
      ...(naive ? { vsNaive: Math.round((own / naive) * 100) / 100 } : {}),
      ...(limit ? { vsLimit: Math.round((own / limit) * 100) / 100 } : {}),
    };
  }
  return out;
}

function closedText(closed: Record<string, number>): string {
  const total = Object.values(closed).reduce((s, n) => s + n, 0);
  return total === 0 ? '0' : `${total} (${Object.keys(closed).join(',')})`;
}

export function formatFanout(runs: FanoutRun[]): string {
  const ratios = fanoutRatios(runs);
  const showRatios = runs.length > 1;
  const header = [
    'target',
    'delivered msg/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'sent',
    'delivered',
    'all got all',
    'closed',
    'server CPU',
    'clients CPU',
  ];
  // CPU as a share of one core over the phase: shows whether the server or the load was the limit.
  const cpu = (ms: number | null, elapsed: number): string =>
    ms === null || elapsed <= 0 ? '-' : `${Math.round((ms / elapsed) * 100)}%`;
  if (showRatios) header.push('x naive', 'x limit');
  const rows = runs.map((r) => {
    const x = r.result;
    const row = [
      r.target,
      // A run the server cut short (closed its senders) has no figure to headline.
      invalidReason(x) ? 'invalid' : num(x.deliveredPerSecond),
      ms(x.latencyMs?.p50),
      ms(x.latencyMs?.p95),
      ms(x.latencyMs?.p99),
      num(x.sent),
      num(x.delivered),
      x.complete === x.receivers && x.outOfOrder === 0 ? 'yes' : `no (${x.complete}/${x.receivers})`,
      closedText(x.closed),
      cpu(x.serverCpuMs, x.elapsedMs),
      cpu(x.clientCpuMs, x.elapsedMs),
    ];
    if (showRatios) {
      const q = ratios[r.target] ?? {};
      row.push(
        q.vsNaive !== undefined ? q.vsNaive.toFixed(2) : '-',
        q.vsLimit !== undefined ? q.vsLimit.toFixed(2) : '-',
      );
    }
    return row;
  });
  return table(header, rows);
}

export function formatCapacity(runs: Array<{ target: string; result: CapacityResult }>): string {
  const parts = runs.map(({ target, result }) =>
    table(
      ['clients', 'p95 ms', 'p99 ms', 'broadcasts/s', 'complete'],
      result.steps.map((s) => [
        num(s.clients),
        ms(s.p95Ms),
        ms(s.p99Ms),
        num(s.broadcastsPerSecond),
        s.complete ? 'yes' : 'no',
      ]),
    ).replace(
      /^/,
      `${target}: capacity ${num(result.capacity)} clients (p95 ≤ ${result.limitMs} ms; stopped: ${result.stoppedBy})\n`,
    ),
  );
  return parts.join('\n');
}

export function formatConnections(runs: Array<{ target: string; result: ConnectionsResult }>): string {
  const mib = (b: number | null): string => (b === null ? '-' : (b / 1048576).toFixed(1));
  return table(
    ['target', 'users', 'RSS before MiB', 'RSS after MiB', 'bytes/user', 'reached', 'closed'],
    runs.map(({ target, result: r }) => [
      target,
      num(r.users),
      mib(r.rssBeforeBytes),
      mib(r.rssAfterBytes),
      r.bytesPerUser === null ? '-' : num(r.bytesPerUser),
      `${num(r.reached)}${r.allReached ? ' (all)' : ''}`,
      closedText(r.closed),
    ]),
  );
}
