// The static web server for the chat page: files of one folder, `/config.json` telling the page
// which port the WebSocket listens on, strict security headers, and nothing outside the folder.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { Routes } from '../ops/routes.js';
import { closeServer, listen } from './listen.js';
import { createWebServer, type TlsFiles } from './tls.js';
import { DEFAULT_SERVER_TIMEOUTS, type ServerTimeouts } from './server-timeouts.js';
import type { SocketCap } from './socket-cap.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export const SECURITY_HEADERS: Record<string, string> = {
  // Only our own files, and WebSocket connections (the chat runs on another port of this host).
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface WebServerOptions {
  host: string;
  port: number;
  root: string;
  /** The WebSocket port the page should connect to (known only once the transport listens). */
  wsPort: () => number;
  /** The WebSocket URL the page should use instead (a proxy, a load balancer, `wirechat tap`). */
  publicWsUrl?: string | undefined;
  /** Serve https:// with this certificate and key. */
  tls?: TlsFiles;
  /** Generated answers (the operations endpoints), by exact path. */
  routes?: Routes;
  /** Header, request, keep-alive and TLS handshake timeouts. */
  timeouts?: ServerTimeouts;
  /** The process's connection cap, shared with the WebSocket port: past it, 503. */
  socketCap?: SocketCap;
}

export class WebServer {
  private readonly server: Server;
  private readonly root: string;
  port = 0;

  constructor(private readonly options: WebServerOptions) {
    this.root = resolve(options.root);
    this.server = createWebServer(
      options.tls,
      (req, res) => {
        this.handle(req, res).catch(() => send(res, 500, 'internal error\n'));
      },
      options.timeouts ?? DEFAULT_SERVER_TIMEOUTS,
    );
    options.socketCap?.watch(this.server, options.tls !== undefined);
  }

  async start(): Promise<number> {
    this.port = await listen(this.server, this.options.port, this.options.host, 'web');
    return this.port;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cap = this.options.socketCap;
    if (cap?.refuses(req.socket)) {
      cap.refusedOne();
      res.setHeader('retry-after', '5');
      return refuse(res, 503, 'the server is full, try again later\n');
    }
    // Nothing here takes a body: answer without reading one and close, so a peer cannot keep
    // the socket busy sending a body nobody asked for.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return refuse(res, 405, 'method not allowed\n');
    }
    if (hasBody(req)) return refuse(res, 413, 'this server takes no request bodies\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    const route = this.options.routes?.get(path);
    if (route) {
      const answer = await route(req);
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      return send(res, answer.status, answer.body, answer.type);
    }
    if (path === '/config.json') {
      const config = { wsPort: this.options.wsPort(), wsUrl: this.options.publicWsUrl };
      return send(res, 200, JSON.stringify(config), CONTENT_TYPES['.json']);
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(this.root, '.' + path);
    // Refuse anything that resolves outside the root (`..`, encoded or not) or holds a NUL.
    if (path.includes('\0') || (file !== this.root && !file.startsWith(this.root + sep))) {
      return send(res, 404, 'not found\n');
    }
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return send(res, 404, 'not found\n');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Answers and closes the connection, leaving any request body unread. */
function refuse(res: ServerResponse, status: number, body: string): void {
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  res.once('finish', () => res.socket?.destroySoon());
  send(res, status, body);
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
  });
  res.end(body);
}
