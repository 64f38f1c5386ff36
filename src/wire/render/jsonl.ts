// The JSON Lines view: one event per line, exactly the types of src/wire/events.ts minus the
// Buffer fields (raw packet, frame payloads). Field names are a public interface
// (docs/jsonl.md); never rename them.
//
// The three events that make up nearly every line of a large capture (tcp.segment, ws.frame,
// ws.message) are written by hand, field by field in the order the decoder builds them, straight
// into an output buffer: each line parses to exactly what JSON.stringify gives (jsonl.test.ts
// checks that) without its generic property walk or one big string per batch. `src`/`dst` are
// "ip:port" text by contract (EventBase) and written as they are; every other string that may
// hold anything goes through a JSON string escape.
import type { TcpSegmentEvent, WireEvent, WsFrameEvent, WsMessageEvent } from '../events.js';
import { ByteOutput } from './byte-output.js';

/** A number as JSON writes it (non-finite numbers become null). */
function num(n: number): string {
  return Number.isFinite(n) ? '' + n : 'null';
}

const q = JSON.stringify;

// Consecutive lines mostly repeat the same timestamp (events of one packet) and the same two
// directions of one connection: their text is kept instead of rebuilt. Fewer pieces per line
// also make the line's string cheaper for the engine to flatten when it is copied out.
let lastTs = Number.NaN;
let lastTsText = 'null';
const routes: Array<{ src: string; dst: string; conn: number; text: string }> = [];
let nextRoute = 0;

/** `,"src":…,"dst":…,"conn":…,"packet":` for this event's direction. */
function route(src: string, dst: string, conn: number): string {
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i]!;
    if (r.src === src && r.dst === dst && r.conn === conn) return r.text;
  }
  const text = ',"src":"' + src + '","dst":"' + dst + '","conn":' + num(conn) + ',"packet":';
  routes[nextRoute] = { src, dst, conn, text };
  nextRoute = (nextRoute + 1) % 4;
  return text;
}

/** `"ts":…,"src":…,"dst":…,"conn":…,"packet":…,"from":"…"` (all ASCII by construction). */
function head(ev: WsFrameEvent | WsMessageEvent | TcpSegmentEvent): string {
  if (ev.ts !== lastTs) {
    lastTs = ev.ts;
    lastTsText = num(ev.ts);
  }
  return (
    lastTsText +
    route(ev.src, ev.dst, ev.conn) +
    num(ev.packet) +
    (ev.from === 'client' ? ',"from":"client"' : ',"from":"server"')
  );
}

/** `,"fin":…,"rsv1":…,"rsv2":…,"rsv3":…,"opcode":…,"masked":…` for each combination seen. */
const frameBits: Array<string | undefined> = [];
function bits(ev: WsFrameEvent): string {
  if (ev.opcode >>> 0 !== ev.opcode || ev.opcode > 15) {
    return `,"fin":${ev.fin},"rsv1":${ev.rsv1},"rsv2":${ev.rsv2},"rsv3":${ev.rsv3},"opcode":${num(ev.opcode)},"masked":${ev.masked}`;
  }
  const key =
    (ev.fin ? 1 : 0) |
    (ev.rsv1 ? 2 : 0) |
    (ev.rsv2 ? 4 : 0) |
    (ev.rsv3 ? 8 : 0) |
    (ev.masked ? 16 : 0) |
    (ev.opcode << 5);
  let text = frameBits[key];
  if (text === undefined) {
    text = `,"fin":${ev.fin},"rsv1":${ev.rsv1},"rsv2":${ev.rsv2},"rsv3":${ev.rsv3},"opcode":${ev.opcode},"masked":${ev.masked}`;
    frameBits[key] = text;
  }
  return text;
}

function writeSegment(out: ByteOutput, ev: TcpSegmentEvent): void {
  out.ascii(
    '{"event":"tcp.segment","ts":' +
      head(ev) +
      ',"flags":' +
      q(ev.flags) +
      ',"seq":' +
      num(ev.seq) +
      ',"seqEnd":' +
      num(ev.seqEnd) +
      ',"ack":' +
      (ev.ack === null ? 'null' : num(ev.ack)) +
      ',"win":' +
      num(ev.win) +
      ',"len":' +
      num(ev.len) +
      ',"options":',
  );
  out.jsonString(ev.options);
  out.ascii(',"role":"' + ev.role + '"}\n');
}

function writeFrame(out: ByteOutput, ev: WsFrameEvent): void {
  // One piece per line: building a short string and copying it in once is cheaper than many
  // small writes. `mask` is hex text from the decoder; anything else is quoted properly.
  const mask =
    ev.mask === undefined ? '' : HEX8.test(ev.mask) ? ',"mask":"' + ev.mask + '"' : ',"mask":' + q(ev.mask);
  out.utf8(
    '{"event":"ws.frame","ts":' +
      head(ev) +
      bits(ev) +
      mask +
      ',"length":' +
      num(ev.length) +
      ',"headerLength":' +
      num(ev.headerLength) +
      '}\n',
  );
}

const HEX8 = /^[0-9a-f]{8}$/;

function writeMessage(out: ByteOutput, ev: WsMessageEvent): void {
  const start = '{"event":"ws.message","ts":' + head(ev) + ',"opcode":' + num(ev.opcode);
  if (ev.text !== undefined) {
    out.ascii(start + ',"text":');
    // Valid UTF-8 whose text has as many characters as bytes is ASCII: the cheapest copy.
    out.jsonString(ev.text, ev.utf8Valid === true && ev.text.length === ev.length);
  } else out.ascii(start);
  if (ev.data_base64 !== undefined) {
    out.ascii(',"data_base64":');
    out.jsonString(ev.data_base64, true);
  }
  let tail =
    ',"length":' + num(ev.length) + ',"wireLength":' + num(ev.wireLength) + ',"compressed":' + ev.compressed;
  if (ev.deflateInferred !== undefined) tail += ',"deflateInferred":' + ev.deflateInferred;
  tail += ',"fragments":' + num(ev.fragments) + ',"masked":' + ev.masked;
  if (ev.utf8Valid !== undefined) tail += ',"utf8Valid":' + ev.utf8Valid;
  if (ev.chat === undefined) {
    out.ascii(tail + '}\n');
    return;
  }
  // One native stringify for the chat object (dialect, type, summary).
  out.utf8(tail + ',"chat":' + JSON.stringify(ev.chat) + '}\n');
}

/** Writes one event as its JSON line, newline included. */
export function writeJsonl(out: ByteOutput, ev: WireEvent): void {
  switch (ev.event) {
    case 'tcp.segment':
      return writeSegment(out, ev);
    case 'ws.frame':
      return writeFrame(out, ev);
    case 'ws.message':
      return writeMessage(out, ev);
    default:
      // Every other event is rare and carries no Buffer.
      out.utf8(JSON.stringify(ev) + '\n');
  }
}

/** One event as its JSON line (no newline). */
export function eventToJson(ev: WireEvent): string {
  return render([ev], 4096).slice(0, -1);
}

/** A batch of events as JSON lines, each ending with a newline. */
export function renderJsonl(events: readonly WireEvent[]): string {
  return render(events, 64 * 1024);
}

function render(events: readonly WireEvent[], blockSize: number): string {
  const blocks: Buffer[] = [];
  const out = new ByteOutput((b) => blocks.push(b), blockSize);
  for (let i = 0; i < events.length; i++) writeJsonl(out, events[i]!);
  out.flush();
  return blocks.length === 1 ? blocks[0]!.toString('utf8') : Buffer.concat(blocks).toString('utf8');
}
