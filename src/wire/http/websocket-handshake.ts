// The WebSocket opening handshake as seen from the wire (RFC 6455 §4, RFC 7692 §7):
// the Sec-WebSocket-Accept proof, and the negotiated permessage-deflate parameters.
import { createHash } from 'node:crypto';
import type { DeflateParams } from '../events.js';
import { headerHasToken, headerValue, type HttpHead } from './http-stream-parser.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value a server must answer to this key. */
export function computeAccept(key: string): string {
  return createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

/** True when the request asks to switch to WebSocket. */
export function isUpgradeRequest(head: HttpHead): boolean {
  return head.kind === 'request' && headerHasToken(head, 'upgrade', 'websocket');
}

/** True when the response accepts a switch to WebSocket (any reason phrase). */
export function isUpgradeResponse(head: HttpHead): boolean {
  return head.kind === 'response' && head.status === 101 && headerHasToken(head, 'upgrade', 'websocket');
}

/**
 * The permessage-deflate parameters a server accepted in its Sec-WebSocket-Extensions answer,
 * or undefined when it accepted none. Unknown or malformed parameters keep the defaults.
 */
export function parseDeflateExtension(value: string | undefined): DeflateParams | undefined {
  if (!value) return undefined;
  for (const offer of value.split(',')) {
    const [name, ...params] = offer.split(';').map((p) => p.trim());
    if (name.toLowerCase() !== 'permessage-deflate') continue;
    const result: DeflateParams = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    };
    for (const param of params) {
      const eq = param.indexOf('=');
      const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
      const raw =
        eq < 0
          ? ''
          : param
              .slice(eq + 1)
              .trim()
              .replace(/^"(.*)"$/, '$1');
      const bits = /^\d+$/.test(raw) ? Number(raw) : NaN;
      const windowBits = bits >= 8 && bits <= 15 ? bits : 15;
      if (key === 'server_no_context_takeover') result.serverNoContextTakeover = true;
      else if (key === 'client_no_context_takeover') result.clientNoContextTakeover = true;
      else if (key === 'server_max_window_bits') result.serverMaxWindowBits = windowBits;
      else if (key === 'client_max_window_bits' && raw !== '') result.clientMaxWindowBits = windowBits;
    }
    return result;
  }
  return undefined;
}

/** What a request/response pair says about the WebSocket that follows. */
export interface HandshakeFacts {
  acceptValid: boolean | null;
  deflate: DeflateParams | undefined;
  protocol: string | undefined;
}

/** Checks a 101 response against its request (undefined when the request was not captured). */
export function handshakeFacts(request: HttpHead | undefined, response: HttpHead): HandshakeFacts {
  const key = request ? headerValue(request, 'sec-websocket-key') : undefined;
  const accept = headerValue(response, 'sec-websocket-accept');
  let acceptValid: boolean | null = null;
  if (key !== undefined) acceptValid = accept !== undefined && accept.trim() === computeAccept(key.trim());
  return {
    acceptValid,
    deflate: parseDeflateExtension(headerValue(response, 'sec-websocket-extensions')),
    protocol: headerValue(response, 'sec-websocket-protocol'),
  };
}
