// How long after a packet is captured is its message on screen? Runs `wirechat capture --format
// jsonl` (real tcpdump) on loopback while a client sends WebSocket messages to an echo server, and
// for every ws.message line measures (time the line arrived here) − (the packet's capture time,
// the kernel's timestamp carried in `ts`). Both clocks are this machine's wall clock.
//
//   npm run build && node dist/bench/capture-latency.js [--messages 1000] [--gap-ms 5]
//
// Needs root (tcpdump). Prints p50/p90/p99/max in milliseconds and a JSON line.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { WebSocket, WebSocketServer } from 'ws';
import { startChildCommand } from '../testing/child-command.js';

const nowSeconds = (): number => (performance.timeOrigin + performance.now()) / 1000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000' },
      'gap-ms': { type: 'string', default: '5' },
      format: { type: 'string', default: 'jsonl' },
    },
  });
  const total = Number(values.messages);
  const gapMs = Number(values['gap-ms']);
  if (process.getuid?.() !== 0) {
    console.error('capture-latency: needs root (tcpdump); run with sudo');
    process.exitCode = 2;
    return;
  }
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (ws) => ws.on('message', (d, bin) => ws.send(d, { binary: bin })));
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;

  const latencies: number[] = [];
  let buffered = '';
  const capture = startChildCommand(
    'capture',
    ['-i', 'lo', '--format', 'jsonl', 'tcp', 'port', String(port)],
    (chunk) => {
      const arrived = nowSeconds();
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (!line.includes('"event":"ws.message"')) continue;
        const ev = JSON.parse(line) as { ts: number };
        latencies.push((arrived - ev.ts) * 1000);
      }
    },
  );
  await capture.waitFor(/listening on lo/);
  const load = loadavg()[0]!;

  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
  await once(ws, 'open');
  let echoed = 0;
  ws.on('message', () => echoed++);
  for (let i = 0; i < total; i++) {
    ws.send(JSON.stringify({ type: 'say', to_uid: 'all', content: `message ${i}` }));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  while (echoed < total) await new Promise((r) => setTimeout(r, 10));
  // Every message appears twice (client's and echo); wait for the last lines, then Ctrl-C.
  const deadline = Date.now() + 10_000;
  while (latencies.length < 2 * total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  capture.interrupt();
  await capture.exited;
  server.close();

  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    bench: 'capture-latency',
    messages: sorted.length,
    gapMs,
    loadavg1: Number(load.toFixed(2)),
    p50ms: Number(percentile(sorted, 50).toFixed(3)),
    p90ms: Number(percentile(sorted, 90).toFixed(3)),
    p99ms: Number(percentile(sorted, 99).toFixed(3)),
    maxms: Number((sorted.at(-1) ?? NaN).toFixed(3)),
  };
  console.log(
    `capture latency over ${result.messages} messages (load ${result.loadavg1}): p50 ${result.p50ms} ms, p90 ${result.p90ms} ms, p99 ${result.p99ms} ms, max ${result.maxms} ms`,
  );
  console.log(JSON.stringify(result));
}

main().catch((err: Error) => {
  console.error(`capture-latency: ${err.message}`);
  process.exitCode = 1;
});
