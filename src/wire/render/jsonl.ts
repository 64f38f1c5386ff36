// The JSON Lines view: one event per line, exactly the types of src/wire/events.ts minus the
// Buffer fields (raw packet, frame payloads). Field names are a public interface
// (docs/jsonl.md); never rename them.
import type { WireEvent } from '../events.js';

/** One event as its JSON line (no newline). */
export function eventToJson(ev: WireEvent): string {
  if (ev.event === 'tcp.segment') {
    if (ev.raw === undefined) return JSON.stringify(ev);
    const { raw: _raw, ...rest } = ev;
    return JSON.stringify(rest);
  }
  if (ev.event === 'ws.frame') {
    if (ev.payload === undefined && ev.wirePayload === undefined) return JSON.stringify(ev);
    const { payload: _p, wirePayload: _w, ...rest } = ev;
    return JSON.stringify(rest);
  }
  return JSON.stringify(ev);
}

/** A batch of events as JSON lines, each ending with a newline. */
export function renderJsonl(events: readonly WireEvent[]): string {
  let out = '';
  for (const ev of events) out += eventToJson(ev) + '\n';
  return out;
}
