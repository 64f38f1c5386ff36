// The composition root: one process's chat server. Wires hub, broker, presence, history (its own,
// or a cluster worker's), the WebSocket transport and the page's web server, and shuts them down
// in order; it closes the backends it uses once, whether it built them or was handed them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { projectRoot } from '../shared/paths.js';
import type { IdSpace } from './hub/ids.js';
import { createBackends, type Backends } from './backends.js';
import { MeteredHub } from './ops/metered-hub.js';
import { newCounters, type NodeStats, type StatsGatherer } from './ops/metrics.js';
import { DEFAULT_METRICS_MIN_INTERVAL_MS, opsRoutes } from './ops/routes.js';
import { DEFAULT_INPUT_LIMITS } from './protocol/limits.js';
import { historyLimits } from './store/history-limits.js';
import { hubHistoryOptions } from './hub/history-options.js';
import { startHistoryExpiry } from './store/history-expiry.js';
import { DEFAULT_ROOM_LOG_LIMITS } from './store/room-logs.js';
import { loadTls } from './transport/tls.js';
import { openTlsKeyLog } from './transport/tls-keylog.js';
import { WebServer } from './transport/web-server.js';
import { WsTransport } from './transport/ws-transport.js';
import { createTransportLimits, type TransportLimitOptions } from './transport/transport-limits.js';
import type { AddressLedger } from './limits/address-ledger.js';

export interface ChatServerOptions {
  host?: string; // default '0.0.0.0'
  wsPort?: number; // default 7272; 0 = pick a free port
  webPort?: number; // default 55151; 0 = pick a free port
  pingInterval?: number; // seconds, default 10
  idleTimeout?: number; // seconds, default 30
  logLevel?: string; // pino level, default 'info'; tests use 'silent'
  webRoot?: string; // folder of the page's files, default <project>/dist/web
  redis?: string; // redis://host:port/db: many nodes share rooms through this Redis
  history?: number; // messages kept per room, default 100
  dataDir?: string; // keep history in SQLite in this folder (without Redis)
  nodeId?: string; // this node's id among those sharing a broker, default random
  tlsCert?: string; // PEM certificate file: serve wss:// and https:// (with tlsKey)
  tlsKey?: string; // PEM private key file
  tlsKeylog?: string; // append the TLS session secrets to this file (NSS key log format)
  allowOrigins?: string[]; // WebSocket upgrades from other origins get 403; default any
  publicWsUrl?: string; // ws:// or wss:// URL the page is told to connect to; default its wsPort
  metricsRoomNames?: boolean; // name the largest rooms in /metrics; default: counted by size only
  metricsToken?: string; // /metrics requires `Authorization: Bearer <token>`; default none
  metricsMinInterval?: number; // seconds between two renders of /metrics, default 1
}

/** Limits beyond the page's contract, for `wirechat serve` and tests. */
export interface ChatServerLimits {
  maxFrame?: number; // bytes, default 65536
  maxName?: number; // characters, default 32
  maxContent?: number; // characters, default 4000
  rate?: number; // messages per second per connection, default 20
  maxBuffered?: number; // bytes queued for one client before it is cut off, default 8 MiB
  // History and rooms (defaults in store/room-logs.ts, hub/hub.ts, hub/history-answers.ts):
  historyBytes?: number; // bytes of history per process, each room's overhead included
  maxRooms?: number; // rooms whose history is kept
  roomExpiry?: number; // seconds after its last use that an empty room's history goes; 0 = never
  historyRate?: number; // history requests per second per connection; 0 = no limit
  historyBurst?: number;
  historyAnswerBytes?: number; // largest history answer
  historyCacheBytes?: number; // encoded history answers kept for reuse
  roomSwitchRate?: number; // logins and room switches per second per connection; 0 = no limit
  roomSwitchBurst?: number;
  reconnectGrace?: number; // seconds a dropped page user is held for a return with their token, default 20
}

/** Connection limits (login timeout, caps, per-address budgets, server timeouts): transport/transport-limits.ts. */
export type ChatServerConnectionLimits = TransportLimitOptions;

/** What a cluster worker brings instead of the single-process defaults (see cluster/worker-main.ts). */
export interface ChatServerParts {
  /** Broker, presence and history to use instead of building any; the server closes them once. */
  backends?: Backends;
  ids?: IdSpace;
  /** Sums /metrics counters over processes that serve the same ports. */
  stats?: StatsGatherer;
  /** Per-address counts shared with the other workers (cluster/cluster-ledger.ts). */
  ledger?: AddressLedger;
}

export interface ChatServer {
  wsPort: number;
  webPort: number;
  nodeId?: string;
  close(): Promise<void>;
}

export const DEFAULTS = {
  host: '0.0.0.0',
  wsPort: 7272,
  webPort: 55151,
  pingInterval: 10,
  idleTimeout: 30,
  logLevel: 'info',
  maxFrame: 65536,
  rate: 20,
  maxBuffered: 8 * 1024 * 1024,
  history: 100,
} as const;

export async function createChatServer(
  options: ChatServerOptions & ChatServerLimits & ChatServerConnectionLimits = {},
  logger?: Logger,
  parts: ChatServerParts = {},
): Promise<ChatServer> {
  const log = logger ?? pino({ level: options.logLevel ?? DEFAULTS.logLevel }, pino.destination(2));
  const host = options.host ?? DEFAULTS.host;
  const webRoot = options.webRoot ?? join(projectRoot, 'dist', 'web');
  const tls =
    options.tlsCert || options.tlsKey ? loadTls(options.tlsCert ?? '', options.tlsKey ?? '') : undefined;
  if (tls && options.tlsKeylog) tls.keylog = openTlsKeyLog(options.tlsKeylog, log);
  const nodeId = options.nodeId ?? randomUUID();
  const history = options.history ?? DEFAULTS.history;
  const storeLimits = historyLimits(options as Record<string, unknown>);
  const backends =
    parts.backends ??
    createBackends(
      { nodeId, redis: options.redis, history, dataDir: options.dataDir, historyLimits: storeLimits },
      log,
    );
  const counters = newCounters();
  const { broker, presence, history: historyStore } = backends;
  const hub = new MeteredHub(counters, {
    broker,
    presence,
    ids: parts.ids,
    history: historyStore,
    ...hubHistoryOptions(options),
    reconnectGraceMs: options.reconnectGrace === undefined ? undefined : options.reconnectGrace * 1000,
    logger: log,
    limits: {
      maxName: options.maxName ?? DEFAULT_INPUT_LIMITS.maxName,
      maxContent: options.maxContent ?? DEFAULT_INPUT_LIMITS.maxContent,
    },
  });
  const limits = createTransportLimits(options, {
    logger: log,
    nodeId,
    redis: backends.redis,
    ledger: parts.ledger,
  });
  const transport = new WsTransport(hub, {
    ...limits.transport,
    host,
    port: options.wsPort ?? DEFAULTS.wsPort,
    maxFrame: options.maxFrame ?? DEFAULTS.maxFrame,
    rate: options.rate ?? DEFAULTS.rate,
    maxBuffered: options.maxBuffered ?? DEFAULTS.maxBuffered,
    pingIntervalMs: (options.pingInterval ?? DEFAULTS.pingInterval) * 1000,
    idleTimeoutMs: (options.idleTimeout ?? DEFAULTS.idleTimeout) * 1000,
    tls,
    allowOrigins: options.allowOrigins,
    logger: log,
  });
  const localStats = (): NodeStats => ({
    connections: transport.connections.size,
    messagesIn: counters.messagesIn,
    messagesOut: counters.messagesOut,
    bytesIn: counters.bytesIn,
    bytesOut: counters.bytesOut,
    errors: [...counters.errors],
    slowConsumers: transport.counters.slowConsumers,
    rateLimited: transport.counters.rateLimited,
    limits: transport.limitStats(),
  });
  parts.stats?.local(localStats);
  const roomUsers = (limit: number) => backends.roomUsers(limit);
  const web = new WebServer({
    host,
    port: options.webPort ?? DEFAULTS.webPort,
    root: webRoot,
    wsPort: () => transport.port,
    publicWsUrl: options.publicWsUrl,
    tls,
    ...limits.web,
    routes: opsRoutes(
      {
        stats: () => parts.stats?.gather() ?? Promise.resolve(localStats()),
        roomUsers: () => roomUsers(100),
        roomSizes: () => roomUsers(Infinity).map(([, n]) => n),
        broker: () => backends.brokerState(),
      },
      () => backends.ready(),
      {
        roomNames: options.metricsRoomNames,
        token: options.metricsToken,
        minIntervalMs: (options.metricsMinInterval ?? DEFAULT_METRICS_MIN_INTERVAL_MS / 1000) * 1000,
      },
    ),
  });
  const stopExpiry = startHistoryExpiry(
    historyStore,
    { occupied: (room) => presence.members(room).length > 0, local: () => hub.localRooms() },
    storeLimits.expiryMs ?? DEFAULT_ROOM_LOG_LIMITS.expiryMs,
  );
  // A port already in use: what was opened so far is closed once, and the error is the caller's.
  const release = async (): Promise<void> => {
    stopExpiry();
    await limits.close();
    await backends.close();
    tls?.keylog?.close();
  };
  const wsPort = await transport.start().catch(async (err: unknown) => {
    await release();
    throw err;
  });
  let webPort: number;
  try {
    webPort = await web.start();
  } catch (err) {
    await transport.close(0);
    await release();
    throw err;
  }
  log.info({ host, wsPort, webPort }, 'wirechat listening');
  if (!existsSync(join(webRoot, 'index.html'))) {
    log.warn({ webRoot }, "no index.html in the web root: the page is not built ('npm run build')");
  }

  let closing: Promise<void> | undefined;
  return {
    wsPort,
    webPort,
    nodeId,
    close: () =>
      (closing ??= (async () => {
        stopExpiry();
        await Promise.all([transport.close(limits.shutdownGraceMs), web.close()]);
        await limits.close();
        await backends.close();
        tls?.keylog?.close();
        log.info({}, 'wirechat stopped');
      })()),
  };
}
