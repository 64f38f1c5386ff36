import { brokerContract } from '../../testing/chat/broker-contract.js';
import { MemoryBroker, MemoryBus } from './memory-broker.js';

brokerContract('MemoryBroker', async (count) => {
  const bus = new MemoryBus();
  return Array.from({ length: count }, (_, i) => new MemoryBroker(['a', 'b', 'c', 'd'][i] ?? `n${i}`, bus));
});
