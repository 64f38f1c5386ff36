// Helpers for the decoder's end-to-end tests (fixtures, golden, oracle, fuzz): decode a whole
// capture through the real pipeline and pick out what the tests compare.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureDecoder, type CaptureDecoderOptions } from '../../wire/decode-capture.js';
import type { SummaryEvent, WireEvent } from '../../wire/events.js';
import { fixturesDir } from '../../shared/paths.js';

export const fixture = (name: string): string => join(fixturesDir, name);

export interface Decoded {
  events: WireEvent[];
  summary: SummaryEvent;
  usable: boolean;
  format: 'pcap' | 'pcapng' | undefined;
}

/** Decodes bytes fed in chunks of `chunkSize` (any chunking must give the same events). */
export function decodeBytes(bytes: Buffer, options: CaptureDecoderOptions = {}, chunkSize = 65536): Decoded {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder(options, (batch) => {
    for (const e of batch) events.push(e);
  });
  for (let off = 0; off < bytes.length; off += chunkSize) decoder.push(bytes.subarray(off, off + chunkSize));
  const summary = decoder.end();
  return { events, summary, usable: decoder.usable, format: decoder.format };
}

export function decodeFile(path: string, options: CaptureDecoderOptions = {}, chunkSize = 65536): Decoded {
  return decodeBytes(readFileSync(path), options, chunkSize);
}

/** One comparable line per message or control frame: "text:hello", "binary:4", "ping", "close:1001 going". */
export function messageKey(e: WireEvent): string | undefined {
  switch (e.event) {
    case 'ws.message':
      return e.opcode === 1 ? `text:${e.text}` : `binary:${e.length}`;
    case 'ws.ping':
      return 'ping';
    case 'ws.pong':
      return 'pong';
    case 'ws.close':
      return e.code === undefined ? 'close' : `close:${e.code}${e.reason ? ' ' + e.reason : ''}`;
    default:
      return undefined;
  }
}

/** Messages grouped by "src > dst", each list in capture order. */
export function messagesByDirection(events: WireEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const key = messageKey(e);
    if (key === undefined || e.event === 'summary' || e.event === 'decode.problem') continue;
    const dir = `${e.src} > ${e.dst}`;
    let list = out.get(dir);
    if (!list) out.set(dir, (list = []));
    list.push(key);
  }
  return out;
}
