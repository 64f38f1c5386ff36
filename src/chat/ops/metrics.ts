// Prometheus text exposition (format 0.0.4) of what an operator needs: connections, users per
// room, messages and bytes in and out, errors by code, slow consumers, broker state and latency.
// Values are read when scraped; counters live where the events happen (hub, transport, broker).

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

export interface MetricsSources {
  counters: ChatCounters;
  connections(): number;
  /** Largest rooms first (bounded, so invented rooms cannot blow up the scrape). */
  roomUsers(): [string, number][];
  slowConsumers(): number;
  rateLimited(): number;
  broker(): { kind: string; connected: boolean; latency?: number; reconnects: number; dropped: number };
}

/** Escapes a label value as the exposition format requires. */
const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function renderMetrics(s: MetricsSources): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
  };
  const c = s.counters;
  const b = s.broker();
  metric('wirechat_connections', 'gauge', 'Open WebSocket connections on this node.', [
    ['', s.connections()],
  ]);
  metric(
    'wirechat_room_users',
    'gauge',
    'Users logged in per room (whole cluster in Redis mode; the largest 100 rooms).',
    s.roomUsers().map(([room, n]) => [`{room="${label(room)}"}`, n]),
  );
  metric('wirechat_messages_in_total', 'counter', 'Frames received from clients.', [['', c.messagesIn]]);
  metric('wirechat_messages_out_total', 'counter', 'Chat frames sent to clients.', [['', c.messagesOut]]);
  metric('wirechat_bytes_in_total', 'counter', 'Payload bytes received from clients.', [['', c.bytesIn]]);
  metric('wirechat_bytes_out_total', 'counter', 'Payload bytes sent to clients.', [['', c.bytesOut]]);
  metric(
    'wirechat_errors_total',
    'counter',
    'Errors answered to clients, by code.',
    [...c.errors].map(([code, n]) => [`{code="${label(code)}"}`, n]),
  );
  metric('wirechat_slow_consumer_disconnects_total', 'counter', 'Clients cut off for not reading.', [
    ['', s.slowConsumers()],
  ]);
  metric('wirechat_rate_limited_disconnects_total', 'counter', 'Clients cut off for flooding.', [
    ['', s.rateLimited()],
  ]);
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
  metric('wirechat_broker_dropped_total', 'counter', 'Publications lost while the broker was down.', [
    [kind, b.dropped],
  ]);
  return out.join('\n') + '\n';
}
