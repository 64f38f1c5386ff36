// The harness's side of the legitimate user (see legit-user-main.ts).
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../shared/errors.js';
import { ChildHandle } from './child.js';
import type { LegitCommand, LegitEvent } from './legit-protocol.js';

const MAIN = fileURLToPath(new URL('./legit-user-main.js', import.meta.url));

export type LegitReport = Extract<LegitEvent, { ev: 'report' }>;

export class LegitUser {
  private constructor(private readonly handle: ChildHandle<LegitCommand, LegitEvent>) {}

  static async start(url: string): Promise<LegitUser> {
    const handle = new ChildHandle<LegitCommand, LegitEvent>(MAIN, 'legitimate user');
    const answer = await handle.request({ cmd: 'start', url }, ['ready', 'failed']);
    if (answer.ev === 'failed') {
      handle.send({ cmd: 'stop' });
      throw new UserError(answer.message, 'LEGIT_USER_FAILED');
    }
    return new LegitUser(handle);
  }

  /** Everything measured from now on belongs to `name`; `reconnect` false once the server is going away. */
  async phase(name: string, reconnect = true): Promise<void> {
    await this.handle.request({ cmd: 'phase', name, reconnect }, 'phase-set');
  }

  /** Stops sending, waits up to `graceMs` for round trips still out, and returns the measurements. */
  async report(graceMs = 3000): Promise<LegitReport> {
    const report = await this.handle.request<LegitReport>({ cmd: 'report', graceMs }, 'report');
    this.handle.send({ cmd: 'stop' });
    await this.handle.ended();
    return report;
  }

  async kill(): Promise<void> {
    this.handle.send({ cmd: 'stop' });
    await this.handle.ended(1000);
  }
}
