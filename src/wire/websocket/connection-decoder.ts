// The application layer of one TCP connection: HTTP/1.1 until a WebSocket upgrade, then
// WebSocket frames and messages each way. A connection picked up mid-stream is decoded by
// finding frame boundaries; one that is neither HTTP nor WebSocket is dropped after a single
// NOT_WEBSOCKET problem, and costs nothing after that.
//
// A state object with one method per state: DETECT (the first bytes decide), HTTP (an HTTP
// exchange until the switch), WS (two direction decoders) and DEAD (not decoded).
import { formatEndpoint, type EventBase, type Side, type WireEvent } from '../events.js';
import type { ConnectionInfo, ConnectionSink, EmitEvent, StreamMeta } from '../stream.js';
import { WIRE_PROBLEMS, type WireProblemCode } from '../problem-codes.js';
import { createHttpExchange, type HttpExchange, type HttpExchangeEnv } from '../http/http-exchange.js';
import { sniffHttp } from '../http/http-stream-parser.js';
import type { HandshakeFacts } from '../http/websocket-handshake.js';
import { BudgetAccount, type MemoryBudget } from '../budget/memory-budget.js';
import {
  createDirectionDecoder,
  type DirectionDecoder,
  type ResolvedWsOptions,
} from './direction-decoder.js';
import { deflateSettingFor, DirectionLink, type ConnectionSides } from './direction-link.js';

export interface WebSocketDecoderOptions {
  /** Largest reassembled/inflated message kept (default 64 MiB); beyond: problem, message truncated. */
  maxMessageBytes?: number;
  /** Inflate-bomb guard: output may exceed the compressed size by this factor beyond 1 MiB (default 200). */
  maxInflateRatio?: number;
  /** Attach payload/wirePayload Buffers to ws.frame (tcpdump/html views); default false. */
  includeFramePayloads?: boolean;
  /**
   * Build ws.frame events (default true). false when nobody reads them (`--events ws.message`):
   * frames are still decoded and checked, and their problems reported.
   */
  wantFrames?: boolean;
  /** The run's memory budget (WebSocket state, unfinished messages and inflaters are charged). */
  budget?: MemoryBudget;
}

/**
 * What a connection's WebSocket state costs beyond the flow (charged once it speaks WebSocket):
 * the HTTP exchange it came from, two direction decoders with their frame parsers and reused
 * per-frame and per-message state, problem sets, the chat context's entry. Measured with `node
 * --expose-gc dist/bench/hostile-captures/measure-state.js 5000` (see flow-costs.ts): 18.0 KB per
 * connection left mid-frame, the flow's share included (27.4 KB before the decoders were state
 * objects); unfinished messages and inflaters are charged on top as they grow. The charge is
 * kept where it was: generous, so no budget evicts later than before.
 */
export const WS_CONNECTION_COST = 16 * 1024;

const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');
/** Bytes looked at before deciding whether a stream starts with HTTP. */
const SNIFF_BYTES = 24;

const DETECT = 0;
const HTTP = 1;
const WS = 2;
const DEAD = 3;
type ConnectionState = typeof DETECT | typeof HTTP | typeof WS | typeof DEAD;

export class WebSocketConnectionDecoder implements ConnectionSink, ConnectionSides, HttpExchangeEnv {
  private state: ConnectionState = DETECT;
  readonly options: ResolvedWsOptions;
  private readonly account: BudgetAccount;
  readonly endpoint: Record<Side, string>;
  /** The flow table's labels are reversed (decided once, from HTTP or masks). */
  private swapped = false;
  private sidesDecided: boolean;
  private anySynced = false;
  private inferredReported = false;
  private sniffed: Record<Side, Buffer[]> = { client: [], server: [] };
  private http: HttpExchange | undefined;
  private readonly ws: Partial<Record<Side, DirectionDecoder>> = {};

  constructor(
    readonly info: ConnectionInfo,
    private readonly out: EmitEvent,
    options: WebSocketDecoderOptions = {},
  ) {
    this.options = {
      maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
      maxInflateRatio: options.maxInflateRatio ?? 200,
      includeFramePayloads: options.includeFramePayloads ?? false,
      wantFrames: options.wantFrames ?? true,
      budget: options.budget,
    };
    this.account = new BudgetAccount(options.budget);
    this.endpoint = { client: formatEndpoint(info.client), server: formatEndpoint(info.server) };
    this.sidesDecided = info.handshakeSeen;
  }

  /** The real side of the side the flow table labels `label`. */
  real(label: Side): Side {
    return this.swapped ? other(label) : label;
  }

  labelOf(side: Side): Side {
    return this.swapped ? other(side) : side;
  }

  // ---- ConnectionSink, by state ----

  data(label: Side, bytes: Buffer, meta: StreamMeta): void {
    if (bytes.length === 0) return;
    if (this.state === WS) this.ws[label]?.data(bytes, meta);
    else if (this.state === HTTP) this.http?.data(this.real(label), bytes, meta);
    else if (this.state === DETECT) this.detect(label, bytes, meta, false);
  }

  gap(label: Side, missing: number, meta: StreamMeta): void {
    if (this.state === WS) this.ws[label]?.gap(missing, meta);
    else if (this.state === HTTP) this.http?.gap(this.real(label), meta);
    else if (this.state === DETECT) {
      // Whatever began this direction is lost: treat what follows as picked up mid-stream.
      this.sniffed[label] = [];
      if (!this.info.handshakeSeen) this.startWebSocket(undefined, false, false);
    }
  }

  end(label: Side, meta: StreamMeta): void {
    // Too few bytes to be sure: decide on what there is.
    if (this.state === DETECT && this.sniffed[label].length) this.detect(label, Buffer.alloc(0), meta, true);
    if (this.state === WS) this.ws[label]?.end(meta);
  }

  shed(): 'FRAGMENTS_DROPPED' | undefined {
    const client = this.ws.client?.shed() ?? false;
    const server = this.ws.server?.shed() ?? false;
    return client || server ? 'FRAGMENTS_DROPPED' : undefined;
  }

  get isWebSocket(): boolean {
    return this.state === WS;
  }

  release(): void {
    this.ws.client?.release();
    this.ws.server?.release();
    this.account.clear();
  }

  // ---- DETECT ----

  /** First bytes of a direction: HTTP, WebSocket picked up mid-stream, or something else. */
  private detect(label: Side, bytes: Buffer, meta: StreamMeta, force: boolean): void {
    // A copy (a few bytes): a view would keep the whole capture chunk alive while waiting.
    this.sniffed[label].push(Buffer.from(bytes));
    const head = Buffer.concat(this.sniffed[label]);
    const asClient = this.real(label) === 'client';
    const asExpected = sniffHttp(asClient ? 'request' : 'response', head);
    const asOther = this.info.handshakeSeen ? 'no' : sniffHttp(asClient ? 'response' : 'request', head);
    if ((asExpected === 'maybe' || asOther === 'maybe') && head.length < SNIFF_BYTES && !force) return;
    this.sniffed = { client: [], server: [] };
    if (asExpected === 'yes' || asOther === 'yes') {
      if (asExpected !== 'yes') {
        this.swapped = !this.swapped;
        const what = this.real(label) === 'client' ? 'requests' : 'responses';
        this.report(label, 'SIDES_SWAPPED', `${this.endpoint[label]} sends HTTP ${what}`, meta);
      }
      this.sidesDecided = true;
      this.state = HTTP;
      this.http = createHttpExchange(this);
      this.http.data(this.real(label), head, meta);
      return;
    }
    if (this.info.handshakeSeen) {
      this.notWebSocket(label, meta, 'the first bytes are not an HTTP request');
      return;
    }
    // The capture began after the handshake: find frame boundaries on both sides.
    this.startWebSocket(undefined, false, false);
    this.ws[label]?.data(head, meta);
  }

  private notWebSocket(label: Side, meta: StreamMeta, why: string): void {
    this.state = DEAD;
    this.sniffed = { client: [], server: [] };
    this.http = undefined;
    this.ws.client?.release();
    this.ws.server?.release();
    this.ws.client = this.ws.server = undefined;
    this.account.clear();
    const message = `neither HTTP nor WebSocket (${why}); connection not decoded`;
    this.report(label, 'NOT_WEBSOCKET', message, meta);
  }

  // ---- HTTP: the exchange's environment ----

  /** ts/src/dst/conn/packet for bytes sent by the real side `side`. */
  base(side: Side, meta: StreamMeta): EventBase & { from: Side } {
    const label = this.labelOf(side);
    return {
      ts: meta.ts,
      src: this.endpoint[label],
      dst: this.endpoint[other(label)],
      conn: this.info.conn,
      packet: meta.packet,
      from: side,
    };
  }

  emit(event: WireEvent): void {
    this.out(event);
  }

  problem(side: Side, code: WireProblemCode, message: string, meta: StreamMeta): void {
    this.report(this.labelOf(side), code, message, meta);
  }

  switched(
    facts: HandshakeFacts | undefined,
    clientRest: Buffer,
    serverRest: Buffer,
    meta: StreamMeta,
  ): void {
    this.sidesDecided = true;
    this.startWebSocket(facts, true, facts !== undefined);
    if (clientRest.length) this.ws[this.labelOf('client')]?.data(clientRest, meta);
    if (serverRest.length) this.ws[this.labelOf('server')]?.data(serverRest, meta);
  }

  // ---- WS ----

  /** Switches to WebSocket; `clientInSync`/`serverInSync`: that side's next byte starts a frame. */
  private startWebSocket(
    facts: HandshakeFacts | undefined,
    clientInSync: boolean,
    serverInSync: boolean,
  ): void {
    this.state = WS;
    this.account.set(WS_CONNECTION_COST);
    this.ws.client?.release();
    this.ws.server?.release();
    for (const side of ['client', 'server'] as const) {
      const link = new DirectionLink(this, this.labelOf(side));
      const inSync = side === 'client' ? clientInSync : serverInSync;
      const decoder = createDirectionDecoder(link, deflateSettingFor(side, facts), inSync);
      if (this.sidesDecided) decoder.expectMasked = side === 'client';
      this.ws[this.labelOf(side)] = decoder;
    }
  }

  /** A direction found frame boundaries mid-stream; `masked` tells which side really sends there. */
  synced(label: Side, masked: boolean, meta: StreamMeta): void {
    this.anySynced = true;
    if (this.sidesDecided) return;
    this.sidesDecided = true;
    // Masked frames come from the client (RFC 6455 §5.3).
    if (masked !== (this.real(label) === 'client')) {
      this.swapped = !this.swapped;
      const client = this.endpoint[this.labelOf('client')];
      this.report(label, 'SIDES_SWAPPED', `masked frames come from ${client}: it is the client`, meta);
    }
    const clientDecoder = this.ws[this.labelOf('client')];
    const serverDecoder = this.ws[this.labelOf('server')];
    if (clientDecoder) clientDecoder.expectMasked = true;
    if (serverDecoder) serverDecoder.expectMasked = false;
  }

  deflateInferred(label: Side, meta: StreamMeta): void {
    if (this.inferredReported) return;
    this.inferredReported = true;
    const message = 'RSV1 set on a message: permessage-deflate assumed (handshake not captured)';
    this.report(label, 'DEFLATE_INFERRED', message, meta);
  }

  syncFailed(label: Side, meta: StreamMeta): void {
    if (!this.anySynced) this.notWebSocket(label, meta, 'no WebSocket frame boundary found');
    else {
      const message = 'no frame boundary found in a long stretch of bytes';
      this.report(label, 'WS_NO_FRAME_BOUNDARY', message, meta);
    }
  }

  /** A decode.problem about bytes sent by the side labelled `label`, with its code's severity. */
  report(label: Side, code: WireProblemCode, message: string, meta: StreamMeta): void {
    this.out({
      event: 'decode.problem',
      ts: meta.ts,
      src: this.endpoint[label],
      dst: this.endpoint[other(label)],
      conn: this.info.conn,
      packet: meta.packet,
      code,
      message,
      severity: WIRE_PROBLEMS[code].severity,
    });
  }
}

export function createWebSocketConnectionDecoder(
  info: ConnectionInfo,
  emit: EmitEvent,
  options: WebSocketDecoderOptions = {},
): ConnectionSink {
  return new WebSocketConnectionDecoder(info, emit, options);
}
