// A cluster worker's backends: the IPC broker, the replicated presence and the cluster history,
// all over the worker's bus to the primary. Built before the worker serves (the primary's history
// seed arrives first) and handed to createChatServer, which then builds none of its own and
// closes these once; the worker closes the bus itself after the server.
import type { Backends } from '../backends.js';
import { IpcBroker } from '../broker/ipc-broker.js';
import { ClusterHistory } from './cluster-history.js';
import { historyLimits } from '../store/history-limits.js';
import type { WorkerSetup } from './messages.js';
import { ReplicatedPresence } from './replicated-presence.js';
import type { WorkerBus } from './worker-bus.js';

/** `connected`: whether the channel to the primary is open (node's `process.connected`). */
export function clusterBackends(bus: WorkerBus, setup: WorkerSetup, connected: () => boolean): Backends {
  const presence = new ReplicatedPresence(bus);
  // The same bounds as the primary's copy (primary.ts), which a replacement worker starts with.
  const history = new ClusterHistory(bus, {
    ...historyLimits(setup.options),
    index: setup.index,
    count: setup.count,
  });
  // Attached last: a relayed message is in this worker's history before the hub hands it out.
  const broker = new IpcBroker(setup.nodeId, bus);
  return {
    broker,
    presence,
    history,
    ready: connected,
    brokerState: () => ({ kind: 'ipc', connected: connected(), reconnects: 0, dropped: 0 }),
    roomUsers: (limit) => presence.roomSizes(limit),
    close: () => broker.close(),
  };
}
