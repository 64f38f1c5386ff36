// The decoder's vocabulary: every stage between a capture and a view speaks in these types.
//
// Pipeline (data flows one way):
//   source (pcap/pcapng/live) → RawPacket
//   layers (link, ip, tcp)    → TcpPacket
//   flow + reassembly         → WireEvent 'tcp.*' and, per connection, in-order stream bytes
//   http + websocket          → WireEvent 'http.*' and 'ws.*'
//   annotate                  → Explanation attached to events
//   render                    → text | tcpdump | jsonl | html
//
// The JSON Lines view prints WireEvents (minus Buffer fields) one per line, so the `event`
// names and field names below are a public interface: scripts depend on them. Add, never rename.

import type { Dialect } from '../chat/protocol/events.js';
import type { TlsEvent } from './tls/tls-events.js';
import type { WireProblemCode } from './problem-codes.js';

/** One captured frame as a source delivers it, before any decoding. */
export interface RawPacket {
  /** 1-based position of the packet in the capture. */
  index: number;
  /** Capture time, seconds since the Unix epoch (fractional). */
  ts: number;
  /** Link-layer type (LINKTYPE_* number: 1 Ethernet, 113 LINUX_SLL, 276 LINUX_SLL2, 0 NULL, 101/228/229 RAW). */
  linkType: number;
  /** The captured bytes (may be shorter than origLen when the snaplen cut it). */
  data: Buffer;
  /** The packet's length on the wire. */
  origLen: number;
  /** pcapng interface id (0 for pcap). */
  interfaceId: number;
  /**
   * Exact nanoseconds past the whole second of the capture time (0…999999999; finer file
   * resolutions truncated, as libpcap does), set by the pcap/pcapng readers. A double `ts`
   * cannot hold nanosecond epoch times; the whole second is Math.round(ts - tsNsec / 1e9)
   * (see source/timestamp.ts wholeSeconds). Absent when the source only has `ts`.
   */
  tsNsec?: number;
}

export interface Endpoint {
  /** Dotted IPv4 or compressed IPv6 text. */
  ip: string;
  port: number;
}

/** TCP flag bits as in the header. */
export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
}

/** A TCP segment after link, IP and TCP decoding. Payload is a view into the packet, not a copy. */
export interface TcpPacket {
  index: number;
  ts: number;
  src: Endpoint;
  dst: Endpoint;
  ipVersion: 4 | 6;
  seq: number;
  ack: number;
  flags: TcpFlags;
  window: number;
  /** TCP options in tcpdump's words: "mss 16396,sackOK,TS val 28679666 ecr 28679554,nop,wscale 7". */
  options: string;
  /** Captured payload bytes. */
  payload: Buffer;
  /** Payload length on the wire (from IP lengths), which exceeds payload.length when the snaplen cut it. */
  payloadLength: number;
  /** The whole raw packet (for tcpdump -A/-X views and the HTML byte view). */
  raw: RawPacket;
}

/** Which side of a connection sent something. The client is the side that sent the SYN (or the
 * HTTP request, or masked frames when neither was seen). */
export type Side = 'client' | 'server';

/** Fields every event has. `src`/`dst` are "ip:port", IPv6 as "[addr]:port". */
export interface EventBase {
  /** Seconds since the Unix epoch, a number. */
  ts: number;
  src: string;
  dst: string;
  /** Connection number, 1-based, in order of first appearance in the capture. */
  conn: number;
  /** Index of the packet that completed this event (1-based). */
  packet: number;
}

/** One line per TCP segment, tcpdump style. */
export interface TcpSegmentEvent extends EventBase {
  event: 'tcp.segment';
  from: Side;
  /** tcpdump's flag text: "S", "S.", ".", "P.", "F.", "R", "R.", "FP." … */
  flags: string;
  /** Sequence numbers relative to the ISN like tcpdump prints them (absolute for SYNs). */
  seq: number;
  /** End of the sequence range (seq + len), for "seq 1:716". */
  seqEnd: number;
  ack: number | null;
  win: number;
  len: number;
  options: string;
  /** What this segment is at the TCP level. */
  role: 'syn' | 'syn-ack' | 'handshake-ack' | 'ack' | 'data' | 'fin' | 'rst' | 'retransmission' | 'keepalive';
  /** Raw packet, for the tcpdump and HTML views; not printed in jsonl. */
  raw?: RawPacket;
}

/** The three-way handshake completed (or a mid-stream connection was picked up). */
export interface TcpOpenEvent extends EventBase {
  event: 'tcp.open';
  /** false when the capture began after the handshake (mid-stream pick-up). */
  handshakeSeen: boolean;
  client: string;
  server: string;
}

/** A FIN or RST was seen, or the connection is fully closed and its state released. */
export interface TcpCloseEvent extends EventBase {
  event: 'tcp.close';
  from: Side;
  how: 'fin' | 'rst' | 'both-fin' | 'idle' | 'end-of-capture' | 'evicted';
}

/** Reassembly trouble: bytes never captured, a retransmission that differs from the first copy… */
export interface TcpProblemEvent extends EventBase {
  event: 'tcp.gap' | 'tcp.overlap-conflict' | 'tcp.out-of-order' | 'tcp.retransmission';
  from: Side;
  /** Bytes missing (gap) or overlapping. */
  bytes: number;
}

export interface HttpRequestEvent extends EventBase {
  event: 'http.request';
  from: 'client';
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  /** True when it asks for a WebSocket upgrade. */
  upgrade: boolean;
  key?: string;
  extensions?: string;
  protocols?: string;
}

export interface HttpResponseEvent extends EventBase {
  event: 'http.response';
  from: 'server';
  status: number;
  reason: string;
  version: string;
  headers: Array<[string, string]>;
  /** true/false when the request's key was seen and Sec-WebSocket-Accept checked; null when it could not be. */
  acceptValid: boolean | null;
  /** Negotiated permessage-deflate parameters, when accepted. */
  deflate?: DeflateParams;
  protocol?: string;
}

export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
  /** true when inferred from RSV1 on the wire because the handshake was not captured. */
  inferred?: boolean;
}

/** One WebSocket frame as it was on the wire. */
export interface WsFrameEvent extends EventBase {
  event: 'ws.frame';
  from: Side;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** Mask key as 8 hex digits, when masked. */
  mask?: string;
  /** Payload length from the header. */
  length: number;
  /** Header bytes (2..14). */
  headerLength: number;
  /** Unmasked payload (still compressed if rsv1); not printed in jsonl. */
  payload?: Buffer;
  /** First bytes of the payload exactly as on the wire (masked); not printed in jsonl. */
  wirePayload?: Buffer;
}

/** A whole data message: fragments joined, inflated, validated. */
export interface WsMessageEvent extends EventBase {
  event: 'ws.message';
  from: Side;
  opcode: 1 | 2;
  /** For text messages (opcode 1). */
  text?: string;
  /** For binary messages (opcode 2). */
  data_base64?: string;
  /** Size after inflate. */
  length: number;
  /** Bytes on the wire (sum of frame payloads). */
  wireLength: number;
  compressed: boolean;
  /** true when the message was inflated although no handshake said permessage-deflate was in use:
   * the capture began mid-connection and compression was inferred from RSV1 (absent otherwise). */
  deflateInferred?: boolean;
  fragments: number;
  masked: boolean;
  /** false for a text message that is not valid UTF-8 (text then holds U+FFFD replacements). */
  utf8Valid?: boolean;
  /** What the message means in the chat protocol, when it is one (set by annotate). */
  chat?: ChatMeaning;
}

export interface WsControlEvent extends EventBase {
  event: 'ws.ping' | 'ws.pong' | 'ws.close';
  from: Side;
  data_base64: string;
  /** Close only: the status code, when the payload has one. */
  code?: number;
  /** Close only: the reason text. */
  reason?: string;
}

/** Something in the capture could not be decoded as expected. The run goes on. */
export interface DecodeProblemEvent {
  event: 'decode.problem';
  ts: number;
  src: string;
  dst: string;
  conn: number | null;
  packet: number | null;
  /** Stable SNAKE_CASE code, one per condition: the list is problem-codes.ts. */
  code: WireProblemCode;
  message: string;
  severity: 'warning' | 'error';
}

/** Printed last: what the run found. */
export interface SummaryEvent {
  event: 'summary';
  ts: number;
  src: string;
  dst: string;
  packets: number;
  tcpPackets: number;
  connections: number;
  websocketConnections: number;
  messages: { client: number; server: number };
  bytes: { client: number; server: number };
  problems: number;
  problemsByCode: Record<string, number>;
  /**
   * State given up to stay within the memory budget, by code (only codes that happened). The
   * decoder always sets it; optional so summaries built elsewhere (tests, other views) need not.
   */
  evictions?: Record<string, number>;
}

/** The meaning of a chat message in one of the chat's dialects (docs/protocol.md). */
export interface ChatMeaning {
  /** 'unknown': a JSON object with a `type` no dialect has. */
  dialect: Dialect | 'unknown';
  /** The message's `type` field. */
  type: string;
  /** One sentence in the spirit of the seed document: "mynick logs in", "server forwards the say to all". */
  summary: string;
}

export type WireEvent =
  | TlsEvent
  | TcpSegmentEvent
  | TcpOpenEvent
  | TcpCloseEvent
  | TcpProblemEvent
  | HttpRequestEvent
  | HttpResponseEvent
  | WsFrameEvent
  | WsMessageEvent
  | WsControlEvent
  | DecodeProblemEvent
  | SummaryEvent;

/** Formats an endpoint as in the jsonl view: "127.0.0.1:7272" or "[::1]:7272". */
export function formatEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
