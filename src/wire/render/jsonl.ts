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

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const K = {
  segment: enc('{"event":"tcp.segment","ts":'),
  frame: enc('{"event":"ws.frame","ts":'),
  message: enc('{"event":"ws.message","ts":'),
  src: enc(',"src":"'),
  dst: enc('","dst":"'),
  conn: enc('","conn":'),
  packet: enc(',"packet":'),
  fromClient: enc(',"from":"client"'),
  fromServer: enc(',"from":"server"'),
  flags: enc(',"flags":'),
  seq: enc(',"seq":'),
  seqEnd: enc(',"seqEnd":'),
  ack: enc(',"ack":'),
  win: enc(',"win":'),
  len: enc(',"len":'),
  options: enc(',"options":'),
  role: enc(',"role":"'),
  endQuoted: enc('"}\n'),
  fin: enc(',"fin":'),
  rsv1: enc(',"rsv1":'),
  rsv2: enc(',"rsv2":'),
  rsv3: enc(',"rsv3":'),
  opcode: enc(',"opcode":'),
  masked: enc(',"masked":'),
  mask: enc(',"mask":'),
  length: enc(',"length":'),
  headerLength: enc(',"headerLength":'),
  text: enc(',"text":'),
  dataBase64: enc(',"data_base64":'),
  wireLength: enc(',"wireLength":'),
  compressed: enc(',"compressed":'),
  deflateInferred: enc(',"deflateInferred":'),
  fragments: enc(',"fragments":'),
  utf8Valid: enc(',"utf8Valid":'),
  chatDialect: enc(',"chat":{"dialect":'),
  chatType: enc(',"type":'),
  chatSummary: enc(',"summary":'),
  end: enc('}\n'),
  endChat: enc('}}\n'),
  true: enc('true'),
  false: enc('false'),
  null: enc('null'),
};

function bool(out: ByteOutput, b: boolean): void {
  out.bytes(b ? K.true : K.false);
}

/** `"ts":…,"src":…,"dst":…,"conn":…,"packet":…,"from":"…"` after the event's opening bytes. */
function head(out: ByteOutput, ev: WsFrameEvent | WsMessageEvent | TcpSegmentEvent): void {
  out.number(ev.ts);
  out.bytes(K.src);
  out.ascii(ev.src);
  out.bytes(K.dst);
  out.ascii(ev.dst);
  out.bytes(K.conn);
  out.number(ev.conn);
  out.bytes(K.packet);
  out.number(ev.packet);
  out.bytes(ev.from === 'client' ? K.fromClient : K.fromServer);
}

function writeSegment(out: ByteOutput, ev: TcpSegmentEvent): void {
  out.bytes(K.segment);
  head(out, ev);
  out.bytes(K.flags);
  out.jsonString(ev.flags);
  out.bytes(K.seq);
  out.number(ev.seq);
  out.bytes(K.seqEnd);
  out.number(ev.seqEnd);
  out.bytes(K.ack);
  if (ev.ack === null) out.bytes(K.null);
  else out.number(ev.ack);
  out.bytes(K.win);
  out.number(ev.win);
  out.bytes(K.len);
  out.number(ev.len);
  out.bytes(K.options);
  out.jsonString(ev.options);
  out.bytes(K.role);
  out.ascii(ev.role);
  out.bytes(K.endQuoted);
}

function writeFrame(out: ByteOutput, ev: WsFrameEvent): void {
  out.bytes(K.frame);
  head(out, ev);
  out.bytes(K.fin);
  bool(out, ev.fin);
  out.bytes(K.rsv1);
  bool(out, ev.rsv1);
  out.bytes(K.rsv2);
  bool(out, ev.rsv2);
  out.bytes(K.rsv3);
  bool(out, ev.rsv3);
  out.bytes(K.opcode);
  out.number(ev.opcode);
  out.bytes(K.masked);
  bool(out, ev.masked);
  if (ev.mask !== undefined) {
    out.bytes(K.mask);
    out.jsonString(ev.mask);
  }
  out.bytes(K.length);
  out.number(ev.length);
  out.bytes(K.headerLength);
  out.number(ev.headerLength);
  out.bytes(K.end);
}

function writeMessage(out: ByteOutput, ev: WsMessageEvent): void {
  out.bytes(K.message);
  head(out, ev);
  out.bytes(K.opcode);
  out.number(ev.opcode);
  if (ev.text !== undefined) {
    out.bytes(K.text);
    // Valid UTF-8 whose text has as many characters as bytes is ASCII: the cheapest copy.
    out.jsonString(ev.text, ev.utf8Valid === true && ev.text.length === ev.length);
  }
  if (ev.data_base64 !== undefined) {
    out.bytes(K.dataBase64);
    out.jsonString(ev.data_base64, true);
  }
  out.bytes(K.length);
  out.number(ev.length);
  out.bytes(K.wireLength);
  out.number(ev.wireLength);
  out.bytes(K.compressed);
  bool(out, ev.compressed);
  if (ev.deflateInferred !== undefined) {
    out.bytes(K.deflateInferred);
    bool(out, ev.deflateInferred);
  }
  out.bytes(K.fragments);
  out.number(ev.fragments);
  out.bytes(K.masked);
  bool(out, ev.masked);
  if (ev.utf8Valid !== undefined) {
    out.bytes(K.utf8Valid);
    bool(out, ev.utf8Valid);
  }
  if (ev.chat === undefined) {
    out.bytes(K.end);
    return;
  }
  const c = ev.chat;
  out.bytes(K.chatDialect);
  out.jsonString(c.dialect);
  out.bytes(K.chatType);
  out.jsonString(c.type);
  out.bytes(K.chatSummary);
  out.jsonString(c.summary);
  out.bytes(K.endChat);
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
