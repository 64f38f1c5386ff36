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
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

// The fixed parts of the hot lines, pre-encoded and copied in with raw puts (cheaper than
// building each line as a string, which the engine then has to flatten to copy it out).
const K = {
  segment: latin1('{"event":"tcp.segment","ts":'),
  frame: latin1('{"event":"ws.frame","ts":'),
  message: latin1('{"event":"ws.message","ts":'),
  fromClient: latin1(',"from":"client"'),
  fromServer: latin1(',"from":"server"'),
  seqEnd: latin1(',"seqEnd":'),
  ack: latin1(',"ack":'),
  win: latin1(',"win":'),
  len: latin1(',"len":'),
  options: latin1(',"options":'),
  mask: latin1(',"mask":"'),
  maskEndLength: latin1('","length":'),
  length: latin1(',"length":'),
  headerLength: latin1(',"headerLength":'),
  end: latin1('}\n'),
  opcode: latin1(',"opcode":'),
  text: latin1(',"text":'),
  clientText: latin1(',"from":"client","opcode":1,"text":'),
  serverText: latin1(',"from":"server","opcode":1,"text":'),
  compressedFragments: latin1(',"compressed":true,"fragments":'),
  uncompressedFragments: latin1(',"compressed":false,"fragments":'),
  wireLength: latin1(',"wireLength":'),
  compressed: latin1(',"compressed":'),
  deflateInferred: latin1(',"deflateInferred":'),
  fragments: latin1(',"fragments":'),
  dataBase64: latin1(',"data_base64":'),
  chatEnd: latin1('}}\n'),
  true: latin1('true'),
  false: latin1('false'),
  null: latin1('null'),
};
/** `,"masked":…` and `,"utf8Valid":…` (when present), at 3 × masked + (absent 0, valid 1, not 2). */
const MASKED_UTF8 = [false, true].flatMap((masked) =>
  [undefined, true, false].map((valid) =>
    latin1(`,"masked":${masked}` + (valid === undefined ? '' : `,"utf8Valid":${valid}`)),
  ),
);
/** Room for the fixed parts of any hot line, beyond its route and cached pieces. */
const LINE_ROOM = 512;

// Consecutive lines mostly repeat the same timestamp (events of one packet), and every line of a
// connection one of its two directions: their bytes are kept instead of rebuilt. Routes are kept
// per connection number (both directions; the text is compared, so a number reused by another
// run is rebuilt), for at most ROUTE_CONNS connections at a time.
let lastTs = Number.NaN;
let lastTsText = 'null';
interface Route {
  src: string;
  dst: string;
  bytes: Buffer;
}
const ROUTE_CONNS = 4096;
const routes = new Map<number, Route[]>();
let lastRoute: Route = { src: '', dst: '', bytes: latin1('') };
let lastRouteConn = Number.NaN;

/** `,"src":…,"dst":…,"conn":…,"packet":` for this event's direction. */
function route(src: string, dst: string, conn: number): Buffer {
  if (conn === lastRouteConn && lastRoute.src === src && lastRoute.dst === dst) return lastRoute.bytes;
  let list = routes.get(conn);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.src === src && r.dst === dst) {
        lastRoute = r;
        lastRouteConn = conn;
        return r.bytes;
      }
    }
  } else {
    if (routes.size >= ROUTE_CONNS) routes.clear();
    list = [];
    routes.set(conn, list);
  }
  const bytes = Buffer.from(
    ',"src":"' + src + '","dst":"' + dst + '","conn":' + num(conn) + ',"packet":',
    'utf8',
  );
  const r: Route = { src, dst, bytes };
  if (list.length >= 2) list.shift();
  list.push(r);
  lastRoute = r;
  lastRouteConn = conn;
  return bytes;
}

/** Reserves room for a line and writes its start up to the packet number (ASCII by construction). */
function head(out: ByteOutput, start: Uint8Array, ev: WsFrameEvent | WsMessageEvent | TcpSegmentEvent): void {
  if (ev.ts !== lastTs) {
    lastTs = ev.ts;
    lastTsText = num(ev.ts);
  }
  const r = route(ev.src, ev.dst, ev.conn);
  out.reserve(LINE_ROOM + r.length);
  out.putBytes(start);
  out.putAscii(lastTsText);
  out.putBytes(r);
  out.putNumber(ev.packet);
}

/** `,"from":…,"fin":…,"rsv1":…,"rsv2":…,"rsv3":…,"opcode":…,"masked":…` for each combination
 * seen. */
const frameBits: Array<Buffer | undefined> = [];
function bitsText(ev: WsFrameEvent, opcode: string): string {
  const from = ev.from === 'client' ? 'client' : 'server';
  return `,"from":"${from}","fin":${ev.fin},"rsv1":${ev.rsv1},"rsv2":${ev.rsv2},"rsv3":${ev.rsv3},"opcode":${opcode},"masked":${ev.masked}`;
}
function bits(ev: WsFrameEvent): Buffer {
  if (ev.opcode >>> 0 !== ev.opcode || ev.opcode > 15) return latin1(bitsText(ev, num(ev.opcode)));
  const key =
    (ev.fin ? 1 : 0) |
    (ev.rsv1 ? 2 : 0) |
    (ev.rsv2 ? 4 : 0) |
    (ev.rsv3 ? 8 : 0) |
    (ev.masked ? 16 : 0) |
    (ev.from === 'client' ? 32 : 0) |
    (ev.opcode << 6);
  let bytes = frameBits[key];
  if (bytes === undefined) {
    bytes = latin1(bitsText(ev, '' + ev.opcode));
    frameBits[key] = bytes;
  }
  return bytes;
}

const bool = (b: boolean): Buffer => (b ? K.true : K.false);
const FLAGS = /^[A-Za-z.]{0,16}$/;
const HEX8 = /^[0-9a-f]{8}$/;
const ROLE = /^[a-z-]{1,32}$/;

function writeSegment(out: ByteOutput, ev: TcpSegmentEvent): void {
  head(out, K.segment, ev);
  out.putBytes(ev.from === 'client' ? K.fromClient : K.fromServer);
  const flags = flagsBytes(ev.flags);
  if (flags !== undefined) out.putBytes(flags);
  else {
    out.ascii(',"flags":' + q(ev.flags) + ',"seq":');
    out.reserve(LINE_ROOM);
  }
  out.putNumber(ev.seq);
  out.putBytes(K.seqEnd);
  out.putNumber(ev.seqEnd);
  out.putBytes(K.ack);
  if (ev.ack === null) out.putBytes(K.null);
  else out.putNumber(ev.ack);
  out.putBytes(K.win);
  out.putNumber(ev.win);
  out.putBytes(K.len);
  out.putNumber(ev.len);
  out.putBytes(K.options);
  out.jsonString(ev.options);
  const role = roleBytes(ev.role);
  if (role !== undefined) {
    out.reserve(LINE_ROOM);
    out.putBytes(role);
  } else out.utf8(',"role":' + q(ev.role) + '}\n');
}

// A segment's flags and role are one of a few words: each is written from bytes made the first
// time it is seen (a lookup costs less than checking the word each time).
/** Most words kept of each (flags and roles are a handful; a hostile capture cannot grow it). */
const WORDS_KEPT = 64;
const flagsSeen = new Map<string, Buffer>();
const rolesSeen = new Map<string, Buffer>();
/** `,"flags":"…","seq":` for flags that need no escape, else undefined. */
function flagsBytes(flags: string): Buffer | undefined {
  const bytes = flagsSeen.get(flags);
  if (bytes !== undefined || !FLAGS.test(flags)) return bytes;
  if (flagsSeen.size >= WORDS_KEPT) flagsSeen.clear();
  const made = latin1(',"flags":"' + flags + '","seq":');
  flagsSeen.set(flags, made);
  return made;
}
/** `,"role":"…"}\n` for a role that needs no escape, else undefined. */
function roleBytes(role: string): Buffer | undefined {
  const bytes = rolesSeen.get(role);
  if (bytes !== undefined || !ROLE.test(role)) return bytes;
  if (rolesSeen.size >= WORDS_KEPT) rolesSeen.clear();
  const made = latin1(',"role":"' + role + '"}\n');
  rolesSeen.set(role, made);
  return made;
}

function writeFrame(out: ByteOutput, ev: WsFrameEvent): void {
  head(out, K.frame, ev);
  out.putBytes(bits(ev));
  if (ev.mask !== undefined) {
    if (HEX8.test(ev.mask)) {
      out.putBytes(K.mask);
      out.putAscii(ev.mask);
      out.putBytes(K.maskEndLength);
    } else {
      out.utf8(',"mask":' + q(ev.mask));
      out.reserve(LINE_ROOM);
      out.putBytes(K.length);
    }
  } else out.putBytes(K.length);
  out.putNumber(ev.length);
  out.putBytes(K.headerLength);
  out.putNumber(ev.headerLength);
  out.putBytes(K.end);
}

function writeMessage(out: ByteOutput, ev: WsMessageEvent): void {
  head(out, K.message, ev);
  const client = ev.from === 'client';
  if (ev.opcode === 1 && ev.text !== undefined) out.putBytes(client ? K.clientText : K.serverText);
  else {
    out.putBytes(client ? K.fromClient : K.fromServer);
    out.putBytes(K.opcode);
    out.putNumber(ev.opcode);
    if (ev.text !== undefined) out.putBytes(K.text);
  }
  if (ev.text !== undefined) writeText(out, ev.text, ev.utf8Valid === true && ev.text.length === ev.length);
  if (ev.data_base64 !== undefined) {
    out.reserve(LINE_ROOM);
    out.putBytes(K.dataBase64);
    out.jsonString(ev.data_base64, true);
  }
  out.reserve(LINE_ROOM);
  out.putBytes(K.length);
  out.putNumber(ev.length);
  out.putBytes(K.wireLength);
  out.putNumber(ev.wireLength);
  if (ev.deflateInferred === undefined) {
    out.putBytes(ev.compressed ? K.compressedFragments : K.uncompressedFragments);
  } else {
    out.putBytes(K.compressed);
    out.putBytes(bool(ev.compressed));
    out.putBytes(K.deflateInferred);
    out.putBytes(bool(ev.deflateInferred));
    out.putBytes(K.fragments);
  }
  out.putNumber(ev.fragments);
  out.putBytes(MASKED_UTF8[(ev.masked ? 3 : 0) + (ev.utf8Valid === undefined ? 0 : ev.utf8Valid ? 1 : 2)]!);
  if (ev.chat === undefined) {
    out.putBytes(K.end);
    return;
  }
  const c = ev.chat;
  const start = chatStart(c.dialect, c.type);
  if (start !== undefined) out.putBytes(start);
  else {
    out.ascii(',"chat":{"dialect":');
    out.jsonString(c.dialect);
    out.ascii(',"type":');
    out.jsonString(c.type);
    out.ascii(',"summary":');
  }
  out.jsonString(c.summary);
  out.reserve(LINE_ROOM);
  out.putBytes(K.chatEnd);
}

// A chat server sends each broadcast to everyone in the room: a capture holds the same text once
// per recipient, interleaved with other connections' lines. The escaped bytes of the last few
// texts are kept, and a text seen again is copied in instead of escaped again (comparing two
// texts stops at the first differing character, or at once on a different length).
/** Texts kept (a room's broadcast to a handful of connections, interleaved). */
const KEPT_TEXTS = 8;
/** Texts longer than this are not kept (nor shorter than SHORT_TEXT: escaping them is cheap). */
const KEPT_TEXT_MAX = 4096;
const SHORT_TEXT = 48;
const keptText: string[] = new Array<string>(KEPT_TEXTS).fill('');
/** Room for the longest kept text, escaped: \u00XX per character at most, and the quotes. */
const keptRoom: Buffer[] = Array.from({ length: KEPT_TEXTS }, () =>
  Buffer.allocUnsafe(KEPT_TEXT_MAX * 6 + 2),
);
/** Each kept text's escaped bytes (a view of its room), or undefined when it was not kept. */
const keptBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEPT_TEXTS).fill(undefined);
let keptNext = 0;

/** A message's text as a JSON string. `ascii`: every character is below 0x80. */
function writeText(out: ByteOutput, text: string, ascii: boolean): void {
  const n = text.length;
  if (n <= SHORT_TEXT || n > KEPT_TEXT_MAX) {
    out.jsonString(text, ascii);
    return;
  }
  for (let i = 0; i < KEPT_TEXTS; i++) {
    if (keptText[i] === text) {
      const bytes = keptBytes[i];
      if (bytes === undefined) break;
      out.reserve(bytes.length);
      out.putBytes(bytes);
      return;
    }
  }
  const slot = keptNext;
  keptNext = slot === KEPT_TEXTS - 1 ? 0 : slot + 1;
  keptText[slot] = text;
  const room = keptRoom[slot]!;
  const kept = out.jsonStringKept(text, ascii, room);
  keptBytes[slot] = kept < 0 ? undefined : room.subarray(0, kept);
}

/** `,"chat":{"dialect":…,"type":…,"summary":` for each dialect and type seen (a handful). */
const chatStarts = new Map<string, Map<string, Buffer>>();
const CHAT_WORD = /^[a-z_]{1,24}$/;
/** Most types kept per dialect: types are whatever the capture's JSON says. */
const CHAT_TYPES_MAX = 64;
function chatStart(dialect: string, type: string): Buffer | undefined {
  let types = chatStarts.get(dialect);
  const bytes = types?.get(type);
  if (bytes !== undefined) return bytes;
  if (!CHAT_WORD.test(dialect) || !CHAT_WORD.test(type)) return undefined;
  if (types === undefined) {
    if (chatStarts.size >= CHAT_TYPES_MAX) chatStarts.clear();
    types = new Map();
    chatStarts.set(dialect, types);
  }
  if (types.size >= CHAT_TYPES_MAX) types.clear();
  const made = latin1(`,"chat":{"dialect":"${dialect}","type":"${type}","summary":`);
  types.set(type, made);
  return made;
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
