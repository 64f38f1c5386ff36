// Prometheus text exposition (format 0.0.4) of what an operator needs: connections, users per
// room, messages and bytes in and out, errors by code, slow consumers, broker state and latency.
// Values are read when scraped; counters live where the events happen (hub, transport, broker).
import { roomCountFamilies, roomNameFamily } from './room-metrics.js';
import { emptyLimitStats, renderLimitMetrics, sumLimitStats, type LimitStats } from './limit-metrics.js';

export interface ChatCounters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  errors: Map<string, number>;
}

export const newCounters = (): ChatCounters => ({
  messagesIn: 0,
  messagesOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  errors: new Map(),
});

/** What one process counts, in a form that crosses IPC (plain JSON) and adds up. */
export interface NodeStats {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  errors: [string, number][];
  slowConsumers: number;
  rateLimited: number;
  /** Connection limits (limit-metrics.ts). */
  limits?: LimitStats;
}

export const emptyStats = (): NodeStats => ({
  connections: 0,
  messagesIn: 0,
  messagesOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  errors: [],
  slowConsumers: 0,
  rateLimited: 0,
});

/** The sum of several processes' numbers (errors added up by code). */
export function sumStats(all: NodeStats[]): NodeStats {
  const total = emptyStats();
  const errors = new Map<string, number>();
  for (const s of all) {
    total.connections += s.connections;
    total.messagesIn += s.messagesIn;
    total.messagesOut += s.messagesOut;
    total.bytesIn += s.bytesIn;
    total.bytesOut += s.bytesOut;
    total.slowConsumers += s.slowConsumers;
    total.rateLimited += s.rateLimited;
    for (const [code, n] of s.errors) errors.set(code, (errors.get(code) ?? 0) + n);
  }
  total.errors = [...errors];
  total.limits = sumLimitStats(all.map((s) => s.limits));
  return total;
}

export interface MetricsSources {
  /** This process's numbers, or (cluster worker) the sum over every worker of the server. */
  stats(): Promise<NodeStats>;
  /** Largest rooms first (bounded, so invented rooms cannot blow up the scrape). */
  roomUsers(): [string, number][];
  /** Users in every room (no names): what the size buckets count. */
  roomSizes(): Iterable<number>;
  broker(): { kind: string; connected: boolean; latency?: number; reconnects: number; dropped: number };
}

/**
 * Where a cluster worker's /metrics gets its numbers: `local` is handed this process's own
 * numbers once the server exists; `gather` returns the whole server's.
 */
export interface StatsGatherer {
  local(read: () => NodeStats): void;
  gather(): Promise<NodeStats>;
}

/** Escapes a label value as the exposition format requires. */
const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export interface MetricsOptions {
  /** Name the largest rooms (`wirechat_room_users{room=…}`); default: rooms counted by size only. */
  roomNames?: boolean;
}

export async function renderMetrics(s: MetricsSources, options: MetricsOptions = {}): Promise<string> {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
  };
  const c = await s.stats();
  const b = s.broker();
  metric('wirechat_connections', 'gauge', 'Open WebSocket connections on this node.', [['', c.connections]]);
  for (const family of roomCountFamilies(s.roomSizes())) metric(...family);
  if (options.roomNames) metric(...roomNameFamily(s.roomUsers()));
  metric('wirechat_messages_in_total', 'counter', 'Frames received from clients.', [['', c.messagesIn]]);
  metric('wirechat_messages_out_total', 'counter', 'Chat frames sent to clients.', [['', c.messagesOut]]);
  metric('wirechat_bytes_in_total', 'counter', 'Payload bytes received from clients.', [['', c.bytesIn]]);
  metric('wirechat_bytes_out_total', 'counter', 'Payload bytes sent to clients.', [['', c.bytesOut]]);
  metric(
    'wirechat_errors_total',
    'counter',
    'Errors answered to clients, by code.',
    c.errors.map(([code, n]) => [`{code="${label(code)}"}`, n]),
  );
  metric('wirechat_slow_consumer_disconnects_total', 'counter', 'Clients cut off for not reading.', [
    ['', c.slowConsumers],
  ]);
  metric('wirechat_rate_limited_disconnects_total', 'counter', 'Clients cut off for flooding.', [
    ['', c.rateLimited],
  ]);
  renderLimitMetrics(c.limits ?? emptyLimitStats(), metric);
  const kind = `{broker="${label(b.kind)}"}`;
  metric('wirechat_broker_connected', 'gauge', '1 while the broker is connected.', [
    [kind, b.connected ? 1 : 0],
  ]);
  metric('wirechat_broker_latency_seconds', 'gauge', 'Last round trip to the broker (PING).', [
    [kind, b.latency ?? 0],
  ]);
  metric('wirechat_broker_reconnects_total', 'counter', 'Times the broker connection came back.', [
    [kind, b.reconnects],
  ]);
  metric(
    'wirechat_broker_dropped_total',
    'counter',
    "Publications lost: past the outage queue's bound, in flight when Redis went away, or queued at shutdown.",
    [[kind, b.dropped]],
  );
  return out.join('\n') + '\n';
}
