// The HTTP/1.1 part of one connection: requests from the client, responses from the server,
// matched in order (keep-alive), bodies skipped, until a 101 answer switches to WebSocket.
import type { EventBase, HttpRequestEvent, HttpResponseEvent, Side, WireEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import {
  bodyPlanFor,
  createHttpStreamParser,
  headerValue,
  type HttpHead,
  type HttpStreamParser,
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
  problem(side: Side, code: string, message: string, severity: 'warning' | 'error', meta: StreamMeta): void;
  /**
   * The connection now speaks WebSocket. `clientRest`/`serverRest` are the bytes each side sent
   * after its handshake message; `facts` is undefined when the answer was never seen.
   */
  switched(facts: HandshakeFacts | undefined, clientRest: Buffer, serverRest: Buffer, meta: StreamMeta): void;
}

export interface HttpExchange {
  data(side: Side, bytes: Buffer, meta: StreamMeta): void;
  /** Bytes from `side` were lost: that side's HTTP can no longer be followed. */
  gap(side: Side, meta: StreamMeta): void;
  readonly done: boolean;
}

export interface HttpExchangeOptions {
  maxHeadBytes?: number;
  /** Client bytes held while waiting for the answer to an upgrade request. */
  maxAwaitBytes?: number;
}

const MAX_QUEUED_REQUESTS = 256;

export function createHttpExchange(env: HttpExchangeEnv, options: HttpExchangeOptions = {}): HttpExchange {
  const maxAwait = options.maxAwaitBytes ?? 1024 * 1024;
  const requests: HttpHead[] = []; // sent, not yet answered
  let upgradeRequest: HttpHead | undefined;
  let awaiting: Buffer[] | undefined; // client bytes after an upgrade request
  let awaitingBytes = 0;
  let done = false;
  let meta: StreamMeta = { ts: 0, packet: 0 };
  const lost: Record<Side, boolean> = { client: false, server: false };

  let requestParser = createRequestParser();

  function createRequestParser(): HttpStreamParser {
    return createHttpStreamParser(
      'request',
      {
        onHead(head) {
          const b = env.base('client', meta);
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
          env.emit(event);
          if (requests.length < MAX_QUEUED_REQUESTS) requests.push(head);
          if (event.upgrade) {
            upgradeRequest = head;
            awaiting = [];
            return { kind: 'switch' };
          }
          return bodyPlanFor(head);
        },
        onError(code, message) {
          env.problem('client', code, message, 'error', meta);
        },
      },
      options.maxHeadBytes,
    );
  }

  let switchFacts: HandshakeFacts | undefined;
  const responseParser: HttpStreamParser = createResponseParser();

  function createResponseParser(): HttpStreamParser {
    return createHttpStreamParser(
      'response',
      {
        onHead(head) {
          // 1xx answers other than 101 precede the real answer to the same request.
          const informational = head.status >= 100 && head.status < 200 && head.status !== 101;
          const request = informational ? requests[0] : requests.shift();
          const upgrade = isUpgradeResponse(head);
          const facts = upgrade
            ? handshakeFacts(request && isUpgradeRequest(request) ? request : undefined, head)
            : undefined;
          const b = env.base('server', meta);
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
          env.emit(event);
          if (facts?.acceptValid === false) {
            env.problem(
              'server',
              'BAD_ACCEPT',
              'Sec-WebSocket-Accept does not match the request key',
              'warning',
              meta,
            );
          }
          if (upgrade) {
            switchFacts = facts;
            return { kind: 'switch' };
          }
          if (request !== undefined && request === upgradeRequest && !informational && awaiting) {
            // Upgrade refused: the client's later bytes are HTTP again. They are parsed now,
            // so their requests come after this answer and before the next one.
            const held = Buffer.concat(awaiting);
            awaiting = undefined;
            upgradeRequest = undefined;
            requestParser = createRequestParser();
            if (held.length) feedRequests(held);
          }
          return bodyPlanFor(head, request?.method);
        },
        onError(code, message) {
          env.problem('server', code, message, 'error', meta);
        },
      },
      options.maxHeadBytes,
    );
  }

  function feedRequests(bytes: Buffer): void {
    if (awaiting) {
      hold(bytes);
      return;
    }
    const rest = requestParser.push(bytes);
    if (rest !== undefined && awaiting) hold(rest);
  }

  function hold(bytes: Buffer): void {
    if (!awaiting || bytes.length === 0) return;
    // A copy: a view would keep the whole capture chunk it points into alive while waiting.
    awaiting.push(Buffer.from(bytes));
    awaitingBytes += bytes.length;
    // No answer yet the client keeps talking: the answer was probably not captured.
    if (awaitingBytes > maxAwait) switchTo(undefined, Buffer.alloc(0));
  }

  function switchTo(facts: HandshakeFacts | undefined, serverRest: Buffer): void {
    done = true;
    const clientRest = awaiting ? Buffer.concat(awaiting) : Buffer.alloc(0);
    awaiting = undefined;
    env.switched(facts, clientRest, serverRest, meta);
  }

  function data(side: Side, bytes: Buffer, m: StreamMeta): void {
    meta = m;
    if (done || lost[side]) return;
    if (side === 'client') {
      feedRequests(bytes);
      return;
    }
    const rest = responseParser.push(bytes);
    if (rest !== undefined) switchTo(switchFacts, rest);
  }

  function gap(side: Side, m: StreamMeta): void {
    meta = m;
    if (done || lost[side]) return;
    lost[side] = true;
    env.problem(
      side,
      'BAD_HTTP',
      'bytes of the HTTP stream were not captured; this side is no longer followed',
      'warning',
      m,
    );
    // The server's answer to a pending upgrade may be what was lost: assume the switch.
    if (side === 'server' && awaiting) switchTo(undefined, Buffer.alloc(0));
  }

  return {
    data,
    gap,
    get done() {
      return done;
    },
  };
}
