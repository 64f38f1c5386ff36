// The operations endpoints on the web port: /metrics (Prometheus text), /healthz (the process
// answers) and /readyz (ready only while the broker is connected, so a load balancer stops sending
// clients to a node cut off from the others).
import { renderMetrics, type MetricsSources } from './metrics.js';

export interface RouteAnswer {
  status: number;
  type: string;
  body: string;
}

export type Routes = Map<string, () => RouteAnswer | Promise<RouteAnswer>>;

const TEXT = 'text/plain; charset=utf-8';

export function opsRoutes(metrics: MetricsSources, ready: () => boolean): Routes {
  return new Map<string, () => RouteAnswer | Promise<RouteAnswer>>([
    [
      '/metrics',
      async () => ({
        status: 200,
        type: 'text/plain; version=0.0.4; charset=utf-8',
        body: await renderMetrics(metrics),
      }),
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
