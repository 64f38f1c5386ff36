// Close frame payloads (RFC 6455 §5.5.1, §7.4): a 2-byte status code and a UTF-8 reason.
import { isUtf8 } from 'node:buffer';
import { isValidCloseCode } from '../../shared/websocket-framing.js';

export type ClosePayload =
  | { kind: 'empty' }
  | { kind: 'bad-length' }
  | { kind: 'ok'; code: number; reason: string; codeValid: boolean; reasonValid: boolean };

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
