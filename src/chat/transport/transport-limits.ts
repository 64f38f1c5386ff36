// The connection limits of one chat process, from createChatServer's options: server timeouts,
// the login timeout, the total connection cap (one per process, shared by both ports) and the
// per-address ledger (memory in one process; the cluster's, handed in by a worker; Redis's when
// nodes share a Redis).
import type { RedisBus } from '../broker/redis-bus.js';
import type { ServerTimeouts } from './server-timeouts.js';
import { defaultSocketCap, SocketCap, type SocketCapLogger } from './socket-cap.js';
import {
  anyAddressLimit,
  MemoryAddressLedger,
  type AddressLedger,
  type AddressLimits,
} from '../limits/address-ledger.js';
import { RedisLedgerBackend } from '../limits/redis-ledger-backend.js';
import { plain } from '../limits/address-key.js';
import { SyncedAddressLedger } from '../limits/synced-address-ledger.js';

export interface TransportLimitOptions {
  loginTimeout?: number; // seconds; 0 = never (default 15)
  maxConnections?: number; // open sockets on both ports; default 90 % of the fd limit
  maxConnsPerIp?: number; // open WebSocket connections per address; default 0 = off
  maxNewConnsPerIp?: number; // new WebSocket connections per address per minute; default 0 = off
  addressRate?: number; // messages/s per address over all its connections (bursts of 2×); 0 = off
  headerTimeout?: number; // seconds (default 10)
  requestTimeout?: number; // seconds (default 30)
  keepAliveTimeout?: number; // seconds (default 5)
  tlsHandshakeTimeout?: number; // seconds (default 10)
  shutdownTimeout?: number; // seconds to wait for clients' close handshakes on shutdown (default 3)
  addressSyncMs?: number; // how often nodes exchange per-address counts through Redis (default 1000)
  trustProxy?: string[]; // addresses of reverse proxies whose X-Forwarded-For is believed (default none)
}

export const LIMIT_DEFAULTS = {
  loginTimeout: 15,
  maxConnsPerIp: 0,
  maxNewConnsPerIp: 0,
  addressRate: 200,
  headerTimeout: 10,
  requestTimeout: 30,
  keepAliveTimeout: 5,
  tlsHandshakeTimeout: 10,
  shutdownTimeout: 3,
  addressSyncMs: 1000,
} as const;

/** The window of `maxNewConnsPerIp`. */
export const NEW_CONNS_WINDOW_MS = 60_000;

/** The per-address limits these options ask for. */
export function addressLimits(o: TransportLimitOptions): AddressLimits {
  const rate = o.addressRate ?? LIMIT_DEFAULTS.addressRate;
  return {
    maxOpen: o.maxConnsPerIp ?? LIMIT_DEFAULTS.maxConnsPerIp,
    maxNew: o.maxNewConnsPerIp ?? LIMIT_DEFAULTS.maxNewConnsPerIp,
    newWindowMs: NEW_CONNS_WINDOW_MS,
    messageRate: rate,
    messageBurst: rate * 2,
  };
}

export interface TransportLimits {
  transport: {
    timeouts: ServerTimeouts;
    loginTimeoutMs: number;
    socketCap: SocketCap;
    ledger?: AddressLedger;
    trustProxy?: ReadonlySet<string>;
  };
  web: { timeouts: ServerTimeouts; socketCap: SocketCap };
  shutdownGraceMs: number;
  close(): Promise<void>;
}

export function createTransportLimits(
  o: TransportLimitOptions,
  env: { logger: SocketCapLogger; nodeId: string; redis?: RedisBus; ledger?: AddressLedger },
): TransportLimits {
  const d = LIMIT_DEFAULTS;
  const timeouts: ServerTimeouts = {
    headersMs: (o.headerTimeout ?? d.headerTimeout) * 1000,
    requestMs: (o.requestTimeout ?? d.requestTimeout) * 1000,
    keepAliveMs: (o.keepAliveTimeout ?? d.keepAliveTimeout) * 1000,
    handshakeMs: (o.tlsHandshakeTimeout ?? d.tlsHandshakeTimeout) * 1000,
  };
  const socketCap = new SocketCap(o.maxConnections || defaultSocketCap(), env.logger);
  const limits = addressLimits(o);
  let ledger = env.ledger;
  if (!ledger && anyAddressLimit(limits)) {
    if (env.redis) {
      const syncMs = o.addressSyncMs ?? d.addressSyncMs;
      const bus = env.redis;
      // A node silent for four exchanges no longer counts; keys outlive that a little.
      const backend = new RedisLedgerBackend(bus.cmd, bus.prefix, syncMs * 4, Math.max(60_000, syncMs * 10));
      ledger = new SyncedAddressLedger(limits, backend, {
        participant: env.nodeId,
        syncMs,
        onError: (err) =>
          env.logger.warn(
            { err: (err as Error).message },
            'per-address counts not shared through redis: deciding on this node alone',
          ),
      });
    } else ledger = new MemoryAddressLedger(limits);
  }
  return {
    transport: {
      timeouts,
      loginTimeoutMs: (o.loginTimeout ?? d.loginTimeout) * 1000,
      socketCap,
      ledger,
      trustProxy: o.trustProxy?.length ? new Set(o.trustProxy.map(plain)) : undefined,
    },
    web: { timeouts, socketCap },
    shutdownGraceMs: (o.shutdownTimeout ?? d.shutdownTimeout) * 1000,
    close: () => ledger?.close() ?? Promise.resolve(),
  };
}
