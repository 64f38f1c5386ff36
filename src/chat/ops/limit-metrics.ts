// The connection limits' numbers for /metrics: sockets open on both ports against the cap,
// connections refused (by code), never-logged-in connections closed, messages refused for an
// address's budget. Kept apart from metrics.ts's core numbers; they add up over workers the same way.

export interface LimitStats {
  /** TCP sockets open on the WebSocket and web ports. */
  sockets: number;
  /** The cap on them (summed over workers: each process has its own). */
  socketCap: number;
  /** Connections refused, by code (SERVER_FULL, ADDRESS_TOO_MANY_CONNECTIONS, …). */
  refused: [string, number][];
  loginTimeouts: number;
  addressRateLimited: number;
}

export const emptyLimitStats = (): LimitStats => ({
  sockets: 0,
  socketCap: 0,
  refused: [],
  loginTimeouts: 0,
  addressRateLimited: 0,
});

export function sumLimitStats(all: (LimitStats | undefined)[]): LimitStats {
  const total = emptyLimitStats();
  const refused = new Map<string, number>();
  for (const s of all) {
    if (!s) continue;
    total.sockets += s.sockets;
    total.socketCap += s.socketCap;
    total.loginTimeouts += s.loginTimeouts;
    total.addressRateLimited += s.addressRateLimited;
    for (const [code, n] of s.refused) refused.set(code, (refused.get(code) ?? 0) + n);
  }
  total.refused = [...refused];
  return total;
}

type Metric = (name: string, type: string, help: string, samples: [string, number][]) => void;

export function renderLimitMetrics(s: LimitStats, metric: Metric): void {
  metric('wirechat_open_sockets', 'gauge', 'TCP connections open on the WebSocket and web ports.', [
    ['', s.sockets],
  ]);
  metric('wirechat_open_sockets_cap', 'gauge', 'Cap on open TCP connections (--max-connections).', [
    ['', s.socketCap],
  ]);
  metric(
    'wirechat_connections_refused_total',
    'counter',
    'Connections refused, by code (server full, per-address caps).',
    s.refused.map(([code, n]) => [`{code="${code}"}`, n]),
  );
  metric('wirechat_login_timeouts_total', 'counter', 'Connections closed for not logging in in time.', [
    ['', s.loginTimeouts],
  ]);
  metric(
    'wirechat_address_rate_limited_total',
    'counter',
    'Messages refused because their address was past its budget (--address-rate).',
    [['', s.addressRateLimited]],
  );
}
