// One attack's stage: the server under attack, its memory sampled every 250 ms, and the
// legitimate user measuring before, during and after. Everything is stopped whatever happens.
import { LegitUser, type LegitReport } from './legit-user.js';
import { MemorySampler } from './memory.js';
import { type AttackContext, sized, sleep } from './result.js';
import { TargetServer } from './target-server.js';

export class Session {
  private constructor(
    readonly ctx: AttackContext,
    readonly server: TargetServer,
    readonly memory: MemorySampler,
    readonly legit: LegitUser,
    /** Memory of the process group once the legitimate user is connected. */
    readonly startRss: number,
  ) {}

  static async open(ctx: AttackContext, extraArgs: string[] = []): Promise<Session> {
    const server = await TargetServer.start({
      serverRoot: ctx.serverRoot,
      serverArgs: [...ctx.serverArgs, ...extraArgs],
    });
    const memory = new MemorySampler(server.pid);
    try {
      const legit = await LegitUser.start(server.wsUrl);
      return new Session(ctx, server, memory, legit, memory.now());
    } catch (err) {
      memory.stop();
      await server.stop();
      throw err;
    }
  }

  /** The quiet phases' length: 10 s at full scale, 1 s in tests. */
  get quietMs(): number {
    return sized(this.ctx.scale, 1000, 10_000);
  }

  async phase(name: string, reconnect = true): Promise<void> {
    this.ctx.progress.line(`  ${name}`);
    await this.legit.phase(name, reconnect);
  }

  /** The "before" phase: the legitimate user alone. */
  async before(): Promise<void> {
    await this.phase('before');
    await sleep(this.quietMs);
  }

  /** The "after" phase: the attack is over, the legitimate user goes on. */
  async after(): Promise<void> {
    await this.phase('after');
    await sleep(this.quietMs);
  }

  /** Collects the legitimate user's measurements and stops everything. */
  async finish(): Promise<LegitReport> {
    try {
      return await this.legit.report();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await this.legit.kill().catch(() => {});
    this.memory.stop();
    await this.server.stop();
  }
}
