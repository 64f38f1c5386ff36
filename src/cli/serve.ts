// `wirechat serve`: the chat server and its page. Options come from flags, then WIRECHAT_*
// environment variables, then defaults; SIGINT/SIGTERM close every client with 1001 and exit 0.
import { intOption, numberOption, parseCommandArgs, type CommandSpec } from '../shared/args.js';
import { UsageError } from '../shared/errors.js';
import { availableParallelism } from 'node:os';
import { createChatServer, DEFAULTS } from '../chat/server.js';
import { startCluster } from '../chat/cluster/primary.js';
import { DEFAULT_INPUT_LIMITS } from '../chat/protocol/limits.js';
import { nodeOptionSpecs, parseNodeOptions } from './serve-options.js';
import { historyOptionSpecs, parseHistoryOptions } from './serve-history-options.js';
import { parseSessionOptions, sessionOptionSpecs } from './session-options.js';
import { limitOptionSpecs, parseLimitOptions } from './limit-options.js';
import { serveBanner } from './serve-banner.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const spec: CommandSpec = {
  name: 'serve',
  usage: '[options]',
  summary: "Run the chat: WebSocket server (both workerman-chat dialects and the page's) and the web page.",
  options: {
    host: {
      type: 'string',
      value: 'HOST',
      description: 'address to listen on',
      env: 'WIRECHAT_HOST',
      default: DEFAULTS.host,
    },
    'ws-port': {
      type: 'string',
      value: 'PORT',
      description: 'WebSocket port (0 = any free port)',
      env: 'WIRECHAT_WS_PORT',
      default: String(DEFAULTS.wsPort),
    },
    'web-port': {
      type: 'string',
      value: 'PORT',
      description: 'web page port (0 = any free port)',
      env: 'WIRECHAT_WEB_PORT',
      default: String(DEFAULTS.webPort),
    },
    'ping-interval': {
      type: 'string',
      value: 'SECONDS',
      description: 'ping a connection silent for this long',
      env: 'WIRECHAT_PING_INTERVAL',
      default: String(DEFAULTS.pingInterval),
    },
    'idle-timeout': {
      type: 'string',
      value: 'SECONDS',
      description: 'close a connection silent for this long (its logout is broadcast)',
      env: 'WIRECHAT_IDLE_TIMEOUT',
      default: String(DEFAULTS.idleTimeout),
    },
    'log-level': {
      type: 'string',
      value: 'LEVEL',
      description: `log level (${LOG_LEVELS.join(', ')}); JSON logs on stderr`,
      env: 'WIRECHAT_LOG_LEVEL',
      default: DEFAULTS.logLevel,
    },
    'max-frame': {
      type: 'string',
      value: 'BYTES',
      description: 'largest WebSocket message accepted (larger: close 1009)',
      env: 'WIRECHAT_MAX_FRAME',
      default: String(DEFAULTS.maxFrame),
    },
    'max-name': {
      type: 'string',
      value: 'CHARS',
      description: 'longest user name',
      env: 'WIRECHAT_MAX_NAME',
      default: String(DEFAULT_INPUT_LIMITS.maxName),
    },
    'max-content': {
      type: 'string',
      value: 'CHARS',
      description: 'longest chat message',
      env: 'WIRECHAT_MAX_CONTENT',
      default: String(DEFAULT_INPUT_LIMITS.maxContent),
    },
    workers: {
      type: 'string',
      value: 'N',
      description: 'worker processes sharing the ports (1: everything in this process)',
      env: 'WIRECHAT_WORKERS',
      default: String(availableParallelism()),
    },
    rate: {
      type: 'string',
      value: 'N',
      description: 'messages per second per connection (bursts of 2N; beyond: close 1008)',
      env: 'WIRECHAT_RATE',
      default: String(DEFAULTS.rate),
    },
    ...nodeOptionSpecs,
    ...historyOptionSpecs,
    ...sessionOptionSpecs,
    ...limitOptionSpecs,
  },
  epilog: 'Example: wirechat serve --ws-port 7272 --web-port 55151, then open http://127.0.0.1:55151',
};

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(spec, args);
  if (!parsed) return 0;
  const v = parsed.values;
  const logLevel = String(v['log-level']);
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const pingInterval = numberOption(v, 'ping-interval', 0.05, 86400);
  const idleTimeout = numberOption(v, 'idle-timeout', 0.1, 86400);
  if (idleTimeout <= pingInterval) {
    throw new UsageError(
      '--idle-timeout must be longer than --ping-interval, or clients are closed before being pinged',
    );
  }
  const options = {
    host: String(v.host),
    wsPort: intOption(v, 'ws-port', 0, 65535),
    webPort: intOption(v, 'web-port', 0, 65535),
    pingInterval,
    idleTimeout,
    logLevel,
    maxFrame: intOption(v, 'max-frame', 64, 64 * 1024 * 1024),
    maxName: intOption(v, 'max-name', 1, 1000),
    maxContent: intOption(v, 'max-content', 1, 1024 * 1024),
    rate: numberOption(v, 'rate', 0.1, 1_000_000),
    ...parseNodeOptions(v),
    ...parseHistoryOptions(v),
    ...parseSessionOptions(v),
    ...parseLimitOptions(v),
  };
  // With Redis or SQLite this process is one node: run one per core (workers do not share them).
  const workers = options.redis || options.dataDir ? 1 : intOption(v, 'workers', 1, 1024);
  // Listening for signals before starting: workers take a moment to start, and a signal in that
  // moment must still close everything cleanly (it is acted on once the server is up).
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const server = workers === 1 ? await createChatServer(options) : await startCluster({ workers, options });
  if (process.stderr.isTTY) process.stderr.write(serveBanner(options.host, server) + '\n');
  await stopped;
  await server.close();
  return 0;
}
