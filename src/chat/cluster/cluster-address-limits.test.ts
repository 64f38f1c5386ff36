// `wirechat serve --workers 2` with per-address limits, every client from 127.0.0.1: node:cluster
// hands connections to the workers in turn, so each worker holds part of the address's
// connections; the caps and the message budget still count all of them (the workers exchange
// their counts with the primary every 250 ms), and a worker alone would admit more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, type ChatClient } from '../../testing/chat/chat-client.js';
import { rawRequest } from '../../testing/chat/raw-request.js';
import { serveCluster } from '../../testing/chat/serve-cluster.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A few exchanges with the primary.
const settle = () => sleep(1000);

test('two workers: the per-address connection cap and message budget hold across workers', async () => {
  const server = await serveCluster(2, {
    WIRECHAT_MAX_CONNS_PER_IP: '3',
    WIRECHAT_ADDRESS_RATE: '0.5',
    WIRECHAT_RATE: '1000',
  });
  const clients: ChatClient[] = [];
  try {
    for (let i = 0; i < 3; i++) clients.push(await openClient(server.wsPort, `c${i}`));
    // Opened one after the other: the log's 'connected' lines are theirs, in order.
    await server.logLine(() => server.lines.filter((l) => l.msg === 'connected').length === 3);
    const pids = server.lines.filter((l) => l.msg === 'connected').map((l) => l.pid);
    assert.equal(new Set(pids).size, 2, 'the address has connections on both workers');
    await settle();
    // Whichever worker gets them, the address's three are used.
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await rawRequest(server.wsPort, '/', true), {
        status: 429,
        code: 'ADDRESS_TOO_MANY_CONNECTIONS',
      });
    }

    // Bursts of 1 at 0.5/s. Any message counts (these are answered NOT_LOGGED_IN when admitted).
    const [a, b] = [clients[0]!, clients[pids.indexOf(pids.find((p) => p !== pids[0]))]!];
    a.send({ type: 'say', to_client_id: 'all', content: 'first' });
    assert.equal((await a.nextJson()).code, 'NOT_LOGGED_IN');
    await settle();
    // b's worker has seen no message from the address itself, yet refuses: the budget is spent.
    b.send({ type: 'say', to_client_id: 'all', content: 'second' });
    assert.equal((await b.nextJson()).code, 'ADDRESS_RATE_LIMITED');

    await clients.pop()!.close();
    await settle();
    clients.push(await openClient(server.wsPort, 'again'));
  } finally {
    for (const c of clients) c.ws.terminate();
    server.child.kill('SIGTERM');
    await server.exited;
  }
});
