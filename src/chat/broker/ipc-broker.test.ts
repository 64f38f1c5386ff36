// The broker contract on IpcBroker, with the cluster's relay in this process: each node's bus
// talks to the Relay through a channel that copies every message through JSON and hands it over
// asynchronously, as node's IPC does. The real processes are tested in cluster/cluster.test.ts.
import { Relay } from '../cluster/relay.js';
import { WorkerBus, type Channel } from '../cluster/worker-bus.js';
import { brokerContract } from '../../testing/chat/broker-contract.js';
import { IpcBroker } from './ipc-broker.js';

function pair(relay: Relay, id: number): Channel {
  let toWorker: (message: unknown) => void = () => {};
  const copy = (message: unknown): unknown => JSON.parse(JSON.stringify(message));
  relay.join(id, { send: (message) => setImmediate(() => toWorker(copy(message))) });
  return {
    send: (message) => setImmediate(() => relay.receive(id, copy(message))),
    onMessage: (handler) => (toWorker = handler),
  };
}

brokerContract('IpcBroker', async (count) => {
  const relay = new Relay();
  return Array.from(
    { length: count },
    (_, i) => new IpcBroker(['a', 'b', 'c', 'd'][i] ?? `n${i}`, new WorkerBus(pair(relay, i))),
  );
});
