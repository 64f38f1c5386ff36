// The application layer of one TCP connection: HTTP/1.1 until a WebSocket upgrade, then
// WebSocket frames and messages each way. A connection picked up mid-stream is decoded by
// finding frame boundaries; one that is neither HTTP nor WebSocket is dropped after a single
// NOT_WEBSOCKET problem, and costs nothing after that.
import { formatEndpoint, type EventBase, type Side, type WireEvent } from '../events.js';
import type { ConnectionInfo, ConnectionSink, EmitEvent, StreamMeta } from '../stream.js';
import { createHttpExchange, type HttpExchange } from '../http/http-exchange.js';
import { sniffHttp } from '../http/http-stream-parser.js';
import type { HandshakeFacts } from '../http/websocket-handshake.js';
import { BudgetAccount, type MemoryBudget } from '../budget/memory-budget.js';
import {
  createDirectionDecoder,
  type DeflateSetting,
  type DirectionDecoder,
  type DirectionEnv,
  type ResolvedWsOptions,
} from './direction-decoder.js';

export interface WebSocketDecoderOptions {
  /** Largest reassembled/inflated message kept (default 64 MiB); beyond: problem, message truncated. */
  maxMessageBytes?: number;
  /** Inflate-bomb guard: output may exceed the compressed size by this factor beyond 1 MiB (default 200). */
  maxInflateRatio?: number;
  /** Attach payload/wirePayload Buffers to ws.frame (tcpdump/html views); default false. */
  includeFramePayloads?: boolean;
  /** The run's memory budget (WebSocket state, unfinished messages and inflaters are charged). */
  budget?: MemoryBudget;
}

/**
 * What a connection's WebSocket state costs beyond the flow (charged once it speaks WebSocket):
 * the HTTP exchange it came from, two direction decoders with their frame parsers, closures and
 * problem sets, the chat context's entry. Measured with `node --expose-gc
 * dist/bench/hostile-captures/measure-state.js` (see flow-costs.ts): 25.3 KB per connection
 * left mid-frame, of which 6.7 KB are the flow's and 2 KB its unfinished messages (charged on
 * top as they grow, like inflaters).
 */
export const WS_CONNECTION_COST = 16 * 1024;

const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');
/** Bytes looked at before deciding whether a stream starts with HTTP. */
const SNIFF_BYTES = 24;

export function createWebSocketConnectionDecoder(
  info: ConnectionInfo,
  emit: EmitEvent,
  options: WebSocketDecoderOptions = {},
): ConnectionSink {
  const resolved: ResolvedWsOptions = {
    maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
    maxInflateRatio: options.maxInflateRatio ?? 200,
    includeFramePayloads: options.includeFramePayloads ?? false,
    budget: options.budget,
  };
  const account = new BudgetAccount(options.budget);
  const endpoint: Record<Side, string> = {
    client: formatEndpoint(info.client),
    server: formatEndpoint(info.server),
  };
  let mode: 'detect' | 'http' | 'ws' | 'dead' = 'detect';
  /** The flow table's labels are reversed (decided once, from HTTP or masks). */
  let swapped = false;
  let sidesDecided = info.handshakeSeen;
  let anySynced = false;
  let inferredReported = false;
  const sniffed: Record<Side, Buffer[]> = { client: [], server: [] };
  let http: HttpExchange | undefined;
  const ws: Partial<Record<Side, DirectionDecoder>> = {};

  const real = (label: Side): Side => (swapped ? other(label) : label);
  const labelOf = (side: Side): Side => (swapped ? other(side) : side);

  /** Fields for an event about bytes sent by the side labelled `label`. */
  function base(label: Side, meta: StreamMeta): EventBase & { from: Side } {
    return {
      ts: meta.ts,
      src: endpoint[label],
      dst: endpoint[other(label)],
      conn: info.conn,
      packet: meta.packet,
      from: real(label),
    };
  }

  function problem(
    label: Side,
    code: string,
    message: string,
    severity: 'warning' | 'error',
    meta: StreamMeta,
  ): void {
    emit({
      event: 'decode.problem',
      ts: meta.ts,
      src: endpoint[label],
      dst: endpoint[other(label)],
      conn: info.conn,
      packet: meta.packet,
      code,
      message,
      severity,
    });
  }

  function notWebSocket(label: Side, meta: StreamMeta, why: string): void {
    mode = 'dead';
    sniffed.client = sniffed.server = [];
    http = undefined;
    ws.client?.release();
    ws.server?.release();
    ws.client = ws.server = undefined;
    account.clear();
    problem(
      label,
      'NOT_WEBSOCKET',
      `neither HTTP nor WebSocket (${why}); connection not decoded`,
      'warning',
      meta,
    );
  }

  function directionEnv(label: Side): DirectionEnv {
    return {
      options: resolved,
      src: endpoint[label],
      dst: endpoint[other(label)],
      conn: info.conn,
      from: () => real(label),
      emit: (event: WireEvent) => emit(event),
      problem: (code, message, severity, meta) => problem(label, code, message, severity, meta),
      synced(masked, meta) {
        anySynced = true;
        if (sidesDecided) return;
        sidesDecided = true;
        // Masked frames come from the client (RFC 6455 §5.3).
        if (masked !== (real(label) === 'client')) {
          swapped = !swapped;
          problem(
            label,
            'SIDES_SWAPPED',
            `masked frames come from ${endpoint[labelOf('client')]}: it is the client`,
            'warning',
            meta,
          );
        }
        const clientDecoder = ws[labelOf('client')];
        const serverDecoder = ws[labelOf('server')];
        if (clientDecoder) clientDecoder.expectMasked = true;
        if (serverDecoder) serverDecoder.expectMasked = false;
      },
      deflateInferred(meta) {
        if (inferredReported) return;
        inferredReported = true;
        problem(
          label,
          'DEFLATE_INFERRED',
          'RSV1 set on a message: permessage-deflate assumed (handshake not captured)',
          'warning',
          meta,
        );
      },
      syncFailed(meta) {
        if (!anySynced) notWebSocket(label, meta, 'no WebSocket frame boundary found');
        else
          problem(label, 'BAD_FRAME', 'no frame boundary found in a long stretch of bytes', 'warning', meta);
      },
    };
  }

  /** Switches to WebSocket; `inSync` says, per real side, whether its next byte starts a frame. */
  function startWebSocket(facts: HandshakeFacts | undefined, inSync: Record<Side, boolean>): void {
    mode = 'ws';
    account.set(WS_CONNECTION_COST);
    ws.client?.release();
    ws.server?.release();
    for (const side of ['client', 'server'] as const) {
      let setting: DeflateSetting = { kind: 'unknown' };
      if (facts?.deflate) {
        const d = facts.deflate;
        setting =
          side === 'client'
            ? {
                kind: 'negotiated',
                windowBits: d.clientMaxWindowBits,
                noContextTakeover: d.clientNoContextTakeover,
              }
            : {
                kind: 'negotiated',
                windowBits: d.serverMaxWindowBits,
                noContextTakeover: d.serverNoContextTakeover,
              };
      } else if (facts) setting = { kind: 'none' };
      const decoder = createDirectionDecoder(directionEnv(labelOf(side)), setting, inSync[side]);
      if (sidesDecided) decoder.expectMasked = side === 'client';
      ws[labelOf(side)] = decoder;
    }
  }

  function startHttp(): void {
    mode = 'http';
    http = createHttpExchange({
      base: (side, meta) => base(labelOf(side), meta),
      emit,
      problem: (side, code, message, severity, meta) => problem(labelOf(side), code, message, severity, meta),
      switched(facts, clientRest, serverRest, meta) {
        sidesDecided = true;
        startWebSocket(facts, { client: true, server: facts !== undefined });
        if (clientRest.length) ws[labelOf('client')]?.data(clientRest, meta);
        if (serverRest.length) ws[labelOf('server')]?.data(serverRest, meta);
      },
    });
  }

  /** First bytes of a direction: HTTP, WebSocket picked up mid-stream, or something else. */
  function detect(label: Side, bytes: Buffer, meta: StreamMeta, force = false): void {
    // A copy (a few bytes): a view would keep the whole capture chunk alive while waiting.
    sniffed[label].push(Buffer.from(bytes));
    const head = Buffer.concat(sniffed[label]);
    const asExpected = sniffHttp(real(label) === 'client' ? 'request' : 'response', head);
    const asOther = info.handshakeSeen
      ? 'no'
      : sniffHttp(real(label) === 'client' ? 'response' : 'request', head);
    if ((asExpected === 'maybe' || asOther === 'maybe') && head.length < SNIFF_BYTES && !force) return;
    sniffed.client = sniffed.server = [];
    if (asExpected === 'yes' || asOther === 'yes') {
      if (asExpected !== 'yes') {
        swapped = !swapped;
        problem(
          label,
          'SIDES_SWAPPED',
          `${endpoint[label]} sends HTTP ${real(label) === 'client' ? 'requests' : 'responses'}`,
          'warning',
          meta,
        );
      }
      sidesDecided = true;
      startHttp();
      http?.data(real(label), head, meta);
      return;
    }
    if (info.handshakeSeen) {
      notWebSocket(label, meta, 'the first bytes are not an HTTP request');
      return;
    }
    // The capture began after the handshake: find frame boundaries on both sides.
    startWebSocket(undefined, { client: false, server: false });
    ws[label]?.data(head, meta);
  }

  return {
    data(label, bytes, meta) {
      if (mode === 'dead' || bytes.length === 0) return;
      if (mode === 'ws') ws[label]?.data(bytes, meta);
      else if (mode === 'http') http?.data(real(label), bytes, meta);
      else detect(label, bytes, meta);
    },
    gap(label, missing, meta) {
      if (mode === 'ws') ws[label]?.gap(missing, meta);
      else if (mode === 'http') http?.gap(real(label), meta);
      else if (mode === 'detect') {
        // Whatever began this direction is lost: treat what follows as picked up mid-stream.
        sniffed[label] = [];
        if (!info.handshakeSeen) startWebSocket(undefined, { client: false, server: false });
      }
    },
    end(label, meta) {
      // Too few bytes to be sure: decide on what there is.
      if (mode === 'detect' && sniffed[label].length) detect(label, Buffer.alloc(0), meta, true);
      if (mode === 'ws') ws[label]?.end(meta);
    },
    shed() {
      const client = ws.client?.shed() ?? false;
      const server = ws.server?.shed() ?? false;
      return client || server ? 'FRAGMENTS_DROPPED' : undefined;
    },
    get isWebSocket() {
      return mode === 'ws';
    },
    release() {
      ws.client?.release();
      ws.server?.release();
      account.clear();
    },
  };
}
