// `wirechat serve` options for many nodes, history and operations: Redis, SQLite history, TLS and
// allowed origins. Checked here, before anything starts, so each mistake is one line and exit 2.
import type { OptionSpec, ParsedArgs } from '../shared/args.js';
import { intOption, numberOption } from '../shared/args.js';
import { UsageError } from '../shared/errors.js';
import { DEFAULT_METRICS_MIN_INTERVAL_MS } from '../chat/ops/routes.js';
import { parseMetricsToken } from '../chat/ops/metrics-token.js';
import { parseOriginList } from '../chat/transport/origin.js';
import { loadTls } from '../chat/transport/tls.js';
import { openTlsKeyLog } from '../chat/transport/tls-keylog.js';

export const nodeOptionSpecs: Record<string, OptionSpec> = {
  redis: {
    type: 'string',
    value: 'URL',
    description: 'join other nodes through this Redis (redis://host:port/db): rooms, presence, history',
    env: 'WIRECHAT_REDIS',
  },
  history: {
    type: 'string',
    value: 'N',
    description: 'messages kept per room for history and resume',
    env: 'WIRECHAT_HISTORY',
    default: '100',
  },
  data: {
    type: 'string',
    value: 'DIR',
    description: 'keep history in SQLite in this folder (single node; with --redis, Redis keeps it)',
    env: 'WIRECHAT_DATA',
  },
  'tls-cert': {
    type: 'string',
    value: 'FILE',
    description: 'PEM certificate: serve wss:// and https:// on the same ports (with --tls-key)',
    env: 'WIRECHAT_TLS_CERT',
  },
  'tls-key': { type: 'string', value: 'FILE', description: 'PEM private key', env: 'WIRECHAT_TLS_KEY' },
  'tls-keylog': {
    type: 'string',
    value: 'FILE',
    description:
      'append the TLS session secrets to FILE (NSS key log, created 0600) so `wirechat read --keylog` decrypts this server’s traffic; anyone reading FILE can too',
    env: 'WIRECHAT_TLS_KEYLOG',
  },
  'allow-origin': {
    type: 'string',
    value: 'LIST',
    description: 'comma-separated origins allowed to open WebSockets; others get 403 (default: any)',
    env: 'WIRECHAT_ALLOW_ORIGIN',
  },
  'public-ws-url': {
    type: 'string',
    value: 'URL',
    description:
      "WebSocket address the page connects to, e.g. a proxy or `wirechat tap` (ws:// or wss://; default: --ws-port on the page's host)",
    env: 'WIRECHAT_PUBLIC_WS_URL',
  },
  'metrics-room-names': {
    type: 'boolean',
    description: 'name the largest rooms in /metrics (default: rooms only counted, by size)',
    env: 'WIRECHAT_METRICS_ROOM_NAMES',
  },
  'metrics-token': {
    type: 'string',
    value: 'TOKEN',
    description: '/metrics answers only "Authorization: Bearer TOKEN", others get 401 (default: no token)',
    env: 'WIRECHAT_METRICS_TOKEN',
  },
  'metrics-min-interval': {
    type: 'string',
    value: 'SECONDS',
    description: 'render /metrics at most once per this time; scrapes in between get the same text',
    env: 'WIRECHAT_METRICS_MIN_INTERVAL',
    default: String(DEFAULT_METRICS_MIN_INTERVAL_MS / 1000),
  },
};

export interface NodeOptions {
  redis?: string;
  history: number;
  dataDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsKeylog?: string;
  allowOrigins?: string[];
  publicWsUrl?: string;
  metricsRoomNames?: boolean;
  metricsToken?: string;
  metricsMinInterval: number;
}

const str = (v: ParsedArgs['values'], name: string): string | undefined => {
  const value = v[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export function parseNodeOptions(v: ParsedArgs['values']): NodeOptions {
  const options: NodeOptions = {
    history: intOption(v, 'history', 0, 100_000),
    metricsMinInterval: numberOption(v, 'metrics-min-interval', 0, 3600),
  };
  const redis = str(v, 'redis');
  if (redis) {
    let url: URL | undefined;
    try {
      url = new URL(redis);
    } catch {
      url = undefined;
    }
    if (!url || !/^rediss?:$/.test(url.protocol) || !url.hostname) {
      throw new UsageError(`--redis must be a URL like redis://127.0.0.1:6379/0, got '${redis}'`);
    }
    options.redis = redis;
  }
  const data = str(v, 'data');
  if (data && redis)
    throw new UsageError('--data and --redis cannot be combined: with Redis, history lives in Redis');
  if (data) options.dataDir = data;
  const cert = str(v, 'tls-cert');
  const key = str(v, 'tls-key');
  if (Boolean(cert) !== Boolean(key)) throw new UsageError('--tls-cert and --tls-key go together');
  if (cert && key) {
    loadTls(cert, key); // one clear line now rather than in every worker
    options.tlsCert = cert;
    options.tlsKey = key;
  }
  const keylog = str(v, 'tls-keylog');
  if (keylog && !cert) throw new UsageError('--tls-keylog needs --tls-cert and --tls-key');
  if (keylog) {
    openTlsKeyLog(keylog).close(); // one clear line now rather than in every worker
    options.tlsKeylog = keylog;
  }
  const origins = str(v, 'allow-origin');
  if (origins) options.allowOrigins = parseOriginList(origins);
  const publicWsUrl = str(v, 'public-ws-url');
  if (publicWsUrl !== undefined) options.publicWsUrl = parsePublicWsUrl(publicWsUrl);
  if (v['metrics-room-names'] === true) options.metricsRoomNames = true;
  const token = str(v, 'metrics-token');
  if (token !== undefined) options.metricsToken = parseMetricsToken(token);
  return options;
}

/** A ws:// or wss:// URL with a host, no credentials and no fragment, as the page accepts it. */
export function parsePublicWsUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:') || !url.hostname) {
    throw new UsageError(
      `--public-ws-url must be a ws:// or wss:// URL like ws://127.0.0.1:7273/, got '${text}'`,
    );
  }
  if (url.username || url.password || text.includes('#')) {
    throw new UsageError(`--public-ws-url must not hold a user name, password or #fragment, got '${text}'`);
  }
  return url.href;
}
