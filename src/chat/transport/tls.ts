// TLS without a proxy: with a certificate and key, the WebSocket port serves wss:// and the web
// port https://. Files are read and checked once at start-up, so a wrong or unreadable file is one
// clear line (exit 2) instead of a failure at the first client.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_SERVER_TIMEOUTS, httpTimeoutOptions, type ServerTimeouts } from './server-timeouts.js';
import type { TlsKeyLog } from './tls-keylog.js';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** Where the session secrets of every connection are appended (serve --tls-keylog). */
  keylog?: TlsKeyLog;
}

export function loadTls(certFile: string, keyFile: string): TlsFiles {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UserError(`cannot read the TLS ${what} '${file}' (${code})`, 'TLS_FILE_UNREADABLE', 2);
    }
  };
  const files = { cert: read(certFile, 'certificate'), key: read(keyFile, 'key') };
  try {
    createSecureContext(files);
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new UserError(
      `the TLS certificate '${certFile}' and key '${keyFile}' are not a usable PEM pair (${reason})`,
      'TLS_FILE_INVALID',
      2,
    );
  }
  return files;
}

/**
 * An HTTP server, or an HTTPS one with the same interface when TLS files are given, with short
 * timeouts for headers, requests, keep-alive and the TLS handshake (server-timeouts.ts).
 */
export function createWebServer(
  tls: TlsFiles | undefined,
  handler: RequestListener,
  timeouts: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS,
): Server {
  const { handshakeTimeout, ...http } = httpTimeoutOptions(timeouts);
  if (!tls) return createHttpServer(http, handler);
  const { keylog, ...files } = tls;
  const server = createHttpsServer({ ...files, ...http, handshakeTimeout }, handler);
  if (keylog) server.on('keylog', (line: Buffer) => keylog.write(line));
  return server as unknown as Server;
}
