// One direction of a WebSocket connection: frames (via the frame parser), then messages
// (fragments joined, inflated, validated), control frames, gaps and resynchronisation.
//
// A state object in the manner of ws's Receiver. The direction is IN_STEP (bytes go to the frame
// parser), SYNCING (bytes are held until a frame boundary is found) or STOPPED (a header no
// frame can follow; nothing more is decoded). Within IN_STEP, each frame has a role decided by
// its header: DATA (part of a message), CONTROL (close/ping/pong, kept whole) or IGNORE. The
// per-frame and per-message state is reused: nothing is allocated per frame but what an event
// needs.
import type { StreamMeta } from '../stream.js';
import type { WireProblemCode } from '../problem-codes.js';
import type { DeflateSetting, DirectionDecoder, DirectionEnv } from './direction-env.js';
import { isControlOpcode, isDefinedOpcode, MAX_CONTROL_PAYLOAD } from '../../shared/websocket-framing.js';
import { FrameParser, type FrameHeader, type FrameParserHandlers } from './frame-parser.js';
import { findFrameBoundary } from './frame-sync.js';
import { createInflater, type Inflater } from './inflater.js';
import { emitControl, emitMessage, PartialMessage } from './message-events.js';
import { FramePayloads, frameEvent } from './frame-event.js';
import { ResyncBuffer } from './resync-buffer.js';
import { BudgetAccount, INFLATE_SHARE } from '../budget/memory-budget.js';

export type { DeflateSetting, DirectionDecoder, DirectionEnv, ResolvedWsOptions } from './direction-env.js';

/** Direction states. */
const IN_STEP = 0;
const SYNCING = 1;
const STOPPED = 2;
type DirectionState = typeof IN_STEP | typeof SYNCING | typeof STOPPED;

/** Frame roles. */
const IGNORE = 0;
const DATA = 1;
const CONTROL = 2;
type FrameRole = typeof IGNORE | typeof DATA | typeof CONTROL;

/** Resync: bytes held before the oldest are thrown away. */
const SYNC_WINDOW = 256 * 1024;
/** Frame payloads kept for the views (control frames, frames shown in full) at most. */
const MAX_KEPT_FRAME_BYTES = 64 * 1024 * 1024;

export class WsDirectionDecoder implements DirectionDecoder, FrameParserHandlers {
  /** Frames expected masked (client) or not (server); undefined = not checked. */
  expectMasked: boolean | undefined = undefined;
  private state: DirectionState;
  private parser: FrameParser;
  private readonly resync = new ResyncBuffer();
  private meta: StreamMeta = { ts: 0, packet: 0 };
  /** A frame is under way (its header was seen, its end not yet). */
  private inFrame = false;
  private role: FrameRole = IGNORE;
  /** Payload bytes of the frame under way not handed on yet (what its header announced). */
  private frameLeft = 0;
  /** The frame's payload kept for control frames and for the views that show payloads. */
  private readonly payloads: FramePayloads;
  private readonly message = new PartialMessage();
  /** After a loss: continuation frames of a message whose start we lost are dropped quietly. */
  private orphanContinuations: boolean;
  private inflater: Inflater | undefined;
  /** Compression was assumed from RSV1 because the handshake was not captured. */
  private inferred = false;
  private readonly reported = new Set<WireProblemCode>();
  private readonly account: BudgetAccount;
  private readonly maxMessageBytes: number;
  private readonly maxInflatedBytes: number;
  /** Payloads of frames are kept for the views. */
  private readonly framePayloads: boolean;
  private readonly wantFrames: boolean;

  constructor(
    private readonly env: DirectionEnv,
    private readonly deflate: DeflateSetting,
    startInSync: boolean,
  ) {
    const { maxMessageBytes, includeFramePayloads, wantFrames, budget } = env.options;
    this.maxMessageBytes = maxMessageBytes;
    // An inflated message may take a share of the budget at most (it outlives the decoder's
    // hands as text and JSON until the next collection).
    this.maxInflatedBytes =
      budget !== undefined
        ? Math.min(maxMessageBytes, Math.floor(budget.limit / INFLATE_SHARE))
        : maxMessageBytes;
    this.wantFrames = wantFrames;
    this.framePayloads = includeFramePayloads && wantFrames;
    this.payloads = new FramePayloads(Math.min(maxMessageBytes, MAX_KEPT_FRAME_BYTES));
    this.account = new BudgetAccount(budget);
    this.parser = new FrameParser(this, this.framePayloads);
    this.state = startInSync ? IN_STEP : SYNCING;
    this.orphanContinuations = !startInSync;
    if (deflate.kind === 'negotiated')
      this.inflater = this.newInflater(deflate.windowBits, deflate.noContextTakeover);
  }

  // ---- bytes in, by state ----

  data(bytes: Buffer, meta: StreamMeta): void {
    this.meta = meta;
    if (this.state === STOPPED || bytes.length === 0) return;
    if (this.state === IN_STEP) this.parser.push(bytes);
    else this.dataSyncing(bytes);
    if (this.env.options.budget !== undefined) this.settle();
  }

  /** SYNCING: bytes are held until a chain of plausible frames begins somewhere in them. */
  private dataSyncing(bytes: Buffer): void {
    this.resync.push(bytes);
    this.trySync(false);
  }

  private trySync(final: boolean): void {
    const buf = this.resync.joined();
    const found = findFrameBoundary(buf, { allowRsv1: this.deflate.kind !== 'none', final });
    if (found !== undefined && found !== 'wait') {
      this.state = IN_STEP;
      this.resync.found();
      this.env.synced(found.masked, this.meta);
      this.parser = new FrameParser(this, this.framePayloads);
      this.parser.push(buf.subarray(found.offset));
      return;
    }
    let failed = false;
    // No offset can begin a chain: only the last 13 bytes could still start a header.
    if (found === undefined && !final) failed = this.resync.discard(buf, Math.max(0, buf.length - 13));
    else if (this.resync.bytes > SYNC_WINDOW)
      failed = this.resync.discard(buf, this.resync.bytes - SYNC_WINDOW / 2);
    if (failed) this.env.syncFailed(this.meta);
  }

  gap(missing: number, meta: StreamMeta): void {
    this.meta = meta;
    if (this.state === STOPPED) return;
    if (this.state === SYNCING) this.resync.clear();
    else if (this.parser.skip(missing)) {
      // Still in step: only the message that lost bytes is gone.
      this.frameLeft -= missing;
      this.role = IGNORE;
      this.lost();
    } else {
      this.inFrame = false;
      this.lost();
      this.state = SYNCING;
    }
    this.settle();
  }

  end(meta: StreamMeta): void {
    this.meta = meta;
    if (this.state === SYNCING && this.resync.bytes > 0) this.trySync(true);
    if (this.message.active || this.inFrame) {
      this.env.problem('INCOMPLETE_MESSAGE', 'the stream ended in the middle of a message', meta);
    }
    this.message.drop();
    this.inFrame = false;
    this.resync.clear();
    this.inflater?.close();
    this.settle();
  }

  shed(): boolean {
    if (!this.message.active) return false;
    this.message.drop();
    this.role = IGNORE;
    this.orphanContinuations = true;
    // The sender's compression window went on through the dropped message.
    this.inflater?.forgetWindow();
    this.settle();
    return true;
  }

  release(): void {
    this.message.drop();
    this.inFrame = false;
    this.resync.clear();
    this.inflater?.close();
    this.account.clear();
  }

  /** Brings the budget charge up to date: unfinished message, resync buffer, inflate state. */
  private settle(): void {
    this.account.set(
      (this.message.active ? this.message.bytes.capacity : 0) +
        this.resync.bytes +
        (this.inflater?.liveBytes ?? 0),
    );
  }

  private lost(): void {
    if (this.message.active) {
      this.env.problem(
        'GAP_IN_MESSAGE',
        'bytes of this message were not captured; message dropped',
        this.meta,
      );
      this.message.drop();
    }
    this.orphanContinuations = true;
    this.inflater?.forgetWindow();
  }

  // ---- frames, from the parser ----

  onFatal(code: WireProblemCode, message: string): void {
    this.state = STOPPED;
    this.env.problem(code, `${message}; decoding of this direction stops`, this.meta);
    this.message.drop();
    this.inFrame = false;
  }

  onHeader(h: FrameHeader): void {
    this.inFrame = true;
    this.role = IGNORE;
    this.frameLeft = h.length;
    this.payloads.reset();
    this.checkHeader(h);
    const op = h.opcode;
    if (!isDefinedOpcode(op)) {
      this.problem('RESERVED_OPCODE', `reserved opcode ${op}; frame skipped`);
      return;
    }
    if (isControlOpcode(op)) this.beginControl(h);
    else if (op === 0) this.beginContinuation(h);
    else this.beginMessage(h, op as 1 | 2);
  }

  /** Problems any frame may have, each reported once per direction. */
  private checkHeader(h: FrameHeader): void {
    if (this.expectMasked !== undefined && h.masked !== this.expectMasked) {
      if (this.expectMasked) this.problemOnce('WS_CLIENT_FRAME_UNMASKED', 'client frame not masked');
      else this.problemOnce('WS_SERVER_FRAME_MASKED', 'server frame masked');
    }
    if (h.rsv2 || h.rsv3) {
      this.problemOnce('WS_RSV2_RSV3_SET', 'RSV2/RSV3 set without an extension that defines them');
    }
  }

  private beginControl(h: FrameHeader): void {
    if (!h.fin) this.problem('WS_CONTROL_FRAGMENTED', 'control frame fragmented');
    if (h.length > MAX_CONTROL_PAYLOAD)
      this.problem('WS_CONTROL_TOO_LONG', 'control frame longer than 125 bytes');
    if (h.rsv1) this.problem('WS_RSV1_ON_CONTROL', 'RSV1 set on a control frame');
    this.role = CONTROL;
  }

  private beginContinuation(h: FrameHeader): void {
    if (h.rsv1) this.problem('WS_RSV1_ON_CONTINUATION', 'RSV1 set on a continuation frame');
    if (!this.message.active) {
      if (!this.orphanContinuations) {
        this.problem('WS_ORPHAN_CONTINUATION', 'continuation frame without a message to continue');
      }
      if (h.fin) this.orphanContinuations = false;
      return;
    }
    this.message.fragments++;
    this.role = DATA;
  }

  private beginMessage(h: FrameHeader, opcode: 1 | 2): void {
    this.orphanContinuations = false;
    if (this.message.active) {
      this.problem(
        'WS_MESSAGE_INTERRUPTED',
        'new message began before the previous one finished; previous dropped',
      );
    }
    this.message.begin(opcode, h.rsv1 && this.compressionFor(), h.masked);
    this.message.fragments++;
    this.role = DATA;
  }

  /** Whether RSV1 on a message's first frame means compressed, given what we know of the extension. */
  private compressionFor(): boolean {
    if (this.deflate.kind === 'negotiated') return true;
    if (this.deflate.kind === 'none') {
      this.problem('WS_RSV1_WITHOUT_DEFLATE', 'RSV1 set but permessage-deflate was not negotiated');
      return false;
    }
    if (!this.inflater) {
      this.inflater = this.newInflater(15, false);
      this.inferred = true;
      this.env.deflateInferred(this.meta);
    }
    return true;
  }

  private newInflater(windowBits: number, noContextTakeover: boolean): Inflater {
    return createInflater({
      windowBits,
      noContextTakeover,
      maxOutputBytes: this.maxInflatedBytes,
      maxRatio: this.env.options.maxInflateRatio,
    });
  }

  onPayload(scratchOrView: Buffer, wire: Buffer | undefined, h: FrameHeader, last: boolean): void {
    if (!this.inFrame) return;
    const role = this.role;
    const expected = this.frameLeft;
    this.frameLeft -= scratchOrView.length;
    // A masked frame's bytes are the parser's scratch memory: kept as they are only when they
    // are used up at this frame's end (the last slice of a control frame, or of the final
    // frame of a message); copied when they must wait for more (a message's bytes are copied
    // by the message itself, into the room it makes for the rest of the frame).
    const usedNow = last && (role !== DATA || h.fin);
    const copied = h.masked && !usedNow && (role === CONTROL || this.framePayloads);
    const chunk = copied ? Buffer.from(scratchOrView) : scratchOrView;
    if (this.framePayloads) this.payloads.keepWire(wire ?? scratchOrView);
    if (role === CONTROL || (this.framePayloads && role !== DATA)) {
      this.payloads.keep(chunk);
      return;
    }
    if (role !== DATA || !this.message.active) return;
    if (this.framePayloads) this.payloads.keep(chunk);
    // An unmasked chunk is a view into the packet: a message kept past this packet copies it
    // (MessageBytes does), or it would pin the whole capture chunk it came from.
    this.addToMessage(chunk, copied || usedNow, expected);
  }

  /** A masked slice of a message that must wait for more: unmasked straight into the message's
   * memory (not into scratch, then copied). Declined (false) for all else, left to onPayload. */
  takeMasked(
    src: Buffer,
    start: number,
    end: number,
    h: FrameHeader,
    offset: number,
    last: boolean,
  ): boolean {
    const n = end - start;
    const m = this.message;
    if (!this.inFrame || this.role !== DATA || !m.active || this.framePayloads || (last && h.fin))
      return false;
    const keptSoFar = m.bytes.length;
    if (keptSoFar + n > this.maxMessageBytes) return false;
    const expected = this.frameLeft;
    this.frameLeft -= n;
    m.total += n;
    m.bytes.pushUnmasked(
      src,
      start,
      end,
      h.maskKey,
      offset,
      Math.min(expected, this.maxMessageBytes - keptSoFar),
    );
    return true;
  }

  /** `expected`: the bytes of this frame still to come, `chunk` included. */
  private addToMessage(chunk: Buffer, stable: boolean, expected: number): void {
    const m = this.message;
    m.total += chunk.length;
    const keptSoFar = m.bytes.length;
    if (keptSoFar + chunk.length <= this.maxMessageBytes) {
      m.bytes.push(chunk, stable, Math.min(expected, this.maxMessageBytes - keptSoFar));
      return;
    }
    if (!m.tooLarge)
      this.problem('MESSAGE_TOO_LARGE', `message larger than ${this.maxMessageBytes} bytes; truncated`);
    m.tooLarge = true;
    m.truncated = true;
    const room = this.maxMessageBytes - keptSoFar;
    if (room > 0) m.bytes.push(chunk.subarray(0, room), stable);
  }

  onFrameEnd(h: FrameHeader): void {
    const inFrame = this.inFrame;
    this.inFrame = false;
    const env = this.env;
    const from = env.from();
    if (this.wantFrames) {
      const event = frameEvent(env, this.meta, h, from);
      if (inFrame && this.framePayloads) this.payloads.attach(event);
      env.emit(event);
    }
    if (!inFrame) return;
    if (this.role === CONTROL) emitControl(env, this.meta, h, this.payloads.take(), from);
    else if (this.role === DATA && this.message.active && h.fin) {
      emitMessage(env, this.meta, this.message, this.inflater, this.inferred, from);
      this.message.drop();
    }
    this.payloads.reset();
  }

  private problem(code: WireProblemCode, message: string): void {
    this.env.problem(code, message, this.meta);
  }

  private problemOnce(code: WireProblemCode, message: string): void {
    if (this.reported.has(code)) return;
    this.reported.add(code);
    this.problem(code, message);
  }
}

export function createDirectionDecoder(
  env: DirectionEnv,
  deflate: DeflateSetting,
  startInSync: boolean,
): DirectionDecoder {
  return new WsDirectionDecoder(env, deflate, startInSync);
}
