// Every code a `decode.problem` event can carry, each with the one condition it names and how
// serious it is. The event's `code` is typed by this list, so a new problem cannot be reported
// without being listed here, and docs/jsonl.md lists the same codes (a test compares the two).
//
// Severity: `error` means decoding of what the problem is about (the file, the connection, one
// direction) stops there; `warning` means it goes on. Each code has one severity, and the
// decoder reports it with that one (the fuzz and malformed-capture tests check).

export type ProblemSeverity = 'warning' | 'error';

interface ProblemInfo {
  /** The condition, in words, for people. */
  condition: string;
  severity: ProblemSeverity;
}

export const WIRE_PROBLEMS = {
  // The capture file.
  TRUNCATED_FILE: { severity: 'error', condition: 'the file ends in the middle of a record or block' },
  BAD_CAPTURE_HEADER: { severity: 'error', condition: 'the file is not a pcap or pcapng capture' },
  BAD_RECORD: {
    severity: 'error',
    condition: 'a pcap record claims an impossible length; reading ends there',
  },
  BAD_BLOCK: { severity: 'warning', condition: 'a pcapng block is malformed; it is skipped' },
  BLOCK_UNREADABLE: {
    severity: 'error',
    condition: 'a pcapng block’s length or byte-order magic cannot be trusted; reading ends there',
  },
  CAPLEN_OVER_SNAPLEN: {
    severity: 'warning',
    condition: 'a record holds more bytes than the file’s snaplen',
  },
  SECRETS_UNSUPPORTED: {
    severity: 'warning',
    condition: 'a pcapng decryption secrets block of a type other than TLS key log',
  },
  KEYLOG_BAD_LINE: { severity: 'warning', condition: 'a line of a key log is not in NSS key log format' },
  KEYLOG_LIMIT: { severity: 'warning', condition: 'a key log holds more than the configured bytes' },
  // Packets.
  UNKNOWN_LINKTYPE: { severity: 'warning', condition: 'a packet’s link type is not supported' },
  TRUNCATED_PACKET: { severity: 'warning', condition: 'a link, IP or TCP header is cut short' },
  BAD_IP_HEADER: { severity: 'warning', condition: 'an IP header is impossible' },
  BAD_TCP_HEADER: { severity: 'warning', condition: 'a TCP header is impossible' },
  IP_FRAGMENT: { severity: 'warning', condition: 'an IP fragment (not reassembled) was skipped' },
  SNAPLEN_CUT: {
    severity: 'warning',
    condition: 'a packet holds only part of its TCP payload (snaplen too small); the rest is a gap',
  },
  // Connections and the memory budget.
  DECODER_FAILED: {
    severity: 'error',
    condition: 'decoding a connection failed unexpectedly; its remaining bytes are skipped',
  },
  FLOW_EVICTED: { severity: 'warning', condition: 'a connection’s state was given up for the memory budget' },
  WS_STATE_EVICTED: {
    severity: 'warning',
    condition:
      'a WebSocket connection’s state (frames, messages, inflater) was given up for the memory budget',
  },
  CLOSED_FLOW_EVICTED: {
    severity: 'warning',
    condition: 'the record numbering a closed connection’s late packets was given up for the memory budget',
  },
  FRAGMENTS_DROPPED: {
    severity: 'warning',
    condition: 'an unfinished message was given up for the memory budget',
  },
  OUT_OF_ORDER_DROPPED: {
    severity: 'warning',
    condition: 'out-of-order bytes were given up for the memory budget (the hole becomes a gap)',
  },
  EVICTIONS_NOT_SHOWN: {
    severity: 'warning',
    condition: 'how many evictions were counted but not shown (once, at the end)',
  },
  // TLS.
  TLS_NO_KEYS: { severity: 'warning', condition: 'no secrets for a TLS connection (once per connection)' },
  TLS_DECRYPT_FAILED: {
    severity: 'error',
    condition: 'a TLS record fails authentication (not shown; after three the direction is given up)',
  },
  TLS_BAD_RECORD: {
    severity: 'error',
    condition: 'the stream stops being TLS records; the direction is given up',
  },
  TLS_DATA_BEFORE_KEYS: {
    severity: 'warning',
    condition: 'TLS application data sent before encryption was set up',
  },
  TLS_BAD_HANDSHAKE: { severity: 'warning', condition: 'a TLS handshake message is malformed' },
  TLS_HANDSHAKE_TOO_LARGE: {
    severity: 'error',
    condition: 'a TLS handshake message exceeds --tls-max-handshake-bytes',
  },
  TLS_GAP: {
    severity: 'error',
    condition: 'bytes of a TLS stream were lost: later records cannot be followed',
  },
  TLS_MID_STREAM: { severity: 'warning', condition: 'TLS picked up after its handshake' },
  TLS_UNSUPPORTED: { severity: 'warning', condition: 'a TLS version or cipher suite that is not decrypted' },
  // HTTP.
  NOT_WEBSOCKET: {
    severity: 'warning',
    condition: 'a connection is neither HTTP nor WebSocket; not decoded',
  },
  SIDES_SWAPPED: {
    severity: 'warning',
    condition: 'the side that opened the connection turned out to be the server (from HTTP or masks)',
  },
  HTTP_BAD_START_LINE: {
    severity: 'error',
    condition: 'a request or status line that is not HTTP; that side is no longer followed',
  },
  HTTP_BAD_HEADER: {
    severity: 'error',
    condition: 'a header line that is not HTTP; that side is no longer followed',
  },
  HTTP_HEAD_TOO_LARGE: {
    severity: 'error',
    condition: 'an HTTP head larger than its limit (64 KiB); that side is no longer followed',
  },
  HTTP_BAD_CHUNK: {
    severity: 'error',
    condition: 'a chunked body’s framing is broken; that side is no longer followed',
  },
  HTTP_GAP: {
    severity: 'warning',
    condition: 'bytes of one side’s HTTP were lost; that side is no longer followed',
  },
  BAD_ACCEPT: { severity: 'warning', condition: 'Sec-WebSocket-Accept does not match the request’s key' },
  // WebSocket frames.
  WS_CLIENT_FRAME_UNMASKED: { severity: 'warning', condition: 'a client frame is not masked' },
  WS_SERVER_FRAME_MASKED: { severity: 'warning', condition: 'a server frame is masked' },
  WS_RSV2_RSV3_SET: { severity: 'warning', condition: 'RSV2 or RSV3 set (no extension defines them)' },
  WS_RSV1_WITHOUT_DEFLATE: {
    severity: 'warning',
    condition: 'RSV1 set on a message while the handshake negotiated no permessage-deflate',
  },
  WS_RSV1_ON_CONTROL: { severity: 'warning', condition: 'RSV1 set on a control frame' },
  WS_RSV1_ON_CONTINUATION: { severity: 'warning', condition: 'RSV1 set on a continuation frame' },
  WS_CONTROL_FRAGMENTED: { severity: 'warning', condition: 'a control frame without FIN' },
  WS_CONTROL_TOO_LONG: { severity: 'warning', condition: 'a control frame longer than 125 bytes' },
  WS_ORPHAN_CONTINUATION: {
    severity: 'warning',
    condition: 'a continuation frame with no message to continue',
  },
  WS_MESSAGE_INTERRUPTED: {
    severity: 'warning',
    condition: 'a new message began before the previous one finished; the previous one is dropped',
  },
  WS_LENGTH_IMPOSSIBLE: {
    severity: 'error',
    condition: 'a 64-bit payload length beyond 2^53 - 1; that direction stops',
  },
  WS_NO_FRAME_BOUNDARY: {
    severity: 'warning',
    condition: 'after a loss, no frame boundary in a long stretch of bytes',
  },
  RESERVED_OPCODE: { severity: 'warning', condition: 'a frame with a reserved opcode; skipped' },
  DEFLATE_INFERRED: {
    severity: 'warning',
    condition: 'permessage-deflate assumed from RSV1 (handshake not captured), once per connection',
  },
  // WebSocket messages.
  MESSAGE_TOO_LARGE: {
    severity: 'warning',
    condition: 'a message larger than --max-message-bytes; truncated',
  },
  GAP_IN_MESSAGE: {
    severity: 'warning',
    condition: 'bytes of a message were not captured; the message is dropped',
  },
  INCOMPLETE_MESSAGE: { severity: 'warning', condition: 'the stream ended in the middle of a message' },
  INFLATE_FAILED: { severity: 'warning', condition: 'a compressed message cannot be inflated' },
  INFLATE_LIMIT: { severity: 'warning', condition: 'an inflated message exceeds its limit; truncated' },
  BAD_UTF8: { severity: 'warning', condition: 'a text message is not valid UTF-8' },
  WS_CLOSE_ONE_BYTE: { severity: 'warning', condition: 'a close payload of 1 byte (no room for a code)' },
  WS_CLOSE_CODE_INVALID: { severity: 'warning', condition: 'a close code an endpoint may not send' },
  WS_CLOSE_REASON_NOT_UTF8: { severity: 'warning', condition: 'a close reason that is not valid UTF-8' },
} as const satisfies Record<string, ProblemInfo>;

/** A `decode.problem` code: one condition each. */
export type WireProblemCode = keyof typeof WIRE_PROBLEMS;

export const WIRE_PROBLEM_CODES = Object.keys(WIRE_PROBLEMS) as WireProblemCode[];
