// The operations endpoints on the web port: /metrics (Prometheus text), /healthz (the process
// answers) and /readyz (ready only while the broker is connected, so a load balancer stops sending
// clients to a node cut off from the others). /metrics is rendered at most once per interval
// (scrape-cache.ts) and, with a token, answers only `Authorization: Bearer <token>`.
import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { renderMetrics, type MetricsSources } from './metrics.js';
import { ScrapeCache } from './scrape-cache.js';

export interface RouteAnswer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export type Routes = Map<string, (req: IncomingMessage) => RouteAnswer | Promise<RouteAnswer>>;

export interface MetricsRouteOptions {
  /** Name the largest rooms in /metrics; default false (rooms counted by size only). */
  roomNames?: boolean;
  /** Required as `Authorization: Bearer <token>`; default none (anyone who reaches the port). */
  token?: string;
  /** Shortest time between two renders, in milliseconds; default 1000. */
  minIntervalMs?: number;
}

export const DEFAULT_METRICS_MIN_INTERVAL_MS = 1000;

const TEXT = 'text/plain; charset=utf-8';
const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

/** Compares in constant time: both sides hashed first, so neither length nor content leaks. */
function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), expected);
}

/** Whether the request carries the token (undefined token: every request does). */
export function metricsAuthorizer(token: string | undefined): (req: IncomingMessage) => boolean {
  if (token === undefined) return () => true;
  const expected = createHash('sha256').update(token).digest();
  return (req) => {
    const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    // Hash even when the header is missing, so a refusal takes as long whatever was sent.
    return sameSecret(m?.[1] ?? '', expected) && m !== null;
  };
}

export function opsRoutes(
  metrics: MetricsSources,
  ready: () => boolean,
  options: MetricsRouteOptions = {},
): Routes {
  const cache = new ScrapeCache(
    async (renders) =>
      (await renderMetrics(metrics, { roomNames: options.roomNames })) +
      '# HELP wirechat_metrics_renders_total Times /metrics was rendered (scrapes in between share one).\n' +
      '# TYPE wirechat_metrics_renders_total counter\n' +
      `wirechat_metrics_renders_total ${renders}\n`,
    options.minIntervalMs ?? DEFAULT_METRICS_MIN_INTERVAL_MS,
  );
  const authorized = metricsAuthorizer(options.token);
  return new Map<string, (req: IncomingMessage) => RouteAnswer | Promise<RouteAnswer>>([
    [
      '/metrics',
      async (req) =>
        authorized(req)
          ? { status: 200, type: EXPOSITION, body: await cache.get() }
          : {
              status: 401,
              type: TEXT,
              body: 'unauthorized: /metrics needs Authorization: Bearer <token>\n',
              headers: { 'www-authenticate': 'Bearer realm="wirechat metrics"' },
            },
    ],
    ['/healthz', () => ({ status: 200, type: TEXT, body: 'ok\n' })],
    [
      '/readyz',
      () =>
        ready()
          ? { status: 200, type: TEXT, body: 'ready\n' }
          : { status: 503, type: TEXT, body: 'not ready: the broker is not connected\n' },
    ],
  ]);
}
