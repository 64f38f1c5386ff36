// A transparent TCP proxy that records what passes through it as synthetic packets: clients
// connect to the listen address, every connection is relayed byte for byte to the upstream, both
// ways, with backpressure, and half-closes and resets are passed on. No root needed, unlike a
// live capture, and the packets go through the same decoder and views as a capture file.
// It can also end TLS on either side (a certificate for the clients, TLS to the upstream), like
// a reverse proxy: the packets it records are then of the plaintext that passes in between.
import { createServer, type Server, type Socket } from 'node:net';
import * as tls from 'node:tls';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import type { SyntheticPacket } from './synthetic-tcp.js';
import { endpointText, resetSocket, TapRelay, type RelayHost } from './tap-relay.js';
import { UserError } from '../../shared/errors.js';

export interface TapNotice {
  /** UPSTREAM_REFUSED, UPSTREAM_RESET, CLIENT_RESET, CLIENT_TLS_FAILED, UPSTREAM_TLS_FAILED */
  code: string;
  message: string;
  /** The client's "ip:port". */
  client: string;
}

export interface TapProxyOptions {
  listenHost: string;
  listenPort: number;
  upstreamHost: string;
  upstreamPort: number;
  /** Every synthetic packet, in the order things happened. */
  onPacket(packet: SyntheticPacket): void;
  /** Proxy-level happenings worth a line of their own (the packets show them too). */
  onNotice?(notice: TapNotice): void;
  /** Accept TLS from clients with this certificate and key (PEM). */
  serverTls?: { cert: Buffer; key: Buffer };
  /** Speak TLS to the upstream: `ca` trusted in addition to the system's, or no check at all. */
  upstreamTls?: { ca?: Buffer; insecure?: boolean };
}

export interface TapProxy {
  readonly host: string;
  readonly port: number;
  /** Connections currently relayed. */
  readonly activeConnections: number;
  /**
   * Stops reading from every relayed socket, both ways, and from connections accepted meanwhile:
   * the peers' sends stall in their TCP windows instead of anything piling up here. Used while
   * whoever consumes the packets cannot keep up.
   */
  pause(): void;
  /** Reading goes on (where the other side's own backpressure allows). */
  resume(): void;
  /** Stops listening and resets every relayed connection. */
  close(): Promise<void>;
}

export async function startTapProxy(options: TapProxyOptions): Promise<TapProxy> {
  // Resolve once so every synthetic packet names the upstream by address, as a capture would.
  let upstreamIp: string;
  try {
    upstreamIp = (await lookup(options.upstreamHost)).address;
  } catch {
    throw new UserError(`cannot resolve upstream host '${options.upstreamHost}'`, 'UPSTREAM_UNRESOLVED', 2);
  }
  const proxy = new TapProxyServer(options, upstreamIp);
  await proxy.listen();
  return proxy;
}

class TapProxyServer implements TapProxy, RelayHost {
  readonly host: string;
  port: number;
  paused = false;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** TLS mode: the raw sockets under the TLS ones, handshakes included. */
  private readonly accepted = new Set<Socket>();
  private readonly relays = new Set<TapRelay>();

  constructor(
    readonly options: TapProxyOptions,
    readonly upstreamIp: string,
  ) {
    this.host = options.listenHost;
    this.port = options.listenPort;
    this.server = options.serverTls
      ? this.createTlsServer(options.serverTls)
      : createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => this.relay(client));
  }

  async listen(): Promise<void> {
    const { server, options } = this;
    server.listen(options.listenPort, options.listenHost);
    try {
      await once(server, 'listening');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const reason =
        e.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${e.code ?? e.message})`;
      const where = `${options.listenHost}:${options.listenPort}`;
      throw new UserError(`listen address ${where} ${reason}`, 'LISTEN_FAILED', 2);
    }
    const address = server.address();
    if (typeof address === 'object' && address) this.port = address.port;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const s of this.sockets) s.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const relay of this.relays) relay.update();
  }

  get activeConnections(): number {
    let n = 0;
    for (const s of this.sockets) if (s.localPort === this.port) n++;
    return n;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) resetSocket(s);
    for (const s of this.accepted) s.destroy();
    await closed;
  }

  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  forget(relay: TapRelay): void {
    this.relays.delete(relay);
  }

  private relay(client: Socket): void {
    this.relays.add(new TapRelay(this, client));
  }

  private createTlsServer(files: { cert: Buffer; key: Buffer }): Server {
    const secure = tls.createServer({ ...files, allowHalfOpen: true, handshakeTimeout: 10_000 }, (client) => {
      // Held until the upstream is there, like a plain connection (pauseOnConnect).
      client.pause();
      this.relay(client);
    });
    secure.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      const who = endpointText(socket.remoteAddress ?? '0.0.0.0', socket.remotePort ?? 0);
      this.options.onNotice?.({
        code: 'CLIENT_TLS_FAILED',
        message: `TLS handshake with ${who} failed (${err.code ?? err.message})`,
        client: who,
      });
    });
    // close() must not wait for handshakes still going on: their raw sockets are closed too.
    secure.on('connection', (raw: Socket) => {
      this.accepted.add(raw);
      raw.once('close', () => this.accepted.delete(raw));
    });
    return secure;
  }
}
