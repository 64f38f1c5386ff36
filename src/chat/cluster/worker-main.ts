// A cluster worker of `wirechat serve --workers N`: one chat server (hub, transport, web page) whose
// broker and presence reach the other workers through the primary. The ports are shared: the
// primary accepts connections and hands them to the workers in turn (node:cluster).
import { pino } from 'pino';
import { formatUserError } from '../../shared/errors.js';
import { createChatServer, type ChatServer } from '../server.js';
import { WORKER_OPTIONS_ENV, type PrimaryMessage, type WorkerMessage, type WorkerSetup } from './messages.js';
import { clusterBackends } from './cluster-backends.js';
import { WorkerStats } from './cluster-stats.js';
import { WorkerBus } from './worker-bus.js';
import { CLUSTER_LEDGER_SYNC_MS, IpcLedgerBackend } from './cluster-ledger.js';
import { anyAddressLimit } from '../limits/address-ledger.js';
import { SyncedAddressLedger } from '../limits/synced-address-ledger.js';
import { addressLimits } from '../transport/transport-limits.js';

const setup = JSON.parse(process.env[WORKER_OPTIONS_ENV] ?? '{}') as WorkerSetup;
// With a callback, a send on a closing channel (the primary is gone) is ignored, not thrown.
const tell = (message: WorkerMessage): void => void process.send?.(message, undefined, undefined, () => {});

const bus = new WorkerBus({
  send: (message) => tell(message as WorkerMessage),
  onMessage: (handler) => process.on('message', handler),
});
tell({ t: 'hello' });
const log = pino(
  { level: String(setup.options.logLevel ?? 'info'), base: { pid: process.pid, worker: setup.index } },
  pino.destination(2),
);

// Signals from a terminal reach the whole process group; the primary alone decides when to stop,
// so that every worker closes its clients (1001) and the primary exits last.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

let server: ChatServer | undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server?.close();
  bus.close();
  process.exit(0);
}

const stats = new WorkerStats(tell);
// Per-address limits hold across workers: counts meet in the primary (cluster-ledger.ts).
const ledgerBackend = new IpcLedgerBackend(tell);
const limits = addressLimits(setup.options);
const ledger = anyAddressLimit(limits)
  ? new SyncedAddressLedger(limits, ledgerBackend, {
      participant: String(setup.index),
      syncMs: CLUSTER_LEDGER_SYNC_MS,
    })
  : undefined;
process.on('message', (message: PrimaryMessage) => {
  if (message?.t === 'shutdown') void stop();
  else if (message?.t === 'ledger') ledgerBackend.receive(message);
  else stats.receive(message);
});
// The primary is gone (killed): nobody relays any more, so this worker stops too.
process.on('disconnect', () => void stop());

const backends = clusterBackends(bus, setup, () => process.connected);
// The primary answers `hello` with the rooms' history before anything else; serve only once it
// is kept, so that the first user here already gets it (and ids are minted after it).
await new Promise<void>((resolve) => {
  const seeded = (message: PrimaryMessage): void => {
    if (message?.t !== 'history') return;
    process.off('message', seeded);
    resolve();
  };
  process.on('message', seeded);
});
createChatServer({ ...setup.options, nodeId: setup.nodeId }, log, {
  backends,
  stats,
  ids: { index: setup.index, count: setup.count },
  ledger,
}).then(
  (started) => {
    server = started;
    tell({ t: 'ready', wsPort: started.wsPort, webPort: started.webPort });
  },
  (err: Error & { code?: string; exitCode?: number }) => {
    const line = formatUserError(err);
    if (line === undefined) log.error({ err }, 'worker failed to start');
    tell({
      t: 'failed',
      code: err.code ?? 'WORKER_FAILED',
      message: line ?? err.message,
      exitCode: err.exitCode ?? 1,
    });
    setTimeout(() => process.exit(1), 100);
  },
);
