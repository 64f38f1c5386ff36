// A transparent TCP proxy that records what passes through it as synthetic packets: clients
// connect to the listen address, every connection is relayed byte for byte to the upstream, both
// ways, with backpressure, and half-closes and resets are passed on. No root needed, unlike a
// live capture, and the packets go through the same decoder and views as a capture file.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createSyntheticConnection, plainIp, type SyntheticPacket } from './synthetic-tcp.js';
import { UserError } from '../../shared/errors.js';

export interface TapNotice {
  /** UPSTREAM_REFUSED, UPSTREAM_RESET, CLIENT_RESET */
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

export async function startTapProxy(options: TapProxyOptions): Promise<TapProxy> {
  // Resolve once so every synthetic packet names the upstream by address, as a capture would.
  let upstreamIp: string;
  try {
    upstreamIp = (await lookup(options.upstreamHost)).address;
  } catch {
    throw new UserError(`cannot resolve upstream host '${options.upstreamHost}'`, 'UPSTREAM_UNRESOLVED', 2);
  }
  const sockets = new Set<Socket>();
  // Each relay's "read again if nothing holds us back", for resume().
  const relays = new Set<() => void>();
  let paused = false;
  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) =>
    relay(client),
  );

  function relay(client: Socket): void {
    const clientIp = client.remoteAddress ?? '0.0.0.0';
    const clientPort = client.remotePort ?? 0;
    const who = endpointText(clientIp, clientPort);
    const tcp = createSyntheticConnection(
      { ip: clientIp, port: clientPort },
      { ip: upstreamIp, port: options.upstreamPort },
      options.onPacket,
    );
    const upstream = connect({ host: upstreamIp, port: options.upstreamPort, allowHalfOpen: true });
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

    upstream.once('connect', () => {
      connected = true;
      tcp.open();
      readClient();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        tcp.refused();
        notice(
          'UPSTREAM_REFUSED',
          `upstream ${options.upstreamHost}:${options.upstreamPort} refused ${who} (${err.code ?? err.message})`,
        );
      } else {
        tcp.reset('server');
        notice('UPSTREAM_RESET', `upstream reset the connection of ${who} (${err.code ?? err.message})`);
      }
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.on('error', (err: NodeJS.ErrnoException) => {
      tcp.reset('client');
      notice('CLIENT_RESET', `${who} reset its connection (${err.code ?? err.message})`);
      if (!upstream.destroyed) upstream.resetAndDestroy();
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
      for (const s of sockets) s.resetAndDestroy();
      await closed;
    },
  };
}
