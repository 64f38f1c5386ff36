// Close frame payloads (RFC 6455 §5.5.1, §7.4): a 2-byte status code and a UTF-8 reason.
import { isUtf8 } from 'node:buffer';

export type ClosePayload =
  | { kind: 'empty' }
  | { kind: 'bad-length' }
  | { kind: 'ok'; code: number; reason: string; codeValid: boolean; reasonValid: boolean };

/** Status codes an endpoint may send in a close frame. */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

export function parseClosePayload(payload: Buffer): ClosePayload {
  if (payload.length === 0) return { kind: 'empty' };
  if (payload.length === 1) return { kind: 'bad-length' };
  const code = payload.readUInt16BE(0);
  const reasonBytes = payload.subarray(2);
  return {
    kind: 'ok',
    code,
    reason: reasonBytes.toString('utf8'),
    codeValid: isValidCloseCode(code),
    reasonValid: isUtf8(reasonBytes),
  };
}
