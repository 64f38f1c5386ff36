// The JSON Lines view: one event per line, exactly the types of src/wire/events.ts minus the
// Buffer fields (raw packet, frame payloads). Field names are a public interface
// (docs/jsonl.md); never rename them.
import type { WireEvent } from '../events.js';

/** One event as its JSON line (no newline). */
export function eventToJson(ev: WireEvent): string {
  // JSON.stringify skips undefined properties: hide the Buffers for the moment of the call
  // instead of copying the event (a copy per event costs more than the stringify).
  if (ev.event === 'tcp.segment' && ev.raw !== undefined) {
    const raw = ev.raw;
    ev.raw = undefined;
    try {
      return JSON.stringify(ev);
    } finally {
      ev.raw = raw;
    }
  }
  if (ev.event === 'ws.frame' && (ev.payload !== undefined || ev.wirePayload !== undefined)) {
    const { payload, wirePayload } = ev;
    ev.payload = undefined;
    ev.wirePayload = undefined;
    try {
      return JSON.stringify(ev);
    } finally {
      ev.payload = payload;
      ev.wirePayload = wirePayload;
    }
  }
  return JSON.stringify(ev);
}

/** A batch of events as JSON lines, each ending with a newline. */
export function renderJsonl(events: readonly WireEvent[]): string {
  let out = '';
  for (const ev of events) out += eventToJson(ev) + '\n';
  return out;
}
