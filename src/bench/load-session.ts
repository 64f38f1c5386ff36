// One bench run's client side: client processes holding logged-in connections to one target,
// and measured phases (senders send for a while, every receiver's count is checked after).
import { availableParallelism } from 'node:os';
import { UserError } from '../shared/errors.js';
import type { LoadDialect } from './bench-message.js';
import { nowMicros } from './bench-message.js';
import { createHistogram, mergeEncoded, summarize, type LatencySummary } from './histogram.js';
import type { Progress } from './progress.js';
import { parseTargetUrl } from './raw-ws-client.js';
import { WorkerPool } from './worker-pool.js';
import type { ArmedEvent, ConnectedEvent, ResultEvent, SentEvent } from './worker-protocol.js';

/** One process stays well below the 20,000 open files allowed per process here. */
export const CONNECTIONS_PER_PROCESS = 15_000;

export interface SessionOptions {
  url: string;
  dialect: LoadDialect;
  /** Client processes; default: enough for the connections, at least the number of cores. */
  procs?: number;
  /** Largest number of connections this session will hold (sizes the process count). */
  plannedConnections: number;
  timeoutMs: number;
  progress: Progress;
  /** Rooms to spread users over (default 1); see ConnectCommand.rooms. */
  rooms?: number;
}

export interface PhaseOptions {
  inflight: number;
  /** Messages per second per sender; 0 or absent: as fast as the window allows. */
  rate?: number;
  durationMs: number;
  maxPerSender?: number;
  drainMs?: number;
  collectTimeoutMs?: number;
  /**
   * A receiver process stops waiting after this long without a delivery (default 3000 ms): a
   * throughput run need not wait out the whole timeout for messages that are lost. A run that
   * checks that everyone was reached sets it to the timeout: on a loaded machine deliveries can
   * stall for seconds and still arrive.
   */
  collectIdleMs?: number;
  /** Reads the target's CPU time in ms, when this command started it. */
  serverCpu?: () => Promise<number>;
  /** Messages each receiver should get (default: every message sent, all in one room). */
  expectedPerReceiver?: (sent: number) => number;
}

export interface PhaseResult {
  sent: number;
  /** Messages whose own copy never came back to their sender. */
  unanswered: number;
  receivers: number;
  /** Receivers that got every message exactly once. */
  complete: number;
  missing: number;
  extra: number;
  outOfOrder: number;
  delivered: number;
  /** From the phase's start to the last delivery. */
  elapsedMs: number;
  deliveredPerSecond: number;
  latencyMs: LatencySummary | null;
  senderRoundTripMs: LatencySummary | null;
  closed: Record<string, number>;
  /** CPU time of all client processes during the phase. */
  clientCpuMs: number;
  /** CPU time of the target during the phase, when this command started it. */
  serverCpuMs: number | null;
}

export function defaultProcs(connections: number): number {
  return Math.max(Math.min(availableParallelism(), 4), Math.ceil(connections / CONNECTIONS_PER_PROCESS));
}

export class LoadSession {
  private readonly pool: WorkerPool;
  private receivers = 0;
  private senders = 0;
  private batch = 0;
  private readonly loopback: boolean;

  constructor(private readonly options: SessionOptions) {
    const target = parseTargetUrl(options.url);
    if (!target) throw new UserError(`--url must be a ws:// or wss:// URL, got '${options.url}'`, 'BAD_URL');
    this.loopback = target.host === '127.0.0.1' || target.host === 'localhost';
    this.pool = new WorkerPool(options.procs ?? defaultProcs(options.plannedConnections));
  }

  get processCount(): number {
    return this.pool.workers.length;
  }

  /** Opens and logs in more receivers (and senders), spread evenly over the processes. */
  async add(receivers: number, senders: number): Promise<void> {
    const n = this.pool.workers.length;
    const firstSender = this.senders;
    const totalSenders = this.senders + senders;
    const prefix = `b${this.batch++}`;
    const share = (i: number): number => Math.floor(receivers / n) + (i < receivers % n ? 1 : 0);
    const watch = setInterval(() => {
      const t = this.pool.ticks();
      this.options.progress.update(
        `connecting: ${t.open} of ${this.receivers + receivers + totalSenders} open`,
      );
    }, 250);
    let events: ConnectedEvent[];
    try {
      events = await this.pool.all<ConnectedEvent>(
        (i) => ({
          cmd: 'connect',
          url: this.options.url,
          dialect: this.options.dialect,
          receivers: share(i),
          rooms: this.options.rooms ?? 1,
          firstReceiver:
            this.receivers + Array.from({ length: i }, (_, j) => share(j)).reduce((a, b) => a + b, 0),
          senders: Array.from({ length: senders }, (_, k) => firstSender + k).filter((sid) => sid % n === i),
          totalSenders,
          namePrefix: `${prefix}p${i}`,
          // Past ~28k sockets one source address runs out of ports: give each process its own.
          ...(this.loopback && this.options.plannedConnections > 25_000
            ? { localAddress: `127.0.0.${2 + i}` }
            : {}),
          timeoutMs: this.options.timeoutMs,
          concurrency: 64,
        }),
        'connected',
      );
    } finally {
      clearInterval(watch);
    }
    const failed = events.reduce((s, e) => s + e.failed, 0);
    if (failed > 0) {
      const errors: Record<string, number> = {};
      for (const e of events) for (const [k, v] of Object.entries(e.errors)) errors[k] = (errors[k] ?? 0) + v;
      const [code] = Object.entries(errors).sort((a, b) => b[1] - a[1])[0]!;
      const first = events.find((e) => e.firstError)?.firstError ?? code;
      throw new UserError(
        `${failed} of ${receivers + senders} connections to ${this.options.url} failed (${first})`,
        code,
      );
    }
    this.receivers += receivers;
    this.senders = totalSenders;
  }

  get connections(): number {
    return this.receivers + this.senders;
  }

  /** Senders send for durationMs (or maxPerSender each); then every receiver's count is checked. */
  async phase(options: PhaseOptions): Promise<PhaseResult> {
    const serverCpuBefore = options.serverCpu ? await options.serverCpu() : null;
    // Messages stamped before this belong to an earlier phase.
    const startMicros = nowMicros();
    // When the senders are told to start (rates and elapsed time count from here).
    let startMs = startMicros / 1000;
    const progress = this.options.progress;
    const watch = setInterval(() => {
      const t = this.pool.ticks();
      const secs = Math.max(0.001, (Date.now() - startMs) / 1000);
      progress.update(
        `running: ${t.sent} sent, ${t.delivered} delivered (${Math.round(t.delivered / secs)} msg/s)`,
      );
    }, 250);
    try {
      // A barrier: no sender starts before every process counts the phase's messages (see
      // ArmCommand). Started in one step, a process whose start command came late (the loaded
      // machine ran the senders' process first) discarded the messages it had already got.
      await this.pool.all<ArmedEvent>(() => ({ cmd: 'arm', startMicros }), 'armed');
      startMs = nowMicros() / 1000;
      const sentEvents = await this.pool.all<SentEvent>(
        () => ({
          cmd: 'start',
          inflight: options.inflight,
          rate: options.rate ?? 0,
          durationMs: options.durationMs,
          maxPerSender: options.maxPerSender ?? 0,
          drainMs: options.drainMs ?? 10_000,
        }),
        'sent',
      );
      const sent = sentEvents.reduce((s, e) => s + e.sent, 0);
      const rtt = createHistogram();
      for (const e of sentEvents) mergeEncoded(rtt, e.rtt);
      const results = await this.pool.all<ResultEvent>(
        () => ({
          cmd: 'collect',
          expected: options.expectedPerReceiver ? options.expectedPerReceiver(sent) : sent,
          timeoutMs: options.collectTimeoutMs ?? 30_000,
          idleMs: options.collectIdleMs ?? 3000,
        }),
        'result',
      );
      const latency = createHistogram();
      const closed: Record<string, number> = {};
      let lastAtMs = 0;
      const sum = (
        key: 'receivers' | 'complete' | 'missing' | 'extra' | 'outOfOrder' | 'delivered',
      ): number => results.reduce((s, r) => s + r[key], 0);
      for (const r of results) {
        mergeEncoded(latency, r.latency);
        lastAtMs = Math.max(lastAtMs, r.lastAtMs);
        for (const [k, v] of Object.entries(r.closed)) closed[k] = (closed[k] ?? 0) + v;
      }
      const delivered = sum('delivered');
      const serverCpuAfter = options.serverCpu ? await options.serverCpu() : null;
      const elapsedMs = lastAtMs > 0 ? lastAtMs - startMs : 0;
      return {
        sent,
        unanswered: sentEvents.reduce((s, e) => s + e.unanswered, 0),
        receivers: sum('receivers'),
        complete: sum('complete'),
        missing: sum('missing'),
        extra: sum('extra'),
        outOfOrder: sum('outOfOrder'),
        delivered,
        elapsedMs: Math.round(elapsedMs),
        deliveredPerSecond: elapsedMs > 0 ? Math.round((delivered * 1000) / elapsedMs) : 0,
        latencyMs: summarize(latency),
        senderRoundTripMs: summarize(rtt),
        closed,
        clientCpuMs: results.reduce((s, r) => s + r.cpuMs, 0),
        serverCpuMs:
          serverCpuBefore !== null && serverCpuAfter !== null ? serverCpuAfter - serverCpuBefore : null,
      };
    } finally {
      clearInterval(watch);
      progress.done();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
