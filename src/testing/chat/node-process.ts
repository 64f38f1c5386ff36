// A real `wirechat serve` process (one chat node) for cluster tests: started on free ports,
// ready once /readyz answers 200, and killable with -9 like a machine that dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../shared/free-port.js';
import { projectRoot } from '../../shared/paths.js';

const BIN = join(projectRoot, 'bin', 'wirechat.js');
const WAIT_MS = 20_000;

export class NodeProcess {
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly wsPort: number,
    readonly webPort: number,
  ) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(args: string[]): Promise<NodeProcess> {
    const [wsPort, webPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--host',
        '127.0.0.1',
        '--ws-port',
        String(wsPort),
        '--web-port',
        String(webPort),
        // Tests follow rooms by name (roomUsers); a fresh scrape at most every 50 ms.
        '--metrics-room-names',
        '--metrics-min-interval',
        '0.05',
        ...args,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WIRECHAT_LOG_LEVEL: 'info' } },
    );
    const node = new NodeProcess(child, wsPort, webPort);
    await node.waitReady();
    return node;
  }

  async status(path: string): Promise<number> {
    try {
      return (await fetch(`http://127.0.0.1:${this.webPort}${path}`)).status;
    } catch {
      return 0;
    }
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.webPort}/metrics`)).text();
  }

  /** Users in a room as this node's presence counts them (the whole cluster). */
  async roomUsers(room: string): Promise<number> {
    const line = (await this.metrics())
      .split('\n')
      .find((l) => l.startsWith(`wirechat_room_users{room="${room}"} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }

  async waitReady(): Promise<void> {
    await until(
      async () => (await this.status('/readyz')) === 200,
      `node ready (${this.stderr.slice(-500)})`,
    );
  }

  kill9(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `check` until true; the limit only guards against hangs. */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  limitMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
