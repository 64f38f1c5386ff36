// Which rate does `wirechat capture` keep up with, losing nothing? Runs the real command (real
// tcpdump, its default -B and snaplen) on loopback while a client sends WebSocket messages to a
// server at a fixed rate, one step per rate, and reports per step what tcpdump says the kernel
// dropped and how many messages the decoder saw. The lossless rate is the highest step with no
// drop and every message decoded.
//
//   npm run build && node dist/bench/capture-lossless.js [--size 1024] [--seconds 2] [--rates 2000,5000,…]
//
// Needs root (tcpdump). The view is text to /dev/null (the summary on stderr): the decoder does all
// its work, no terminal in the way.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { WebSocket, WebSocketServer } from 'ws';
import { startChildCommand } from '../testing/child-command.js';
import { ownLoopbackTraffic } from '../testing/loopback-filter.js';

interface Step {
  rate: number;
  sent: number;
  decoded: number;
  dropped: number;
  /** Packets tcpdump captured per second of sending. */
  packetsPerSecond: number;
  mbPerSecond: number;
}

async function runStep(rate: number, size: number, seconds: number): Promise<Step> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  let received = 0;
  server.on('connection', (ws) => ws.on('message', () => received++));
  const capture = startChildCommand('capture', [
    '-i',
    'lo',
    '--format',
    'text',
    '-o',
    '/dev/null',
    ...ownLoopbackTraffic(port),
  ]);
  await capture.waitFor(/listening on lo/);
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
  await once(client, 'open');
  const payload = 'x'.repeat(size);
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  // Paced in 10 ms ticks: each tick sends what the rate allows by then.
  while (sent < total) {
    const due = Math.min(total, Math.round(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) client.send(payload);
    await new Promise((r) => setTimeout(r, 10));
  }
  for (let i = 0; i < 500 && received < total; i++) await new Promise((r) => setTimeout(r, 10));
  const elapsed = (performance.now() - start) / 1000;
  client.close();
  await new Promise((r) => setTimeout(r, 300));
  capture.interrupt();
  await capture.exited;
  server.close();
  const err = capture.stderr();
  const dropped = Number(/(\d+) packets? dropped by kernel/.exec(err)?.[1] ?? NaN);
  const decoded = Number(/messages: ([\d,]+) from clients/.exec(err)?.[1]?.replace(/,/g, '') ?? NaN);
  const captured = Number(/(\d+) packets? captured/.exec(err)?.[1] ?? NaN);
  return {
    rate,
    sent,
    decoded,
    dropped,
    packetsPerSecond: Math.round((captured + dropped) / elapsed),
    mbPerSecond: (sent * size) / elapsed / 1e6,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1024' },
      seconds: { type: 'string', default: '2' },
      rates: { type: 'string', default: '1000,2000,5000,10000,20000,40000' },
    },
  });
  if (process.getuid?.() !== 0) {
    console.error('capture-lossless: needs root (tcpdump); run with sudo');
    process.exitCode = 2;
    return;
  }
  const size = Number(values.size);
  const seconds = Number(values.seconds);
  const steps: Step[] = [];
  for (const rate of values.rates.split(',').map(Number)) {
    const step = await runStep(rate, size, seconds);
    steps.push(step);
    const lossless = step.dropped === 0 && step.decoded === step.sent;
    console.log(
      `${String(rate).padStart(6)} msg/s × ${size} B: sent ${step.sent}, decoded ${step.decoded}, ` +
        `kernel dropped ${step.dropped} (${step.packetsPerSecond} packets/s, ${step.mbPerSecond.toFixed(1)} MB/s) ` +
        (lossless ? 'lossless' : 'LOSS'),
    );
  }
  // Kept up with: the last step before the first loss (a faster step can pass again when TCP
  // coalesces the messages into fewer, fuller segments).
  const firstLoss = steps.findIndex((s) => s.dropped !== 0 || s.decoded !== s.sent);
  const best = (firstLoss === -1 ? steps : steps.slice(0, firstLoss)).at(-1);
  console.log(
    JSON.stringify({
      bench: 'capture-lossless',
      size,
      seconds,
      load: loadavg()[0],
      best: best?.rate ?? 0,
      steps,
    }),
  );
}

void main();
