// A transparent TCP proxy that records what passes through it as synthetic packets: clients
// connect to the listen address, every connection is relayed byte for byte to the upstream, both
// ways, with backpressure, and half-closes and resets are passed on. No root needed, unlike a
// live capture, and the packets go through the same decoder and views as a capture file.
// It can also end TLS on either side (a certificate for the clients, TLS to the upstream), like
// a reverse proxy: the packets it records are then of the plaintext that passes in between.
import { createServer, connect, isIP, type Server, type Socket } from 'node:net';
import * as tls from 'node:tls';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createSyntheticConnection, plainIp, type SyntheticPacket } from './synthetic-tcp.js';
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

const endpointText = (ip: string, port: number): string => {
  const plain = plainIp(ip);
  return plain.includes(':') ? `[${plain}]:${port}` : `${plain}:${port}`;
};

/** A TCP reset where the socket allows it (a TLS socket's own handle may not): else just closed. */
function resetSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export async function startTapProxy(options: TapProxyOptions): Promise<TapProxy> {
  // Resolve once so every synthetic packet names the upstream by address, as a capture would.
  let upstreamIp: string;
  try {
    upstreamIp = (await lookup(options.upstreamHost)).address;
  } catch {
    throw new UserError(`cannot resolve upstream host '${options.upstreamHost}'`, 'UPSTREAM_UNRESOLVED', 2);
  }
  const sockets = new Set<Socket>();
  /** TLS mode: the raw sockets under the TLS ones, handshakes included. */
  const accepted = new Set<Socket>();
  // Each relay's "read again if nothing holds us back", for resume().
  const relays = new Set<() => void>();
  let paused = false;
  const server: Server = options.serverTls
    ? createTlsServer(options.serverTls)
    : createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => relay(client));

  function createTlsServer(files: { cert: Buffer; key: Buffer }): Server {
    const secure = tls.createServer({ ...files, allowHalfOpen: true, handshakeTimeout: 10_000 }, (client) => {
      // Held until the upstream is there, like a plain connection (pauseOnConnect).
      client.pause();
      relay(client);
    });
    secure.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      const who = endpointText(socket.remoteAddress ?? '0.0.0.0', socket.remotePort ?? 0);
      options.onNotice?.({
        code: 'CLIENT_TLS_FAILED',
        message: `TLS handshake with ${who} failed (${err.code ?? err.message})`,
        client: who,
      });
    });
    // close() must not wait for handshakes still going on: their raw sockets are closed too.
    secure.on('connection', (raw: Socket) => {
      accepted.add(raw);
      raw.once('close', () => accepted.delete(raw));
    });
    return secure;
  }

  function connectUpstream(): Socket {
    const target = { host: upstreamIp, port: options.upstreamPort, allowHalfOpen: true };
    const secure = options.upstreamTls;
    if (!secure) return connect(target);
    return tls.connect({
      ...target,
      // The name the certificate must carry is the one the user gave, not its address.
      ...(isIP(options.upstreamHost) ? {} : { servername: options.upstreamHost }),
      ...(secure.ca ? { ca: [...tls.rootCertificates, secure.ca.toString()] } : {}),
      rejectUnauthorized: secure.insecure !== true,
    });
  }

  function relay(client: Socket): void {
    const clientIp = client.remoteAddress ?? '0.0.0.0';
    const clientPort = client.remotePort ?? 0;
    const who = endpointText(clientIp, clientPort);
    const tcp = createSyntheticConnection(
      { ip: clientIp, port: clientPort },
      { ip: upstreamIp, port: options.upstreamPort },
      options.onPacket,
    );
    const upstream = connectUpstream();
    sockets.add(client);
    sockets.add(upstream);
    client.once('close', () => sockets.delete(client));
    upstream.once('close', () => sockets.delete(upstream));
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let connected = false;
    const notice = (code: string, message: string): void =>
      options.onNotice?.({ code, message, client: who });

    // A side is read while neither the pause nor its peer's full send buffer holds it back.
    const readClient = (): void => {
      if (connected && !paused && !upstream.writableNeedDrain) client.resume();
    };
    const readUpstream = (): void => {
      if (!paused && !client.writableNeedDrain) upstream.resume();
    };
    const update = (): void => {
      readClient();
      readUpstream();
    };
    relays.add(update);
    if (paused) upstream.pause();

    upstream.once(options.upstreamTls ? 'secureConnect' : 'connect', () => {
      connected = true;
      tcp.open();
      readClient();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && options.upstreamTls && err.code !== 'ECONNREFUSED') {
        tcp.refused();
        notice(
          'UPSTREAM_TLS_FAILED',
          `TLS to upstream ${options.upstreamHost}:${options.upstreamPort} failed for ${who} (${err.code ?? err.message})`,
        );
      } else if (!connected) {
        tcp.refused();
        notice(
          'UPSTREAM_REFUSED',
          `upstream ${options.upstreamHost}:${options.upstreamPort} refused ${who} (${err.code ?? err.message})`,
        );
      } else {
        tcp.reset('server');
        notice('UPSTREAM_RESET', `upstream reset the connection of ${who} (${err.code ?? err.message})`);
      }
      if (!client.destroyed) resetSocket(client);
    });
    client.on('error', (err: NodeJS.ErrnoException) => {
      tcp.reset('client');
      notice('CLIENT_RESET', `${who} reset its connection (${err.code ?? err.message})`);
      if (!upstream.destroyed) resetSocket(upstream);
    });

    // Each chunk is recorded before it is forwarded, so the record's order is the wire's order.
    client.on('data', (chunk: Buffer) => {
      tcp.data('client', chunk);
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', readClient);
    upstream.on('data', (chunk: Buffer) => {
      tcp.data('server', chunk);
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', readUpstream);
    client.on('end', () => {
      tcp.fin('client');
      upstream.end();
    });
    upstream.on('end', () => {
      tcp.fin('server');
      client.end();
    });
    // A socket closed without FIN or error (destroyed by us) needs its peer gone too.
    client.once('close', () => {
      relays.delete(update);
      if (connected && !upstream.destroyed && upstream.writableEnded === false) upstream.destroy();
    });
    upstream.once('close', () => {
      if (!client.destroyed && client.writableEnded === false) client.destroy();
    });
  }

  server.listen(options.listenPort, options.listenHost);
  try {
    await once(server, 'listening');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${e.code ?? e.message})`;
    throw new UserError(
      `listen address ${options.listenHost}:${options.listenPort} ${reason}`,
      'LISTEN_FAILED',
      2,
    );
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.listenPort;

  return {
    host: options.listenHost,
    port,
    pause() {
      if (paused) return;
      paused = true;
      for (const s of sockets) s.pause();
    },
    resume() {
      if (!paused) return;
      paused = false;
      for (const update of relays) update();
    },
    get activeConnections() {
      let n = 0;
      for (const s of sockets) if (s.localPort === port) n++;
      return n;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) resetSocket(s);
      for (const s of accepted) s.destroy();
      await closed;
    },
  };
}
