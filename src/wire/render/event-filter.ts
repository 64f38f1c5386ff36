// `--events` for the jsonl view: keep only the named events, so a script that wants messages
// does not read (and the encoder does not write) a line per TCP segment and frame.
import type { WireEvent } from '../events.js';

/** Every event name the decoder emits (docs/jsonl.md). */
export const EVENT_NAMES: ReadonlyArray<WireEvent['event']> = [
  'tcp.segment',
  'tcp.open',
  'tcp.close',
  'tcp.gap',
  'tcp.overlap-conflict',
  'tcp.out-of-order',
  'tcp.retransmission',
  'http.request',
  'http.response',
  'ws.frame',
  'ws.message',
  'ws.ping',
  'ws.pong',
  'ws.close',
  'tls.client-hello',
  'tls.server-hello',
  'tls.certificate',
  'tls.alert',
  'tls.handshake',
  'tls.encrypted',
  'decode.problem',
  'summary',
];

export type EventFilter = { kind: 'ok'; keep: (name: string) => boolean } | { kind: 'unknown'; name: string };

/**
 * Builds a filter from names or families: `ws.message`, or `ws` for every `ws.*` event. The
 * summary is always kept: it closes every jsonl output.
 */
export function createEventFilter(requested: string[]): EventFilter {
  const kept = new Set<string>(['summary']);
  for (const name of requested) {
    const matches = EVENT_NAMES.filter((e) => e === name || e.startsWith(`${name}.`));
    if (matches.length === 0) return { kind: 'unknown', name };
    for (const m of matches) kept.add(m);
  }
  return { kind: 'ok', keep: (name) => kept.has(name) };
}
