// How long a peer may hold a socket of the web or WebSocket port without finishing what it
// started: the request headers (also for a socket that never sends a byte), the whole request,
// the quiet time between keep-alive requests, and the TLS handshake. Node's defaults (60 s
// headers checked every 30 s, 300 s per request, 120 s per handshake) let one address hold
// thousands of sockets for minutes with a byte now and then.
import type { ServerOptions } from 'node:http';

export interface ServerTimeouts {
  /** Request headers complete within this (a silent socket gets 408 and is closed). */
  headersMs: number;
  /** The whole request, body included. */
  requestMs: number;
  /** An idle keep-alive socket between two requests. */
  keepAliveMs: number;
  /** The TLS handshake (https/wss only). */
  handshakeMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  handshakeMs: 10_000,
};

/** node:http's options for these timeouts (and node:https's, with the handshake's). */
export function httpTimeoutOptions(t: ServerTimeouts): ServerOptions & { handshakeTimeout: number } {
  return {
    headersTimeout: t.headersMs,
    // Node requires it to be at least the headers timeout.
    requestTimeout: Math.max(t.requestMs, t.headersMs),
    keepAliveTimeout: t.keepAliveMs,
    // Expired headers and requests are only noticed when Node checks; its default (30 s) would
    // add up to 30 s to every timeout. A quarter of the shortest keeps them within 25 %.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.min(t.headersMs, t.requestMs) / 4)),
    handshakeTimeout: t.handshakeMs,
  };
}
