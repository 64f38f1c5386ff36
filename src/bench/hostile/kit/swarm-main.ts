// An attack swarm process: opens its share of the attack's connections (raw WebSocket clients
// or bare TCP sockets) and plays a behaviour on them, counting what the server answers and when
// and how it closes each connection.
import { connect as netConnect, type Socket } from 'node:net';
import { RawWsClient, ClientError } from '../../raw-ws-client.js';
import { encodeClientFrame } from '../../ws-frames.js';
import {
  spreadAddress,
  type Behaviour,
  type OpenSpec,
  type SwarmCommand,
  type SwarmEvent,
  type SwarmStats,
} from './swarm-protocol.js';

const CONNECT_LIMIT_MS = 10_000;
/** Only the start of a frame is decoded: enough for its type and error code, even for megabytes. */
const HEAD_BYTES = 256;

interface Conn {
  ws?: RawWsClient;
  tcp?: Socket;
  index: number;
  openedAt: number;
  hops: number;
}

const conns: Conn[] = [];
const timers: NodeJS.Timeout[] = [];
const stats: SwarmStats = { open: 0, sent: 0, received: {}, errors: {}, closed: [] };
/** Set once we close everything ourselves: those closes are not the server's doing. */
let closingAll = false;

function reply(event: SwarmEvent): void {
  process.send?.(event);
}

function bump(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

function sendJson(conn: Conn, message: unknown): void {
  if (!conn.ws?.isOpen) return;
  conn.ws.send(encodeClientFrame(Buffer.from(JSON.stringify(message))));
  stats.sent++;
}

function closed(conn: Conn, reason: string | null): void {
  stats.open--;
  // null: we closed it ourselves, which is not the server's doing.
  if (reason !== null && !closingAll)
    stats.closed.push({ reason, openedAt: conn.openedAt, closedAt: Date.now() });
}

/** The source address of connection `index`: its own among many users, or the one attacker's. */
function localAddress(spec: OpenSpec, index: number): string | undefined {
  return spec.perAddress ? spreadAddress(index, spec.perAddress) : undefined;
}

function openWs(spec: OpenSpec, index: number): Promise<boolean> {
  const ws = new RawWsClient({
    target: { secure: false, host: '127.0.0.1', port: spec.port, path: '/' },
    localAddress: localAddress(spec, index),
    timeoutMs: CONNECT_LIMIT_MS,
  });
  const conn: Conn = { ws, index, openedAt: 0, hops: 0 };
  let loggedIn: (ok: boolean) => void = () => {};
  ws.onMessage = (_op, buf, start, end) => {
    const head = buf.toString('utf8', start, Math.min(end, start + HEAD_BYTES));
    const type = /"type":"([a-z_]+)"/.exec(head)?.[1] ?? 'unknown';
    bump(stats.received, type);
    if (type === 'error') bump(stats.errors, /"code":"([A-Z_]+)"/.exec(head)?.[1] ?? 'UNKNOWN');
    if (head.includes('"client_list"')) loggedIn(true);
    else if (type === 'error') loggedIn(false);
  };
  return ws.open().then(
    () => {
      conn.openedAt = Date.now();
      stats.open++;
      conns.push(conn);
      ws.onClose = (reason) => {
        loggedIn(false);
        closed(conn, reason);
      };
      if (!spec.login) return false;
      const room = `${spec.login.roomPrefix}-${Math.floor(index / spec.login.roomSize)}`;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), CONNECT_LIMIT_MS);
        loggedIn = (ok) => {
          loggedIn = () => {};
          clearTimeout(timer);
          resolve(ok);
        };
        sendJson(conn, { type: 'login', client_name: `u${index}`, room_id: room });
      });
    },
    (err: unknown) => {
      throw err instanceof ClientError ? err.code : 'SOCKET_ERROR';
    },
  );
}

function openTcp(spec: OpenSpec, index: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const tcp = netConnect({ host: '127.0.0.1', port: spec.port, localAddress: localAddress(spec, index) });
    const conn: Conn = { tcp, index, openedAt: 0, hops: 0 };
    let reason: string | null = 'SERVER_CLOSED';
    tcp.once('connect', () => {
      conn.openedAt = Date.now();
      stats.open++;
      conns.push(conn);
      tcp.once('close', () => closed(conn, reason));
      resolve(false);
    });
    tcp.on('error', (err: NodeJS.ErrnoException) => {
      reason = err.code === 'ECONNRESET' ? 'CONNECTION_RESET' : (err.code ?? 'SOCKET_ERROR');
      if (!conn.openedAt) reject(err.code === 'EMFILE' ? 'TOO_MANY_OPEN_FILES' : reason);
    });
    // Read (and drop) what the server says, e.g. its 408: a paused socket never sees the end
    // behind unread bytes, so the server's close would go unnoticed.
    tcp.resume();
    tcp.on('end', () => tcp.end());
  });
}

async function open(spec: OpenSpec): Promise<void> {
  let next = 0;
  let opened = 0;
  let loggedIn = 0;
  const failed: Record<string, number> = {};
  const lane = async (): Promise<void> => {
    while (next < spec.count) {
      const index = spec.indexBase + next++;
      try {
        const ok = await (spec.mode === 'ws' ? openWs(spec, index) : openTcp(spec, index));
        opened++;
        if (ok) loggedIn++;
      } catch (code) {
        bump(failed, String(code));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.count) }, lane));
  reply({ ev: 'opened', opened, loggedIn, failed });
}

function behave(b: Behaviour): void {
  for (const conn of conns) {
    const every = b.kind === 'hop' ? b.everyMs : 1000 / b.perSec;
    // Spread the connections over the interval so the load is steady, not a pulse.
    const start = setTimeout(() => {
      const act = (): void => {
        if (b.kind === 'history') sendJson(conn, { type: 'history', limit: b.limit });
        else if (b.kind === 'chatter')
          sendJson(conn, { type: 'say', to_client_id: 'all', to_client_name: 'all', content: 'x' });
        else {
          const room = `hop-${process.pid}-${conn.index}-${conn.hops++}`;
          sendJson(conn, { type: 'login', client_name: `h${conn.index}`, room_id: room });
          sendJson(conn, { type: 'say', to_client_id: 'all', to_client_name: 'all', content: 'm' });
        }
      };
      act();
      timers.push(setInterval(act, every));
    }, Math.random() * every);
    timers.push(start);
  }
}

function halt(): void {
  for (const t of timers.splice(0)) clearTimeout(t);
}

process.on('message', (msg: SwarmCommand) => {
  if (msg.cmd === 'open') void open(msg.spec);
  else if (msg.cmd === 'behave') {
    behave(msg.behaviour);
    reply({ ev: 'ok' });
  } else if (msg.cmd === 'halt') {
    halt();
    reply({ ev: 'ok' });
  } else if (msg.cmd === 'stats') reply({ ev: 'stats', stats });
  else if (msg.cmd === 'close') {
    halt();
    closingAll = true;
    for (const conn of conns) {
      if (conn.ws) conn.ws.close();
      else conn.tcp?.destroy();
    }
    reply({ ev: 'stats', stats });
    // Close frames are written at once; the short wait lets them reach the server.
    setTimeout(() => process.exit(0), 500);
  }
});
process.on('disconnect', () => process.exit(0));
