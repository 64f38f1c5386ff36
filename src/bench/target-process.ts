// Runs one bench target (the chat server or a baseline) alone in its own process, so its RSS is
// its own and it does not share an event loop with the load. Talks to the coordinator over IPC.
import { startNaiveServer } from './baselines/naive-ws-server.js';
import { startLimitServer } from './baselines/limit-server.js';

export type TargetName = 'wirechat' | 'naive' | 'limit';

export type TargetEvent =
  | { ev: 'ready'; port: number; pid: number }
  | { ev: 'failed'; code: string; message: string }
  | { ev: 'rss'; rss: number }
  | { ev: 'cpu'; cpuMs: number };

interface Running {
  port: number;
  close(): Promise<void>;
}

type ChatServerModule = {
  createChatServer(options: Record<string, unknown>): Promise<{ wsPort: number; close(): Promise<void> }>;
};

async function startWirechat(host: string): Promise<Running> {
  // Loaded by path at run time so the bench builds and runs without the chat (baselines, --url).
  const path = '../chat/server.js';
  let mod: ChatServerModule;
  try {
    mod = (await import(path)) as ChatServerModule;
  } catch (err) {
    throw Object.assign(new Error(`the chat server could not be loaded (${(err as Error).message})`), {
      code: 'TARGET_UNAVAILABLE',
    });
  }
  // A bench sender floods on purpose, every client from 127.0.0.1: lift the per-connection rate
  // limit and the per-address budget that protect real users from floods; every other limit
  // (frame size, buffered bytes) stays as configured.
  const server = await mod.createChatServer({
    host,
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    rate: 1e9,
    addressRate: 0,
  });
  return { port: server.wsPort, close: () => server.close() };
}

async function start(name: string): Promise<Running> {
  const host = '127.0.0.1';
  if (name === 'naive') return startNaiveServer({ host, port: 0 });
  if (name === 'limit') return startLimitServer({ host, port: 0 });
  if (name === 'wirechat') return startWirechat(host);
  throw Object.assign(new Error(`unknown target '${name}'`), { code: 'UNKNOWN_TARGET' });
}

function reply(event: TargetEvent): void {
  process.send?.(event);
}

const gc = (globalThis as { gc?: () => void }).gc;

start(process.argv[2] ?? '').then(
  (running) => {
    reply({ ev: 'ready', port: running.port, pid: process.pid });
    process.on('message', (msg: { cmd: string }) => {
      if (msg.cmd === 'rss') {
        // Collect twice so garbage of the setup does not count as memory per user.
        gc?.();
        gc?.();
        reply({ ev: 'rss', rss: process.memoryUsage().rss });
      } else if (msg.cmd === 'cpu') {
        const usage = process.cpuUsage();
        reply({ ev: 'cpu', cpuMs: Math.round((usage.user + usage.system) / 1000) });
      } else if (msg.cmd === 'close') {
        void running.close().finally(() => process.exit(0));
        setTimeout(() => process.exit(0), 3000).unref();
      }
    });
  },
  (err: Error & { code?: string }) => {
    reply({ ev: 'failed', code: err.code ?? 'TARGET_START_FAILED', message: err.message });
    setTimeout(() => process.exit(1), 100);
  },
);
process.on('disconnect', () => process.exit(0));
