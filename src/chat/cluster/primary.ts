// `wirechat serve --workers N`: the primary process. It forks N workers (node:cluster: the
// primary owns the listening sockets and hands accepted connections to the workers in turn),
// relays the cluster bus between them (relay.ts), replaces a worker that dies, and on close asks
// every worker to close its clients with 1001, then waits for them all to exit.
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { UserError } from '../../shared/errors.js';
import type { ChatServer } from '../server.js';
import { WORKER_OPTIONS_ENV, type PrimaryMessage, type WorkerMessage, type WorkerSetup } from './messages.js';
import { PrimaryStats } from './cluster-stats.js';
import { DEFAULT_ROOM_LOG_LIMITS, expirySweepMs } from '../store/room-logs.js';
import { historyLimits } from '../store/history-limits.js';
import { Relay } from './relay.js';
import { PrimaryLedger } from './cluster-ledger.js';

const WORKER_PATH = fileURLToPath(new URL('./worker-main.js', import.meta.url));
/** A worker that does not exit this long after its own shutdown deadline is killed. */
const SHUTDOWN_MARGIN_MS = 5_000;
/** More deaths than this within a minute: stop replacing workers (something is badly wrong). */
const MAX_RESTARTS_PER_MINUTE = 10;

export interface ClusterOptions {
  workers: number;
  /** createChatServer's options for every worker (plain JSON). */
  options: Record<string, unknown>;
  /** Default: JSON lines on stderr at the options' logLevel, like the workers'. */
  logger?: Logger;
}

interface Slot {
  index: number;
  nodeId: string;
  worker: Worker;
}

export async function startCluster({
  workers: count,
  options,
  ...rest
}: ClusterOptions): Promise<ChatServer> {
  const logger =
    rest.logger ??
    pino({ level: String(options.logLevel ?? 'info'), base: { pid: process.pid } }, pino.destination(2));
  // The same history bounds as every worker's (worker-main.ts), for replacement workers.
  const bounds = historyLimits(options);
  const relay = new Relay(Date.now, bounds);
  const expiryMs = bounds.expiryMs ?? DEFAULT_ROOM_LOG_LIMITS.expiryMs;
  const sweep = expiryMs > 0 ? setInterval(() => relay.expireHistory(), expirySweepMs(expiryMs)) : undefined;
  sweep?.unref();
  const stats = new PrimaryStats();
  const ledger = new PrimaryLedger();
  const slots = new Map<number, Slot>(); // by worker.id
  let closing = false;
  let serving = false;
  const restarts: number[] = [];

  cluster.setupPrimary({ exec: WORKER_PATH, args: [], execArgv: workerExecArgv(), serialization: 'json' });

  const fork = (index: number): Slot => {
    const nodeId = randomUUID();
    const setup: WorkerSetup = { index, count, nodeId, options };
    const worker = cluster.fork({ [WORKER_OPTIONS_ENV]: JSON.stringify(setup), ...workerMallocEnv() });
    const slot = { index, nodeId, worker };
    slots.set(worker.id, slot);
    worker.on('message', (message: WorkerMessage) => {
      if (message?.t === 'hello') relay.join(worker.id, { send: (m) => sendTo(worker, m) });
      else if (message?.t === 'stats-ask') {
        const serving = [...slots.values()].map(({ worker: w }) => ({
          id: w.id,
          send: (m: PrimaryMessage) => sendTo(w, m),
        }));
        stats.ask({ id: worker.id, send: (m) => sendTo(worker, m) }, message.id, serving);
      } else if (message?.t === 'stats') stats.answer(worker.id, message.id, message.stats);
      else if (message?.t === 'ledger') ledger.answer(worker.id, message, (m) => sendTo(worker, m));
      else relay.receive(worker.id, message);
    });
    worker.on('exit', (code, signal) => {
      slots.delete(worker.id);
      stats.leave(worker.id);
      ledger.leave(worker.id);
      // A worker that dies while serving takes its users with it: everyone else hears them leave.
      relay.leave(worker.id, closing ? undefined : nodeId);
      if (closing || !serving) return;
      logger.error({ worker: index, pid: worker.process.pid, code, signal }, 'worker died');
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        logger.error({ worker: index }, 'workers keep dying; not replacing this one');
        return;
      }
      fork(index);
    });
    return slot;
  };

  const started = Array.from({ length: count }, (_, index) => fork(index));
  let ports: { wsPort: number; webPort: number };
  try {
    const answers = await Promise.all(started.map((slot) => readiness(slot.worker)));
    ports = answers[0]!;
  } catch (err) {
    closing = true;
    clearInterval(sweep);
    for (const slot of slots.values()) slot.worker.process.kill('SIGKILL');
    throw err;
  }
  serving = true;
  logger.info({ workers: count, wsPort: ports.wsPort, webPort: ports.webPort }, 'wirechat listening');

  let closed: Promise<void> | undefined;
  return {
    ...ports,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        clearInterval(sweep);
        const graceMs = Number(options.shutdownTimeout ?? 3) * 1000 + SHUTDOWN_MARGIN_MS;
        const exits = [...slots.values()].map(({ worker }) => {
          const exited = new Promise<void>((resolve) => {
            if (worker.isDead()) resolve();
            else worker.once('exit', () => resolve());
          });
          sendTo(worker, { t: 'shutdown' });
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
          return exited.then(() => clearTimeout(kill));
        });
        await Promise.all(exits);
        logger.info({}, 'wirechat stopped');
      })()),
  };
}

/**
 * Node's flags for the workers, plus two memory settings unless the user chose them: a small
 * young generation (after a burst of thousands of logins V8 grows its semi-spaces to 16 MiB and
 * keeps them committed, in every worker) and --optimize-for-size (V8 then grows the old
 * generation in smaller steps, so the heap stays close to what is live). Together they took
 * 15,000 users on 2 workers from 9.6 to 5.2 KB each, with no measurable fan-out cost
 * (BENCHMARKS.md).
 */
function workerExecArgv(): string[] {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
  const flags = [...process.execArgv];
  if (!chosen.some((a) => a.includes('semi-space'))) flags.push('--max-semi-space-size=2');
  if (!chosen.some((a) => a.includes('optimize-for-size'))) flags.push('--optimize-for-size');
  return flags;
}

/**
 * One malloc arena per worker unless the user chose otherwise: glibc gives each thread that
 * allocates (V8's and libuv's helper threads too) an arena of its own, and the native memory
 * behind each socket then spreads over several partly used arenas. One arena kept 15,000 users in
 * one process at 3.3 instead of 4.1 KB each, with no measurable fan-out cost (BENCHMARKS.md).
 */
function workerMallocEnv(): Record<string, string> {
  return process.env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: '1' } : {};
}

/**
 * A worker's channel may close at any moment (it is exiting); what was meant for it no longer
 * matters then, and the error must not become an unhandled 'error' event of the primary.
 */
function sendTo(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message, undefined, () => {});
}

/** Resolves with the worker's ports once it listens; rejects with its one-line error if it cannot. */
function readiness(worker: Worker): Promise<{ wsPort: number; webPort: number }> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      if (message?.t === 'ready') {
        cleanup();
        resolve({ wsPort: message.wsPort, webPort: message.webPort });
      } else if (message?.t === 'failed') {
        cleanup();
        reject(new UserError(message.message, message.code, message.exitCode));
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new UserError(`a worker exited while starting (code ${code})`, 'WORKER_FAILED'));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
  });
}
