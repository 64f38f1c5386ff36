// The server under attack: `node ROOT/bin/wirechat.js serve` as a real process group (primary and
// its workers), default settings except the listening addresses, so an attack meets exactly what
// a user would run. Its own process group lets us measure and stop every process it forked.
import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../../shared/free-port.js';
import { UserError } from '../../../shared/errors.js';

const READY_LIMIT_MS = 30_000;

export interface TargetOptions {
  /** The tree whose `bin/wirechat.js` is started (a checkout with dist/ built). */
  serverRoot: string;
  /** Extra `serve` arguments (e.g. a TLS certificate, or a bound under test). */
  serverArgs?: string[];
  /** The arguments include a certificate: readiness is asked over https. */
  tls?: boolean;
}

/** Groups still running: killed when this process exits, however it exits (they are detached). */
const running = new Set<number>();
process.on('exit', () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

export class TargetServer {
  stderr = '';
  exitedAt = 0;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly wsPort: number,
    readonly webPort: number,
    private readonly tls: boolean,
  ) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      // Keep the tail only: a server under attack may log a lot.
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    running.add(child.pid!);
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.exitedAt = Date.now();
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}/`;
  }

  static async start(options: TargetOptions): Promise<TargetServer> {
    const [wsPort, webPort] = [await freePort(), await freePort()];
    const bin = join(options.serverRoot, 'bin', 'wirechat.js');
    const args = ['--host', '127.0.0.1', '--ws-port', String(wsPort), '--web-port', String(webPort)];
    const child = spawn(process.execPath, [bin, 'serve', ...args, ...(options.serverArgs ?? [])], {
      // Its own process group: memory is summed and signals are sent over the whole group.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, WIRECHAT_LOG_LEVEL: 'warn' },
    });
    const server = new TargetServer(child, wsPort, webPort, options.tls ?? false);
    try {
      await server.waitReady();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_LIMIT_MS;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new UserError(
          `the server under attack exited at start: ${this.stderr.trim().split('\n').pop() ?? ''}`,
          'TARGET_START_FAILED',
        );
      }
      if (
        (await httpStatus(this.webPort, '/readyz', 2000, this.tls)) === 200 &&
        (await tcpOpens(this.wsPort))
      )
        return;
      if (Date.now() > deadline)
        throw new UserError('the server under attack did not become ready in 30 s', 'TARGET_START_FAILED');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM to the primary only, as `kill PID` or a service manager's stop does. */
  terminate(): number {
    const at = Date.now();
    this.child.kill('SIGTERM');
    return at;
  }

  /** True while any process of the group is alive. */
  groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the whole group: SIGTERM, then SIGKILL for whatever lingers. */
  async stop(graceMs = 8000): Promise<void> {
    if (this.groupAlive()) {
      try {
        process.kill(-this.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    const deadline = Date.now() + graceMs;
    while (this.groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (this.groupAlive()) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // Gone in between.
      }
    }
    await this.exited;
    running.delete(this.pid);
  }
}

/** The HTTP status of a GET on the web port, or 0 when it fails or takes over `limitMs`. */
export function httpStatus(port: number, path: string, limitMs = 2000, tls = false): Promise<number> {
  return new Promise((resolve) => {
    const options = {
      host: '127.0.0.1',
      port,
      path,
      timeout: limitMs,
      rejectUnauthorized: false,
      agent: false,
    };
    const req = (tls ? httpsGet : httpGet)(options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function tcpOpens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
