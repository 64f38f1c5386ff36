// `wirechat serve` options for what a peer can hold: the login timeout, the connection cap,
// per-address caps and message budget, the HTTP/TLS servers' timeouts and the shutdown deadline.
// Checked here, before anything starts, so each mistake is one line and exit 2.
import type { OptionSpec, ParsedArgs } from '../shared/args.js';
import { intOption, numberOption } from '../shared/args.js';
import { UsageError } from '../shared/errors.js';
import { isIP } from 'node:net';
import { LIMIT_DEFAULTS, type TransportLimitOptions } from '../chat/transport/transport-limits.js';
import { defaultSocketCap, openFileLimit } from '../chat/transport/socket-cap.js';

const d = LIMIT_DEFAULTS;
const seconds = (description: string, value: number, env: string): OptionSpec => ({
  type: 'string',
  value: 'SECONDS',
  description,
  env,
  default: String(value),
});
const fdLimit = openFileLimit();

export const limitOptionSpecs: Record<string, OptionSpec> = {
  'login-timeout': seconds(
    'close connections that have not logged in this long after connecting (4408; 0: never)',
    d.loginTimeout,
    'WIRECHAT_LOGIN_TIMEOUT',
  ),
  'max-connections': {
    type: 'string',
    value: 'N',
    description: `open connections per process, both ports together; beyond: 503 (auto: 90 % of the open-file limit${
      fdLimit ? `, ${defaultSocketCap(fdLimit)} here` : ''
    })`,
    env: 'WIRECHAT_MAX_CONNECTIONS',
    default: 'auto',
  },
  'max-conns-per-ip': {
    type: 'string',
    value: 'N',
    description: 'open WebSocket connections per address (IPv6: per /64); beyond: 429 (0: no limit)',
    env: 'WIRECHAT_MAX_CONNS_PER_IP',
    default: String(d.maxConnsPerIp),
  },
  'max-new-conns-per-ip': {
    type: 'string',
    value: 'N',
    description: 'new WebSocket connections per address per minute (bursts of N); beyond: 429 (0: no limit)',
    env: 'WIRECHAT_MAX_NEW_CONNS_PER_IP',
    default: String(d.maxNewConnsPerIp),
  },
  'address-rate': {
    type: 'string',
    value: 'N',
    description:
      'messages/s per address over all its connections (bursts of 2N); beyond: dropped with ADDRESS_RATE_LIMITED (0: no limit)',
    env: 'WIRECHAT_ADDRESS_RATE',
    default: String(d.addressRate),
  },
  'trust-proxy': {
    type: 'string',
    value: 'LIST',
    description:
      'comma-separated addresses of reverse proxies: their X-Forwarded-For names the client for the per-address limits (default: none, the socket address counts)',
    env: 'WIRECHAT_TRUST_PROXY',
  },
  'header-timeout': seconds(
    'request headers must arrive within this (also a connection that sends nothing)',
    d.headerTimeout,
    'WIRECHAT_HEADER_TIMEOUT',
  ),
  'request-timeout': seconds(
    'a whole HTTP request must arrive within this',
    d.requestTimeout,
    'WIRECHAT_REQUEST_TIMEOUT',
  ),
  'keep-alive-timeout': seconds(
    'close an idle keep-alive HTTP connection after this',
    d.keepAliveTimeout,
    'WIRECHAT_KEEP_ALIVE_TIMEOUT',
  ),
  'tls-handshake-timeout': seconds(
    'a TLS handshake must finish within this',
    d.tlsHandshakeTimeout,
    'WIRECHAT_TLS_HANDSHAKE_TIMEOUT',
  ),
  'shutdown-timeout': seconds(
    'on SIGINT/SIGTERM, wait this long for clients to answer their 1001, then close the rest',
    d.shutdownTimeout,
    'WIRECHAT_SHUTDOWN_TIMEOUT',
  ),
};

export function parseLimitOptions(v: ParsedArgs['values']): TransportLimitOptions {
  const max = v['max-connections'];
  return {
    loginTimeout: numberOption(v, 'login-timeout', 0, 86400),
    maxConnections:
      max === 'auto' || max === undefined ? undefined : intOption(v, 'max-connections', 1, 10_000_000),
    maxConnsPerIp: intOption(v, 'max-conns-per-ip', 0, 10_000_000),
    maxNewConnsPerIp: intOption(v, 'max-new-conns-per-ip', 0, 10_000_000),
    addressRate: numberOption(v, 'address-rate', 0, 10_000_000),
    headerTimeout: numberOption(v, 'header-timeout', 0.1, 3600),
    requestTimeout: numberOption(v, 'request-timeout', 0.1, 3600),
    keepAliveTimeout: numberOption(v, 'keep-alive-timeout', 0.1, 3600),
    tlsHandshakeTimeout: numberOption(v, 'tls-handshake-timeout', 0.1, 3600),
    shutdownTimeout: numberOption(v, 'shutdown-timeout', 0, 3600),
    trustProxy: trustList(v['trust-proxy']),
  };
}

function trustList(raw: ParsedArgs['values'][string]): string[] | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const list = raw.split(',').map((a) => a.trim());
  const bad = list.find((a) => isIP(a) === 0);
  if (bad !== undefined)
    throw new UsageError(`--trust-proxy takes IP addresses separated by commas, got '${bad}'`);
  return list;
}
