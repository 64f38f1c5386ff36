// For tests: one HTTP request on its own connection, plain or as a WebSocket upgrade, answering
// the status and the server's refusal code (X-Wirechat-Code), so refused upgrades can be asserted.
import { request } from 'node:http';

export function rawRequest(
  port: number,
  path: string,
  upgrade: boolean,
  extra: Record<string, string> = {},
): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = upgrade
      ? {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }
      : { connection: 'close' };
    Object.assign(headers, extra);
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, code: res.headers['x-wirechat-code'] as string | undefined });
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, code: undefined });
    });
    req.on('error', reject);
    req.end();
  });
}
