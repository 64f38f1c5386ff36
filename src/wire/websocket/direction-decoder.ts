// One direction of a WebSocket connection: frames (via the frame parser), then messages
// (fragments joined, inflated, validated), control frames, gaps and resynchronisation.
import type { WsFrameEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { DeflateSetting, DirectionDecoder, DirectionEnv } from './direction-env.js';
import { createFrameParser, maskHex, type FrameHeader, type FrameParser } from './frame-parser.js';
import { findFrameBoundary } from './frame-sync.js';
import { createInflater, type Inflater } from './inflater.js';
import { MessageBytes } from './message-bytes.js';
import { emitControl, emitMessage, type PartialMessage } from './message-events.js';
import { BudgetAccount, INFLATE_SHARE } from '../budget/memory-budget.js';

export type { DeflateSetting, DirectionDecoder, DirectionEnv, ResolvedWsOptions } from './direction-env.js';

interface FrameState {
  role: 'data' | 'control' | 'ignore';
  chunks: Buffer[];
  kept: number;
  wirePreview: Buffer[];
  wireKept: number;
}

const WIRE_PREVIEW_BYTES = 256;
const SYNC_WINDOW = 256 * 1024;
const SYNC_GIVE_UP = 1024 * 1024;

export function createDirectionDecoder(
  env: DirectionEnv,
  deflate: DeflateSetting,
  startInSync: boolean,
): DirectionDecoder {
  const { maxMessageBytes, maxInflateRatio, includeFramePayloads, budget } = env.options;
  // An inflated message may take a share of the budget at most (it outlives the decoder's
  // hands as text and JSON until the next collection).
  const maxInflatedBytes =
    budget !== undefined
      ? Math.min(maxMessageBytes, Math.floor(budget.limit / INFLATE_SHARE))
      : maxMessageBytes;
  const account = new BudgetAccount(budget);
  let meta: StreamMeta = { ts: 0, packet: 0 };
  let parser: FrameParser = newParser();
  let syncing = !startInSync;
  let syncBuf: Buffer[] = [];
  let syncBytes = 0;
  let syncDiscarded = 0;
  let partial: PartialMessage | undefined;
  /** After a loss: continuation frames of a message whose start we lost are dropped quietly. */
  let orphanContinuations = !startInSync;
  let frame: FrameState | undefined;
  const frameState: FrameState = { role: 'ignore', chunks: [], kept: 0, wirePreview: [], wireKept: 0 };
  let inflater: Inflater | undefined =
    deflate.kind === 'negotiated'
      ? createInflater({
          windowBits: deflate.windowBits,
          noContextTakeover: deflate.noContextTakeover,
          maxOutputBytes: maxInflatedBytes,
          maxRatio: maxInflateRatio,
        })
      : undefined;
  /** Compression was assumed from RSV1 because the handshake was not captured. */
  let inferred = false;
  const { src, dst, conn } = env;
  const reported = new Set<string>();
  const self: DirectionDecoder = { data, gap, end, shed, release, expectMasked: undefined };

  function problemOnce(code: string, message: string): void {
    if (reported.has(code + message)) return;
    reported.add(code + message);
    env.problem(code, message, 'warning', meta);
  }

  function newParser(): FrameParser {
    return createFrameParser({ onHeader, onPayload, onFrameEnd, onFatal });
  }

  function onFatal(code: string, message: string): void {
    env.problem(code, `${message}; decoding of this direction stops`, 'error', meta);
    partial = undefined;
    frame = undefined;
  }

  function onHeader(h: FrameHeader): void {
    // One state object per direction, reset for every frame (frames never overlap).
    frame = frameState;
    frame.role = 'ignore';
    if (frame.chunks.length !== 0) frame.chunks = [];
    frame.kept = 0;
    if (frame.wirePreview.length !== 0) frame.wirePreview = [];
    frame.wireKept = 0;
    if (self.expectMasked !== undefined && h.masked !== self.expectMasked) {
      problemOnce('BAD_FRAME', self.expectMasked ? 'client frame not masked' : 'server frame masked');
    }
    if (h.rsv2 || h.rsv3) problemOnce('BAD_FRAME', 'RSV2/RSV3 set without an extension that defines them');
    const op = h.opcode;
    if ((op > 2 && op < 8) || op > 10) {
      env.problem('RESERVED_OPCODE', `reserved opcode ${op}; frame skipped`, 'warning', meta);
      return;
    }
    if (op >= 8) {
      if (!h.fin || h.length > 125)
        env.problem('BAD_FRAME', 'control frame fragmented or longer than 125 bytes', 'warning', meta);
      if (h.rsv1) env.problem('BAD_FRAME', 'RSV1 set on a control frame', 'warning', meta);
      frame.role = 'control';
      return;
    }
    if (op === 0) {
      if (h.rsv1) env.problem('BAD_FRAME', 'RSV1 set on a continuation frame', 'warning', meta);
      if (!partial) {
        if (!orphanContinuations)
          env.problem('BAD_FRAME', 'continuation frame without a message to continue', 'warning', meta);
        if (h.fin) orphanContinuations = false;
        return;
      }
    } else {
      orphanContinuations = false;
      if (partial) {
        env.problem(
          'BAD_FRAME',
          'new message began before the previous one finished; previous dropped',
          'warning',
          meta,
        );
      }
      partial = {
        opcode: op as 1 | 2,
        compressed: h.rsv1 && compressionFor(h),
        bytes: new MessageBytes(),
        total: 0,
        fragments: 0,
        masked: h.masked,
        tooLarge: false,
      };
    }
    partial = partial as PartialMessage;
    partial.fragments++;
    frame.role = 'data';
  }

  /** Whether RSV1 on this first frame means compressed, given what we know of the extension. */
  function compressionFor(_h: FrameHeader): boolean {
    if (deflate.kind === 'negotiated') return true;
    if (deflate.kind === 'none') {
      env.problem('BAD_FRAME', 'RSV1 set but permessage-deflate was not negotiated', 'warning', meta);
      return false;
    }
    if (!inflater) {
      inflater = createInflater({
        windowBits: 15,
        noContextTakeover: false,
        maxOutputBytes: maxInflatedBytes,
        maxRatio: maxInflateRatio,
      });
      inferred = true;
      env.deflateInferred(meta);
    }
    return true;
  }

  function onPayload(scratchOrView: Buffer, wire: Buffer, h: FrameHeader, last: boolean): void {
    if (!frame) return;
    // A masked frame's bytes are the parser's scratch memory: kept as they are only when they
    // are used up at this frame's end (the last slice of a control frame, or of the final
    // frame of a message); copied when they must wait for more.
    const kept = frame.role !== 'ignore' || includeFramePayloads;
    const usedNow = last && (frame.role !== 'data' || h.fin);
    const copied = h.masked && kept && !usedNow;
    const chunk = copied ? Buffer.from(scratchOrView) : scratchOrView;
    // An unmasked chunk is a view into the packet: a message kept past this packet copies it
    // (MessageBytes does), or it would pin the whole capture chunk it came from.
    const stable = copied || usedNow;
    if (includeFramePayloads) {
      if (frame.wireKept < WIRE_PREVIEW_BYTES) {
        const take = wire.subarray(0, WIRE_PREVIEW_BYTES - frame.wireKept);
        frame.wirePreview.push(take);
        frame.wireKept += take.length;
      }
    }
    if (frame.role === 'control' || (includeFramePayloads && frame.role !== 'data')) {
      keep(frame, chunk);
      return;
    }
    if (frame.role !== 'data' || !partial) return;
    if (includeFramePayloads) keep(frame, chunk);
    partial.total += chunk.length;
    const keptSoFar = partial.bytes.length;
    if (keptSoFar + chunk.length > maxMessageBytes) {
      if (!partial.tooLarge) {
        env.problem(
          'MESSAGE_TOO_LARGE',
          `message larger than ${maxMessageBytes} bytes; truncated`,
          'warning',
          meta,
        );
      }
      partial.tooLarge = true;
      const room = maxMessageBytes - keptSoFar;
      if (room > 0) partial.bytes.push(chunk.subarray(0, room), stable);
      return;
    }
    partial.bytes.push(chunk, stable);
  }

  function keep(f: FrameState, chunk: Buffer): void {
    const room = Math.min(maxMessageBytes, 64 * 1024 * 1024) - f.kept;
    if (room <= 0) return;
    const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
    f.chunks.push(take);
    f.kept += take.length;
  }

  function onFrameEnd(h: FrameHeader): void {
    const f = frame;
    frame = undefined;
    const from = env.from();
    // Events are written out field by field (no object spread): one hidden class per event
    // type, and far cheaper to build on the per-frame path.
    const event: WsFrameEvent = {
      event: 'ws.frame',
      ts: meta.ts,
      src,
      dst,
      conn,
      packet: meta.packet,
      from,
      fin: h.fin,
      rsv1: h.rsv1,
      rsv2: h.rsv2,
      rsv3: h.rsv3,
      opcode: h.opcode,
      masked: h.masked,
      mask: h.masked ? maskHex(h.maskKey) : undefined,
      length: h.length,
      headerLength: h.headerLength,
      payload: undefined,
      wirePayload: undefined,
    };
    let controlPayload: Buffer | undefined;
    if (f) {
      if (includeFramePayloads) {
        event.payload = Buffer.concat(f.chunks);
        event.wirePayload = Buffer.concat(f.wirePreview);
      }
      if (f.role === 'control') controlPayload = Buffer.concat(f.chunks);
      // The shared state lets go of this frame's bytes now (new arrays: truncating one in place
      // is a slow path in V8, and most frames never filled them).
      if (f.chunks.length !== 0) f.chunks = [];
      if (f.wirePreview.length !== 0) f.wirePreview = [];
    }
    env.emit(event);
    if (!f) return;
    if (controlPayload !== undefined) emitControl(env, meta, h, controlPayload, from);
    else if (f.role === 'data' && partial && h.fin) {
      const m = partial;
      partial = undefined;
      emitMessage(env, meta, m, inflater, inferred, from);
    }
  }

  function lost(): void {
    if (partial) {
      env.problem(
        'GAP_IN_MESSAGE',
        'bytes of this message were not captured; message dropped',
        'warning',
        meta,
      );
      partial = undefined;
    }
    orphanContinuations = true;
    inflater?.forgetWindow();
  }

  function data(bytes: Buffer, m: StreamMeta): void {
    meta = m;
    if (parser.stopped || bytes.length === 0) return;
    if (!syncing) parser.push(bytes);
    else {
      // Copied: bytes kept while looking for a frame boundary must not pin their capture chunk.
      syncBuf.push(Buffer.from(bytes));
      syncBytes += bytes.length;
      trySync(false);
    }
    if (budget !== undefined) settle();
  }

  /** Brings the budget charge up to date: unfinished message, resync buffer, inflate state. */
  function settle(): void {
    account.set((partial?.bytes.capacity ?? 0) + syncBytes + (inflater?.liveBytes ?? 0));
  }

  function shed(): boolean {
    if (!partial) return false;
    partial = undefined;
    if (frame) frame.role = 'ignore';
    orphanContinuations = true;
    // The sender's compression window went on through the dropped message.
    inflater?.forgetWindow();
    settle();
    return true;
  }

  function release(): void {
    partial = undefined;
    frame = undefined;
    syncBuf = [];
    syncBytes = 0;
    inflater?.close();
    account.clear();
  }

  function trySync(final: boolean): void {
    const buf = syncBuf.length === 1 ? syncBuf[0] : Buffer.concat(syncBuf, syncBytes);
    syncBuf = [buf];
    const found = findFrameBoundary(buf, { allowRsv1: deflate.kind !== 'none', final });
    if (found !== undefined && found !== 'wait') {
      syncing = false;
      syncBuf = [];
      syncBytes = 0;
      syncDiscarded = 0;
      env.synced(found.masked, meta);
      parser = newParser();
      parser.push(buf.subarray(found.offset));
      return;
    }
    if (found === undefined && !final) {
      // No offset can begin a chain: only the last 13 bytes could still start a header.
      const keepFrom = Math.max(0, buf.length - 13);
      discard(buf, keepFrom);
    } else if (syncBytes > SYNC_WINDOW) discard(buf, syncBytes - SYNC_WINDOW / 2);
  }

  function discard(buf: Buffer, from: number): void {
    syncDiscarded += from;
    syncBuf = [Buffer.from(buf.subarray(from))];
    syncBytes = buf.length - from;
    if (syncDiscarded > SYNC_GIVE_UP) {
      syncDiscarded = Number.NEGATIVE_INFINITY; // report once
      env.syncFailed(meta);
    }
  }

  function gap(missing: number, m: StreamMeta): void {
    meta = m;
    if (parser.stopped) return;
    if (syncing) {
      syncBuf = [];
      syncBytes = 0;
      settle();
      return;
    }
    if (parser.skip(missing)) {
      // Still in step: only the message that lost bytes is gone.
      if (frame) frame.role = 'ignore';
      lost();
      settle();
      return;
    }
    frame = undefined;
    lost();
    syncing = true;
    settle();
  }

  function end(m: StreamMeta): void {
    meta = m;
    if (syncing && syncBytes > 0 && !parser.stopped) trySync(true);
    if (partial || frame) {
      env.problem('INCOMPLETE_MESSAGE', 'the stream ended in the middle of a message', 'warning', meta);
    }
    partial = undefined;
    frame = undefined;
    syncBuf = [];
    syncBytes = 0;
    inflater?.close();
    settle();
  }

  return self;
}
