// One node's two connections to Redis, shared by the Redis broker and presence: `cmd` for commands
// and publications, `sub` for subscriptions. Sharing them keeps a node's presence changes and room
// events in one order on the wire, so another node never sees a join before the user's presence.
// While Redis is unreachable no command queues here (commands fail at once; the broker keeps its
// publications in a bounded outbox, presence redoes its writes), ioredis retries with capped
// back-off, and on return every channel is subscribed again and the `connected` listeners
// (presence, the broker's outbox) re-register or send what this node holds.
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface RedisBusOptions {
  url: string;
  logger: BusLogger;
  /** Prepended to every key and channel, so several chats can share one Redis. */
  prefix?: string;
  /** How often the broker latency is measured (ms). */
  latencyEveryMs?: number;
}

export type MessageListener = (channel: string, message: string) => void;

/** Retry after 50 ms, doubling up to 2 s, with jitter so nodes do not reconnect in lockstep. */
export function backoffMs(attempt: number): number {
  const base = Math.min(2000, 50 * 2 ** Math.min(attempt, 6));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export class RedisBus extends EventEmitter {
  readonly prefix: string;
  readonly cmd: Redis;
  readonly sub: Redis;
  /** Number of times the connection came back after being lost. */
  reconnects = 0;
  /** Last round trip of a PING, in seconds (undefined before the first). */
  latency: number | undefined;
  private readonly channels = new Set<string>();
  private readonly messageListeners: MessageListener[] = [];
  private pending: Promise<unknown> = Promise.resolve();
  private wasReady = false;
  private lost = false;
  private closed = false;
  private readonly latencyTimer: NodeJS.Timeout;

  constructor(private readonly options: RedisBusOptions) {
    super();
    this.prefix = options.prefix ?? 'wirechat:';
    const common = {
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      retryStrategy: (times: number) => backoffMs(times),
    };
    this.cmd = new Redis(options.url, { ...common, connectionName: 'wirechat-cmd' });
    this.sub = new Redis(options.url, { ...common, connectionName: 'wirechat-sub' });
    for (const client of [this.cmd, this.sub]) {
      client.on('ready', () => this.onReady());
      client.on('close', () => this.onLost());
      // ioredis reports each failed attempt; the state changes above are what the log needs.
      client.on('error', (err: Error) => {
        if (!this.wasReady && !this.lost) {
          this.lost = true; // reported once, then counted as a return when it connects
          options.logger.warn({ err: err.message }, 'redis unreachable: serving local clients, retrying');
        }
        options.logger.debug({ err: err.message }, 'redis error');
      });
    }
    this.sub.on('message', (channel: string, message: string) => {
      for (const listener of this.messageListeners) {
        try {
          listener(channel, message);
        } catch (err) {
          options.logger.warn({ err }, 'error while handling a redis message');
        }
      }
    });
    this.latencyTimer = setInterval(() => void this.measure(), options.latencyEveryMs ?? 5000);
    this.latencyTimer.unref();
  }

  get logger(): BusLogger {
    return this.options.logger;
  }

  get connected(): boolean {
    return !this.closed && this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  onMessage(listener: MessageListener): void {
    this.messageListeners.push(listener);
  }

  /** `listener` runs each time both connections are ready: first connect and every return. */
  onConnected(listener: () => void): void {
    this.on('connected', listener);
    if (this.connected) listener();
  }

  subscribe(channel: string): void {
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    if (this.sub.status === 'ready') this.track(this.sub.subscribe(channel));
  }

  /** Whether `channel` is asked for (in effect, or to be once Redis confirms or comes back). */
  isSubscribed(channel: string): boolean {
    return this.channels.has(channel);
  }

  unsubscribe(channel: string): void {
    if (!this.channels.delete(channel)) return;
    if (this.sub.status === 'ready') this.track(this.sub.unsubscribe(channel));
  }

  /** Resolves once every subscription change asked for so far is in effect (or has failed). */
  async settled(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.pending;
      await seen;
    } while (seen !== this.pending);
  }

  /** Waits (up to `timeoutMs`) until both connections are ready; false on timeout. */
  async waitConnected(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.connected;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.latencyTimer);
    await Promise.all([this.cmd, this.sub].map((c) => c.quit().catch(() => c.disconnect())));
  }

  private track(command: Promise<unknown>): void {
    const done = command.catch(() => {});
    this.pending = Promise.all([this.pending, done]);
  }

  private onReady(): void {
    if (!this.connected) return;
    if (this.channels.size > 0) {
      const all = [...this.channels];
      for (let i = 0; i < all.length; i += 1000) this.track(this.sub.subscribe(...all.slice(i, i + 1000)));
    }
    if (this.lost && this.wasReady) {
      this.reconnects++;
      this.lost = false;
      this.options.logger.info({ reconnects: this.reconnects }, 'redis connection back');
    } else if (!this.wasReady) {
      this.lost = false;
      this.options.logger.info({}, 'redis connected');
    }
    this.wasReady = true;
    void this.measure();
    this.emit('connected');
  }

  private onLost(): void {
    if (this.closed || this.lost || !this.wasReady) return;
    this.lost = true;
    this.options.logger.warn({}, 'redis connection lost: local clients stay, retrying');
  }

  private async measure(): Promise<void> {
    if (!this.connected) return;
    const start = process.hrtime.bigint();
    try {
      await this.cmd.ping();
      this.latency = Number(process.hrtime.bigint() - start) / 1e9;
    } catch {
      // Counted as lost by the connection events.
    }
  }
}
