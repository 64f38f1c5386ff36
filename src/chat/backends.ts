// Chooses where a node's broker, presence and history live: memory (one process), SQLite history
// with `--data DIR`, or Redis (`--redis URL`) for many nodes: pub/sub broker, presence mirrored
// from Redis, history in streams. A cluster worker brings its own (cluster/cluster-backends.ts).
// Whoever is handed a Backends owns it: one close() closes each of its parts once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Broker } from './broker/broker.js';
import { roomChannel } from './broker/broker.js';
import { MemoryBroker } from './broker/memory-broker.js';
import { RedisBroker } from './broker/redis-broker.js';
import { RedisBus } from './broker/redis-bus.js';
import { UserError } from '../shared/errors.js';
import type { ChatEvent } from './protocol/events.js';
import type { HistoryStore } from './store/history.js';
import { MemoryHistory } from './store/memory-history.js';
import { MemoryPresence } from './store/memory-presence.js';
import type { Presence } from './store/presence.js';
import { RedisHistory } from './store/redis-history.js';
import { RedisPresence } from './store/redis-presence.js';
import type { RoomLogLimits } from './store/room-logs.js';
import { SqliteHistory } from './store/sqlite-history.js';

export interface BackendOptions {
  nodeId: string;
  /** redis://host:port/db: many nodes on one Redis. */
  redis?: string;
  /** Messages kept per room. */
  history: number;
  /** The history's other bounds (bytes, rooms, expiry); defaults in store/room-logs.ts. */
  historyLimits?: Partial<RoomLogLimits>;
  /** Folder for SQLite history (single node). */
  dataDir?: string;
}

/** The broker as /metrics shows it; `kind` names the broker really in use. */
export interface BrokerState {
  kind: 'memory' | 'redis' | 'ipc';
  connected: boolean;
  latency?: number;
  reconnects: number;
  dropped: number;
}

export interface Backends {
  broker: Broker;
  presence: Presence;
  history: HistoryStore;
  /** Ready to serve: the broker is connected (always, in memory). */
  ready(): boolean;
  brokerState(): BrokerState;
  /** Users per room from the presence in use (largest first, at most `limit` rooms), for /metrics. */
  roomUsers(limit: number): [string, number][];
  /** Closes every part once (the broker, the history's file, the Redis connections). */
  close(): Promise<void>;
  /** The Redis connections, when many nodes share one Redis (per-address limits count there too). */
  redis?: RedisBus;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export function createBackends(options: BackendOptions, logger: Logger): Backends {
  if (options.redis) return redisBackends(options, options.redis, logger);
  const limits = { ...options.historyLimits, perRoom: options.history };
  const history = options.dataDir ? sqliteHistory(options.dataDir, limits) : new MemoryHistory(limits);
  return singleNodeBackends(new MemoryBroker(options.nodeId), history);
}

/** One node alone: a memory broker (nobody else on its bus), presence in memory, this history. */
export function singleNodeBackends(
  broker: MemoryBroker,
  history: HistoryStore & { close?(): void },
): Backends {
  const presence = new MemoryPresence();
  return {
    broker,
    presence,
    history,
    ready: () => true,
    brokerState: () => ({ kind: 'memory', connected: true, reconnects: 0, dropped: 0 }),
    roomUsers: (limit) => presence.roomSizes(limit),
    close: async () => {
      await broker.close();
      history.close?.();
    },
  };
}

function sqliteHistory(dir: string, limits: Partial<RoomLogLimits>): SqliteHistory {
  try {
    mkdirSync(dir, { recursive: true });
    return new SqliteHistory(join(dir, 'history.sqlite'), limits);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(`cannot keep history in '${dir}' (${reason})`, 'DATA_DIR_UNUSABLE', 2);
  }
}

function redisBackends(options: BackendOptions, url: string, logger: Logger): Backends {
  const bus = new RedisBus({ url, logger });
  const broker = new RedisBroker(options.nodeId, bus);
  const discovered = (event: ChatEvent) => broker.deliverLocal(roomChannel(event.room), event);
  const presence = new RedisPresence(bus, options.nodeId, discovered, logger);
  return {
    redis: bus,
    broker,
    presence,
    history: new RedisHistory(bus, { ...options.historyLimits, perRoom: options.history }),
    ready: () => bus.connected,
    brokerState: () => ({
      kind: 'redis',
      connected: bus.connected,
      latency: bus.latency,
      reconnects: bus.reconnects,
      dropped: broker.dropped,
    }),
    roomUsers: (limit) => presence.roomSizes(limit),
    close: async () => {
      await presence.close();
      await broker.close();
      await bus.close();
    },
  };
}
