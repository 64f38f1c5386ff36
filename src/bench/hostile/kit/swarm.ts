// The harness's side of the attack swarms: one attack's connections spread over as many
// processes as the count demands (each process keeps well under its file-descriptor limit).
import { fileURLToPath } from 'node:url';
import { ChildHandle } from './child.js';
import type { Behaviour, OpenSpec, SwarmCommand, SwarmEvent, SwarmStats } from './swarm-protocol.js';

const MAIN = fileURLToPath(new URL('./swarm-main.js', import.meta.url));
/** Connections per process: far below the 20,000 descriptors a process may hold here. */
export const PER_PROCESS = 5000;

type Handle = ChildHandle<SwarmCommand, SwarmEvent>;
type Opened = Extract<SwarmEvent, { ev: 'opened' }>;
type Stats = Extract<SwarmEvent, { ev: 'stats' }>;

export interface OpenTotals {
  opened: number;
  loggedIn: number;
  failed: Record<string, number>;
}

export class Swarm {
  private readonly handles: Handle[];

  constructor(
    readonly total: number,
    perProcess = PER_PROCESS,
  ) {
    const processes = Math.max(1, Math.ceil(total / perProcess));
    this.handles = Array.from({ length: processes }, () => new ChildHandle(MAIN, 'attack swarm'));
  }

  /** Opens `total` connections, split evenly over the processes. */
  async open(spec: Omit<OpenSpec, 'count' | 'indexBase'>): Promise<OpenTotals> {
    const share = Math.ceil(this.total / this.handles.length);
    const answers = await Promise.all(
      this.handles.map((h, i) => {
        const count = Math.max(0, Math.min(share, this.total - i * share));
        return h.request<Opened>({ cmd: 'open', spec: { ...spec, count, indexBase: i * share } }, 'opened');
      }),
    );
    const totals: OpenTotals = { opened: 0, loggedIn: 0, failed: {} };
    for (const a of answers) {
      totals.opened += a.opened;
      totals.loggedIn += a.loggedIn;
      for (const [code, n] of Object.entries(a.failed)) totals.failed[code] = (totals.failed[code] ?? 0) + n;
    }
    return totals;
  }

  async behave(behaviour: Behaviour): Promise<void> {
    await Promise.all(this.handles.map((h) => h.request({ cmd: 'behave', behaviour }, 'ok')));
  }

  async halt(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.request({ cmd: 'halt' }, 'ok')));
  }

  async stats(): Promise<SwarmStats> {
    const all = await Promise.all(this.handles.map((h) => h.request<Stats>({ cmd: 'stats' }, 'stats')));
    return mergeStats(all.map((a) => a.stats));
  }

  /** Closes every connection (a leave, for logged-in users), returns the last counts, ends the processes. */
  async close(): Promise<SwarmStats> {
    const all = await Promise.all(
      this.handles.map((h) => h.request<Stats>({ cmd: 'close' }, 'stats').catch(() => null)),
    );
    await Promise.all(this.handles.map((h) => h.ended()));
    return mergeStats(all.filter((a): a is Stats => a !== null).map((a) => a.stats));
  }
}

function mergeStats(list: SwarmStats[]): SwarmStats {
  const out: SwarmStats = { open: 0, sent: 0, received: {}, errors: {}, closed: [] };
  for (const s of list) {
    out.open += s.open;
    out.sent += s.sent;
    for (const [k, n] of Object.entries(s.received)) out.received[k] = (out.received[k] ?? 0) + n;
    for (const [k, n] of Object.entries(s.errors)) out.errors[k] = (out.errors[k] ?? 0) + n;
    out.closed.push(...s.closed);
  }
  return out;
}

/** How many closes had each reason. */
export function closeReasons(stats: SwarmStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of stats.closed) out[c.reason] = (out[c.reason] ?? 0) + 1;
  return out;
}
