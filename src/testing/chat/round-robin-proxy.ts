// A round-robin TCP load balancer in front of several nodes, for the multi-node benchmark: each
// new connection goes to the next node, so `wirechat bench fanout --url` (one URL) spreads its
// receivers across all of them, as any load balancer would. Run: node <this> PORT NODEPORT...
import { createServer, connect } from 'node:net';

export function startProxy(port: number, targets: number[]): Promise<void> {
  let next = 0;
  const server = createServer((client) => {
    const upstream = connect(targets[next++ % targets.length]!, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

if (process.argv[1]?.endsWith('round-robin-proxy.js')) {
  const [port, ...targets] = process.argv.slice(2).map(Number);
  void startProxy(port!, targets);
}
