// One connection relayed by the tap proxy: the client's socket, the upstream's, and the synthetic
// TCP connection that records what passes between them. Each chunk is recorded before it is
// forwarded, so the record's order is the wire's order; half-closes and resets are passed on
// (and recorded) both ways.
import { connect, isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';
import { createSyntheticConnection, plainIp, type SyntheticConnection } from './synthetic-tcp.js';
import type { TapProxyOptions } from './tap-proxy.js';

export const endpointText = (ip: string, port: number): string => {
  const plain = plainIp(ip);
  return plain.includes(':') ? `[${plain}]:${port}` : `${plain}:${port}`;
};

/** A TCP reset where the socket allows it (a TLS socket's own handle may not): else just closed. */
export function resetSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** What a relay shares with the proxy around it. */
export interface RelayHost {
  readonly options: TapProxyOptions;
  /** The upstream's address, resolved once. */
  readonly upstreamIp: string;
  /** Every relay holds its reading while this is set. */
  readonly paused: boolean;
  /** Keeps a socket among those paused and reset by the proxy, until it closes. */
  track(socket: Socket): void;
  /** The relay is over: no more resume() for it. */
  forget(relay: TapRelay): void;
}

export class TapRelay {
  private readonly upstream: Socket;
  private readonly tcp: SyntheticConnection;
  private readonly who: string;
  /** The upstream accepted (and, with TLS, finished its handshake). */
  private connected = false;

  constructor(
    private readonly host: RelayHost,
    private readonly client: Socket,
  ) {
    const { options, upstreamIp } = host;
    const clientIp = client.remoteAddress ?? '0.0.0.0';
    const clientPort = client.remotePort ?? 0;
    this.who = endpointText(clientIp, clientPort);
    this.tcp = createSyntheticConnection(
      { ip: clientIp, port: clientPort },
      { ip: upstreamIp, port: options.upstreamPort },
      options.onPacket,
    );
    this.upstream = connectUpstream(options, upstreamIp);
    host.track(client);
    host.track(this.upstream);
    client.setNoDelay(true);
    this.upstream.setNoDelay(true);
    if (host.paused) this.upstream.pause();
    this.listenUpstream();
    this.listenClient();
  }

  /** Reads again on each side that neither the pause nor its peer's full send buffer holds back. */
  update(): void {
    this.readClient();
    this.readUpstream();
  }

  private readClient(): void {
    if (this.connected && !this.host.paused && !this.upstream.writableNeedDrain) this.client.resume();
  }

  private readUpstream(): void {
    if (!this.host.paused && !this.client.writableNeedDrain) this.upstream.resume();
  }

  private notice(code: string, message: string): void {
    this.host.options.onNotice?.({ code, message, client: this.who });
  }

  private listenUpstream(): void {
    const { upstream, client, tcp } = this;
    upstream.once(this.host.options.upstreamTls ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      tcp.open();
      this.readClient();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => this.onUpstreamError(err));
    upstream.on('drain', () => this.readClient());
    upstream.on('data', (chunk: Buffer) => {
      tcp.data('server', chunk);
      if (!client.write(chunk)) upstream.pause();
    });
    upstream.on('end', () => {
      tcp.fin('server');
      client.end();
    });
    // A socket closed without FIN or error (destroyed by us) needs its peer gone too.
    upstream.once('close', () => {
      if (!client.destroyed && client.writableEnded === false) client.destroy();
    });
  }

  private listenClient(): void {
    const { upstream, client, tcp } = this;
    client.on('error', (err: NodeJS.ErrnoException) => {
      tcp.reset('client');
      this.notice('CLIENT_RESET', `${this.who} reset its connection (${err.code ?? err.message})`);
      if (!upstream.destroyed) resetSocket(upstream);
    });
    client.on('data', (chunk: Buffer) => {
      tcp.data('client', chunk);
      if (!upstream.write(chunk)) client.pause();
    });
    client.on('drain', () => this.readUpstream());
    client.on('end', () => {
      tcp.fin('client');
      upstream.end();
    });
    client.once('close', () => {
      this.host.forget(this);
      if (this.connected && !upstream.destroyed && upstream.writableEnded === false) upstream.destroy();
    });
  }

  private onUpstreamError(err: NodeJS.ErrnoException): void {
    const { upstreamHost, upstreamPort, upstreamTls } = this.host.options;
    const why = err.code ?? err.message;
    if (!this.connected && upstreamTls && err.code !== 'ECONNREFUSED') {
      this.tcp.refused();
      const message = `TLS to upstream ${upstreamHost}:${upstreamPort} failed for ${this.who} (${why})`;
      this.notice('UPSTREAM_TLS_FAILED', message);
    } else if (!this.connected) {
      this.tcp.refused();
      this.notice(
        'UPSTREAM_REFUSED',
        `upstream ${upstreamHost}:${upstreamPort} refused ${this.who} (${why})`,
      );
    } else {
      this.tcp.reset('server');
      this.notice('UPSTREAM_RESET', `upstream reset the connection of ${this.who} (${why})`);
    }
    if (!this.client.destroyed) resetSocket(this.client);
  }
}

function connectUpstream(options: TapProxyOptions, upstreamIp: string): Socket {
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
