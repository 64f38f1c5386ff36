// The end of a WebSocket message or control frame on one direction: the payload inflated and
// validated, and the event written out. Kept apart from the frame-by-frame decoding state.
import { isAscii, isUtf8 } from 'node:buffer';
import type { Side, WsControlEvent, WsMessageEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { DirectionEnv } from './direction-env.js';
import type { FrameHeader } from '../../shared/websocket-framing.js';
import type { Inflater } from './inflater.js';
import { MessageBytes } from './message-bytes.js';
import { parseClosePayload } from './ws-control.js';

const EMPTY = Buffer.alloc(0);

/**
 * A data message being assembled from its fragments. One per direction, reused from message
 * to message (`active` tells whether one is under way): no objects per message.
 */
export class PartialMessage {
  active = false;
  opcode: 1 | 2 = 1;
  compressed = false;
  /** The payload kept so far (at most maxMessageBytes). */
  readonly bytes = new MessageBytes();
  total = 0;
  fragments = 0;
  masked = false;
  /** Bytes beyond maxMessageBytes were not kept. */
  tooLarge = false;
  /** The message's bytes are not all there (not kept, or inflated only in part). */
  truncated = false;

  begin(opcode: 1 | 2, compressed: boolean, masked: boolean): void {
    this.active = true;
    this.opcode = opcode;
    this.compressed = compressed;
    this.bytes.clear();
    this.total = 0;
    this.fragments = 0;
    this.masked = masked;
    this.tooLarge = false;
    this.truncated = false;
  }

  /** Drops the message and lets go of its bytes. */
  drop(): void {
    this.active = false;
    this.bytes.clear();
  }
}

/** Emits the ws.close / ws.ping / ws.pong event of a control frame (close payload checked). */
export function emitControl(
  env: DirectionEnv,
  meta: StreamMeta,
  h: FrameHeader,
  payload: Buffer,
  from: Side,
): void {
  const { src, dst, conn } = env;
  const name = h.opcode === 8 ? 'ws.close' : h.opcode === 9 ? 'ws.ping' : 'ws.pong';
  const event: WsControlEvent = {
    event: name,
    ts: meta.ts,
    src,
    dst,
    conn,
    packet: meta.packet,
    from,
    data_base64: payload.toString('base64'),
  };
  if (h.opcode === 8) {
    const close = parseClosePayload(payload);
    if (close.kind === 'bad-length')
      env.problem('WS_CLOSE_ONE_BYTE', 'close payload of 1 byte (no room for a code)', meta);
    if (close.kind === 'ok') {
      event.code = close.code;
      event.reason = close.reason;
      if (!close.codeValid)
        env.problem('WS_CLOSE_CODE_INVALID', `close code ${close.code} may not be sent`, meta);
      if (!close.reasonValid)
        env.problem('WS_CLOSE_REASON_NOT_UTF8', 'close reason is not valid UTF-8', meta);
    }
  }
  env.emit(event);
}

/**
 * Emits the ws.message event of a finished message: inflated when compressed (`inferred`: the
 * compression was guessed from RSV1), text checked as UTF-8.
 */
export function emitMessage(
  env: DirectionEnv,
  meta: StreamMeta,
  m: PartialMessage,
  inflater: Inflater | undefined,
  inferred: boolean,
  from: Side,
): void {
  let data = m.bytes.bytes();
  let length = m.total;
  if (m.compressed && inflater) {
    data = inflateMessage(env, meta, m, inflater);
    // A message cut short before inflating keeps its wire length (nothing could be inflated).
    if (!m.tooLarge) length = data.length;
  }
  let text: string | undefined;
  let dataBase64: string | undefined;
  let utf8Valid: boolean | undefined;
  if (m.opcode === 1) {
    if (isAscii(data)) {
      // Most text is ASCII: valid UTF-8 by definition, and its string is a plain byte copy
      // (what the UTF-8 decoder would give, at a fraction of the cost).
      utf8Valid = true;
      text = data.toString('latin1');
    } else {
      utf8Valid = isUtf8(m.truncated ? trimIncomplete(data) : data);
      if (!utf8Valid) env.problem('BAD_UTF8', 'text message is not valid UTF-8', meta);
      text = data.toString('utf8');
    }
  } else dataBase64 = data.toString('base64');
  const event: WsMessageEvent = {
    event: 'ws.message',
    ts: meta.ts,
    src: env.src,
    dst: env.dst,
    conn: env.conn,
    packet: meta.packet,
    from,
    opcode: m.opcode,
    text,
    data_base64: dataBase64,
    length,
    wireLength: m.total,
    compressed: m.compressed,
    deflateInferred: m.compressed && inferred ? true : undefined,
    fragments: m.fragments,
    masked: m.masked,
    utf8Valid,
    chat: undefined,
  };
  env.emit(event);
}

/** A compressed message's bytes inflated; failures reported and the message marked truncated. */
function inflateMessage(env: DirectionEnv, meta: StreamMeta, m: PartialMessage, inflater: Inflater): Buffer {
  if (m.tooLarge) {
    // Part of the compressed stream was not kept: it cannot be inflated.
    inflater.forgetWindow();
    return EMPTY;
  }
  const result = inflater.inflate(m.bytes.bytes());
  if (result.kind === 'ok') return result.data;
  m.truncated = true;
  if (result.kind === 'failed') {
    env.problem('INFLATE_FAILED', `cannot inflate message: ${result.message}`, meta);
    return EMPTY;
  }
  env.problem('INFLATE_LIMIT', `inflated message exceeds ${result.limit} bytes; truncated`, meta);
  return result.data;
}

/** Drops an incomplete UTF-8 sequence cut off at the end of a truncated buffer. */
function trimIncomplete(buf: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const c = buf[buf.length - back];
    if ((c & 0xc0) !== 0x80) return (c & 0xc0) === 0xc0 ? buf.subarray(0, buf.length - back) : buf;
  }
  return buf;
}
