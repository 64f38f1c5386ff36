// The HTTP/1.1 part of one connection: requests from the client, responses from the server,
// matched in order (keep-alive), bodies skipped, until a 101 answer switches to WebSocket.
//
// A state object: EXCHANGING (requests and answers flow), AWAITING (an upgrade request was
// sent: the client's later bytes are held until the answer says whether they are WebSocket or
// HTTP again) and SWITCHED (done; the connection speaks WebSocket).
import type { EventBase, HttpRequestEvent, HttpResponseEvent, Side, WireEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { WireProblemCode } from '../problem-codes.js';
import {
  bodyPlanFor,
  HttpStreamParser,
  headerValue,
  type BodyPlan,
  type HttpHead,
  type HttpStreamHandlers,
} from './http-stream-parser.js';
import {
  handshakeFacts,
  isUpgradeRequest,
  isUpgradeResponse,
  type HandshakeFacts,
} from './websocket-handshake.js';

export interface HttpExchangeEnv {
  /** ts/src/dst/conn/packet for bytes sent by `side` (real side). */
  base(side: Side, meta: StreamMeta): EventBase;
  emit(event: WireEvent): void;
  /** A problem about bytes sent by `side` (its severity is its code's). */
  problem(side: Side, code: WireProblemCode, message: string, meta: StreamMeta): void;
  /**
   * The connection now speaks WebSocket. `clientRest`/`serverRest` are the bytes each side sent
   * after its handshake message; `facts` is undefined when the answer was never seen.
   */
  switched(facts: HandshakeFacts | undefined, clientRest: Buffer, serverRest: Buffer, meta: StreamMeta): void;
}

export interface HttpExchangeOptions {
  maxHeadBytes?: number;
  /** Client bytes held while waiting for the answer to an upgrade request. */
  maxAwaitBytes?: number;
}

const MAX_QUEUED_REQUESTS = 256;
const EMPTY = Buffer.alloc(0);

const EXCHANGING = 0;
const AWAITING = 1;
const SWITCHED = 2;
type ExchangeState = typeof EXCHANGING | typeof AWAITING | typeof SWITCHED;

export class HttpExchange {
  private state: ExchangeState = EXCHANGING;
  private readonly maxAwait: number;
  /** Requests sent, not yet answered. */
  private readonly requests: HttpHead[] = [];
  private upgradeRequest: HttpHead | undefined;
  /** Client bytes after an upgrade request (AWAITING). */
  private awaiting: Buffer[] = [];
  private awaitingBytes = 0;
  private switchFacts: HandshakeFacts | undefined;
  private meta: StreamMeta = { ts: 0, packet: 0 };
  private readonly lost: Record<Side, boolean> = { client: false, server: false };
  private requestParser: HttpStreamParser;
  private readonly responseParser: HttpStreamParser;
  private readonly requestHandlers: HttpStreamHandlers;

  constructor(
    private readonly env: HttpExchangeEnv,
    private readonly options: HttpExchangeOptions = {},
  ) {
    this.maxAwait = options.maxAwaitBytes ?? 1024 * 1024;
    this.requestHandlers = {
      onHead: (head) => this.onRequest(head),
      onError: (code, message) => env.problem('client', code, message, this.meta),
    };
    this.requestParser = new HttpStreamParser('request', this.requestHandlers, options.maxHeadBytes);
    this.responseParser = new HttpStreamParser(
      'response',
      {
        onHead: (head) => this.onResponse(head),
        onError: (code, message) => env.problem('server', code, message, this.meta),
      },
      options.maxHeadBytes,
    );
  }

  get done(): boolean {
    return this.state === SWITCHED;
  }

  data(side: Side, bytes: Buffer, meta: StreamMeta): void {
    this.meta = meta;
    if (this.state === SWITCHED || this.lost[side]) return;
    if (side === 'client') {
      this.clientBytes(bytes);
      return;
    }
    const rest = this.responseParser.push(bytes);
    if (rest !== undefined) this.switchTo(this.switchFacts, rest);
  }

  /** Bytes from `side` were lost: that side's HTTP can no longer be followed. */
  gap(side: Side, meta: StreamMeta): void {
    this.meta = meta;
    if (this.state === SWITCHED || this.lost[side]) return;
    this.lost[side] = true;
    const message = 'bytes of the HTTP stream were not captured; this side is no longer followed';
    this.env.problem(side, 'HTTP_GAP', message, meta);
    // The server's answer to a pending upgrade may be what was lost: assume the switch.
    if (side === 'server' && this.state === AWAITING) this.switchTo(undefined, EMPTY);
  }

  /** Client bytes: parsed as requests, or held while an upgrade waits for its answer. */
  private clientBytes(bytes: Buffer): void {
    if (this.state === AWAITING) {
      this.hold(bytes);
      return;
    }
    // Bytes after an upgrade request: held (hold() keeps them only if that is what they are).
    const rest = this.requestParser.push(bytes);
    if (rest !== undefined) this.hold(rest);
  }

  /** AWAITING: keeps the client's bytes until the answer comes (or is taken as lost). */
  private hold(bytes: Buffer): void {
    if (this.state !== AWAITING || bytes.length === 0) return;
    // A copy: a view would keep the whole capture chunk it points into alive while waiting.
    this.awaiting.push(Buffer.from(bytes));
    this.awaitingBytes += bytes.length;
    // No answer yet the client keeps talking: the answer was probably not captured.
    if (this.awaitingBytes > this.maxAwait) this.switchTo(undefined, EMPTY);
  }

  private switchTo(facts: HandshakeFacts | undefined, serverRest: Buffer): void {
    const clientRest = this.state === AWAITING ? Buffer.concat(this.awaiting) : EMPTY;
    this.state = SWITCHED;
    this.awaiting = [];
    this.env.switched(facts, clientRest, serverRest, this.meta);
  }

  private onRequest(head: HttpHead): BodyPlan {
    const b = this.env.base('client', this.meta);
    const event: HttpRequestEvent = {
      event: 'http.request',
      ts: b.ts,
      src: b.src,
      dst: b.dst,
      conn: b.conn,
      packet: b.packet,
      from: 'client',
      method: head.method,
      target: head.target,
      version: head.version,
      headers: head.headers,
      upgrade: isUpgradeRequest(head),
    };
    const key = headerValue(head, 'sec-websocket-key');
    const extensions = headerValue(head, 'sec-websocket-extensions');
    const protocols = headerValue(head, 'sec-websocket-protocol');
    if (key !== undefined) event.key = key;
    if (extensions !== undefined) event.extensions = extensions;
    if (protocols !== undefined) event.protocols = protocols;
    this.env.emit(event);
    if (this.requests.length < MAX_QUEUED_REQUESTS) this.requests.push(head);
    if (!event.upgrade) return bodyPlanFor(head);
    this.upgradeRequest = head;
    this.state = AWAITING;
    this.awaiting = [];
    this.awaitingBytes = 0;
    return { kind: 'switch' };
  }

  private onResponse(head: HttpHead): BodyPlan {
    // 1xx answers other than 101 precede the real answer to the same request.
    const informational = head.status >= 100 && head.status < 200 && head.status !== 101;
    const request = informational ? this.requests[0] : this.requests.shift();
    const upgrade = isUpgradeResponse(head);
    const facts = upgrade
      ? handshakeFacts(request && isUpgradeRequest(request) ? request : undefined, head)
      : undefined;
    this.emitResponse(head, facts);
    if (upgrade) {
      this.switchFacts = facts;
      return { kind: 'switch' };
    }
    if (
      request !== undefined &&
      request === this.upgradeRequest &&
      !informational &&
      this.state === AWAITING
    ) {
      this.upgradeRefused();
    }
    return bodyPlanFor(head, request?.method);
  }

  private emitResponse(head: HttpHead, facts: HandshakeFacts | undefined): void {
    const b = this.env.base('server', this.meta);
    const event: HttpResponseEvent = {
      event: 'http.response',
      ts: b.ts,
      src: b.src,
      dst: b.dst,
      conn: b.conn,
      packet: b.packet,
      from: 'server',
      status: head.status,
      reason: head.reason,
      version: head.version,
      headers: head.headers,
      acceptValid: facts ? facts.acceptValid : null,
    };
    if (facts?.deflate) event.deflate = facts.deflate;
    if (facts?.protocol !== undefined) event.protocol = facts.protocol;
    this.env.emit(event);
    if (facts?.acceptValid === false) {
      const message = 'Sec-WebSocket-Accept does not match the request key';
      this.env.problem('server', 'BAD_ACCEPT', message, this.meta);
    }
  }

  /**
   * The upgrade was refused: the client's held bytes are HTTP again. They are parsed now, so
   * their requests come after this answer and before the next one.
   */
  private upgradeRefused(): void {
    const held = Buffer.concat(this.awaiting);
    this.state = EXCHANGING;
    this.awaiting = [];
    this.awaitingBytes = 0;
    this.upgradeRequest = undefined;
    this.requestParser = new HttpStreamParser('request', this.requestHandlers, this.options.maxHeadBytes);
    if (held.length) this.clientBytes(held);
  }
}

export function createHttpExchange(env: HttpExchangeEnv, options: HttpExchangeOptions = {}): HttpExchange {
  return new HttpExchange(env, options);
}
