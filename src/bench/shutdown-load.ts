// Shutdown under load: `wirechat serve` (real process, default workers unless told) with N clients
// in rooms of `roomSize`, each sending `rate` messages per second; then SIGTERM, and the close
// code every client got, how long the server took to exit, and its exit code.
//   node dist/bench/shutdown-load.js [clients=2000] [rate=5] [roomSize=20]
// The clients run in this process (ws), so on a small machine they compete with the server for
// CPU: the numbers are a floor for what the server does on its own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { freePort } from '../shared/free-port.js';
import { projectRoot } from '../shared/paths.js';

export interface ShutdownLoadOptions {
  clients: number;
  rate: number;
  roomSize: number;
  /** `--workers`; undefined: the default (one per core). */
  workers?: number;
  /** `--shutdown-timeout` in seconds; undefined: the default. */
  shutdownTimeout?: number;
  /** How long the load runs before SIGTERM. */
  loadMs?: number;
}

export interface ShutdownLoadResult {
  /** Close codes the clients got, with how many got each (1006: reset, no close frame). */
  codes: Record<string, number>;
  /** From SIGTERM to the server's exit. */
  stopMs: number;
  exitCode: number | null;
  /** Messages the clients sent in all. */
  sent: number;
}

export async function runShutdownLoad(o: ShutdownLoadOptions): Promise<ShutdownLoadResult> {
  const [wsPort, webPort] = [await freePort(), await freePort()];
  const args = [join(projectRoot, 'bin', 'wirechat.js'), 'serve', '--host', '127.0.0.1'];
  args.push('--ws-port', String(wsPort), '--web-port', String(webPort));
  args.push('--log-level', process.env.WIRECHAT_LOG_LEVEL ?? 'warn');
  // Every client comes from 127.0.0.1: the per-address budget would (rightly) stop them.
  args.push('--address-rate', '0');
  if (o.workers !== undefined) args.push('--workers', String(o.workers));
  if (o.shutdownTimeout !== undefined) args.push('--shutdown-timeout', String(o.shutdownTimeout));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await ready(webPort);
    const codes: Record<string, number> = {};
    const closed: Promise<void>[] = [];
    const sockets: WebSocket[] = [];
    let sent = 0;
    const connect = async (i: number): Promise<void> => {
      const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`);
      sockets.push(ws);
      ws.on('error', () => {});
      closed.push(
        new Promise((resolve) =>
          ws.once('close', (code) => {
            codes[code] = (codes[code] ?? 0) + 1;
            resolve();
          }),
        ),
      );
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const room = `r${Math.floor(i / o.roomSize)}`;
      ws.send(JSON.stringify({ type: 'login', client_name: `u${i}`, room_id: room }));
    };
    // In batches: quick to set up, without a connection storm.
    for (let i = 0; i < o.clients; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, o.clients - i) }, (_, k) => connect(i + k)));
    }
    const period = 1000 / o.rate;
    const timers = sockets.map((ws, i) => {
      // Spread over the period so the load is steady, not in waves.
      const start = setTimeout(
        () => {
          timers[i] = setInterval(() => {
            if (ws.readyState !== ws.OPEN) return;
            ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content: `m${sent++}` }));
          }, period);
        },
        (i * period) / sockets.length,
      );
      return start;
    });
    await new Promise((r) => setTimeout(r, o.loadMs ?? 3000));
    const t0 = Date.now();
    child.kill('SIGTERM');
    if (process.env.WIRECHAT_LOG_LEVEL) console.error(JSON.stringify({ sigterm: t0 }));
    const exitCode = await exited;
    const stopMs = Date.now() - t0;
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 5000))]);
    for (const t of timers) clearTimeout(t);
    for (const ws of sockets) ws.terminate();
    return { codes, stopMs, exitCode, sent };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function ready(webPort: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${webPort}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [clients = 2000, rate = 5, roomSize = 20] = process.argv.slice(2).map(Number);
  const result = await runShutdownLoad({ clients, rate, roomSize });
  console.log(JSON.stringify(result));
}
