// Test support: real TLS sessions between node's tls client and server on 127.0.0.1, through a
// TCP relay that records the bytes each way in the order they passed, with the session secrets
// from node's 'keylog' event; and the TLS layer run over such a recording.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { Side, WireEvent } from '../../wire/events.js';
import type { ConnectionInfo, ConnectionSink, StreamMeta } from '../../wire/stream.js';
import { KeyStore } from '../../wire/tls/key-store.js';
import { parseKeyLog } from '../../wire/tls/keylog-parser.js';
import type { TlsOptions } from '../../wire/tls/tls-connection.js';
import { createTlsAwareSink } from '../../wire/tls/tls-sink.js';
import { writeTestCertificate } from '../test-certificate.js';

export interface Chunk {
  from: Side;
  bytes: Buffer;
  /** Replay only: this many bytes from `from` were lost here (bytes is then empty). */
  gap?: number;
}

export interface TestCertificate {
  cert: Buffer;
  key: Buffer;
}

/** A self-signed certificate for `cn` (with a DNS SAN) made by openssl req: RSA, or ECDSA P-256. */
export function makeCertificate(cn = 'localhost', keyType: 'rsa' | 'ec' = 'rsa'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-tls-kit-'));
  try {
    const { cert, key } = writeTestCertificate(dir, { cn, keyType });
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TCP relay on a free port in front of `target`, recording every chunk each way in order. */
export async function startRecordingRelay(
  target: number,
): Promise<{ port: number; chunks: Chunk[]; closed: Promise<void>; server: Server }> {
  const chunks: Chunk[] = [];
  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  const server = createServer((client: Socket) => {
    const upstream = createConnection(target, '127.0.0.1');
    let open = 2;
    const finish = () => {
      if (--open === 0) done();
    };
    client.on('data', (b: Buffer) => {
      chunks.push({ from: 'client', bytes: Buffer.from(b) });
      upstream.write(b);
    });
    upstream.on('data', (b: Buffer) => {
      chunks.push({ from: 'server', bytes: Buffer.from(b) });
      client.write(b);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', finish);
    upstream.on('close', finish);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, chunks, closed, server };
}

export interface SessionPlan {
  server?: tls.TlsOptions;
  client?: tls.ConnectionOptions;
  /** Written by the client (each element one write) and by the server. */
  clientSends: Buffer[];
  serverSends: Buffer[];
  /** A server-side session cache (resumption by session id needs one in node). */
  cache?: Map<string, Buffer>;
  /** Runs after clientSends are written, before the client may end (e.g. renegotiate, write more). */
  clientScript?: (client: tls.TLSSocket) => Promise<void>;
}

export interface RecordedSession {
  chunks: Chunk[];
  keylog: string;
  /** Bytes each side received (what the decoder must reproduce). */
  received: { client: Buffer; server: Buffer };
  /** The client's session, for resumption. */
  session?: Buffer;
  /** The client's error when the handshake failed. */
  clientError?: Error;
}

const total = (parts: Buffer[]): number => parts.reduce((n, b) => n + b.length, 0);

/** Runs one TLS conversation through a recording relay. */
export async function recordSession(cert: TestCertificate, plan: SessionPlan): Promise<RecordedSession> {
  const keylog: string[] = [];
  const received = { client: [] as Buffer[], server: [] as Buffer[] };
  const server = tls.createServer({ cert: cert.cert, key: cert.key, ...plan.server }, (socket) => {
    for (const b of plan.serverSends) socket.write(b);
    socket.on('data', (b: Buffer) => received.server.push(b));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  server.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  server.on('tlsClientError', () => undefined);
  const cache = plan.cache;
  if (cache) {
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      cache.set(id.toString('hex'), data);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) =>
      done(null, cache.get(id.toString('hex')) ?? null),
    );
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverPort = (server.address() as { port: number }).port;
  const relay = await startRecordingRelay(serverPort);
  let session: Buffer | undefined;
  let clientError: Error | undefined;
  try {
    await new Promise<void>((resolve) => {
      const client = tls.connect({
        host: '127.0.0.1',
        port: relay.port,
        servername: 'localhost',
        rejectUnauthorized: false,
        ...plan.client,
      });
      client.on('keylog', (line: Buffer) => keylog.push(line.toString()));
      client.on('session', (s: Buffer) => (session = s));
      client.on('error', (err) => {
        clientError = err;
        resolve();
      });
      const want = total(plan.serverSends);
      let got = 0;
      let sent = false;
      const maybeEnd = () => {
        if (sent && got >= want) client.end();
      };
      client.on('data', (b: Buffer) => {
        received.client.push(b);
        got += b.length;
        maybeEnd();
      });
      client.once('secureConnect', () => {
        for (const b of plan.clientSends) client.write(b);
        void (plan.clientScript?.(client) ?? Promise.resolve()).then(() => {
          sent = true;
          maybeEnd();
        });
      });
      client.on('close', () => resolve());
    });
    await Promise.race([relay.closed, new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    relay.server.close();
    server.close();
  }
  return {
    chunks: relay.chunks,
    keylog: [...new Set(keylog)].join(''),
    received: { client: Buffer.concat(received.client), server: Buffer.concat(received.server) },
    session,
    clientError,
  };
}

/** `openssl s_client` (with `args`) against a node tls server, through the recording relay. */
export async function recordOpensslClient(
  cert: TestCertificate,
  server: tls.TlsOptions,
  args: string[],
): Promise<RecordedSession> {
  const keylog: string[] = [];
  const tlsServer = tls.createServer({ cert: cert.cert, key: cert.key, ...server }, (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  tlsServer.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  tlsServer.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const relay = await startRecordingRelay((tlsServer.address() as { port: number }).port);
  try {
    await new Promise<void>((resolve) => {
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${relay.port}`, ...args], {
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.stdin.end();
      child.on('close', () => resolve());
      child.on('error', () => resolve());
    });
    await Promise.race([relay.closed, new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    relay.server.close();
    tlsServer.close();
  }
  return {
    chunks: relay.chunks,
    keylog: keylog.join(''),
    received: { client: Buffer.alloc(0), server: Buffer.alloc(0) },
  };
}

export const TEST_INFO: ConnectionInfo = {
  conn: 1,
  client: { ip: '127.0.0.1', port: 40000 },
  server: { ip: '127.0.0.1', port: 7272 },
  handshakeSeen: true,
};

export interface Decoded {
  events: WireEvent[];
  /** Bytes the inner sink got per label. */
  plain: { client: Buffer; server: Buffer };
  problems: Array<{ code: string; message: string }>;
  /** Everything the inner sink was told, in order. */
  calls: string[];
  /** Each data() call of the inner sink. */
  pieces: Chunk[];
}

/** Runs the TLS layer over recorded chunks (optionally re-split by `split`) with an optional key log. */
export function decodeChunks(
  chunks: Chunk[],
  keylog: string | undefined,
  options: TlsOptions & {
    split?: (bytes: Buffer) => Buffer[];
    ts?: number;
    info?: ConnectionInfo;
    inner?: (events: WireEvent[]) => ConnectionSink;
    /** After both ends, release the sink as the flow table does when a connection closes. */
    release?: boolean;
  } = {},
): Decoded {
  const events: WireEvent[] = [];
  const plain = { client: [] as Buffer[], server: [] as Buffer[] };
  const calls: string[] = [];
  const pieces: Chunk[] = [];
  let keys = options.keys;
  if (keylog !== undefined) {
    keys = new KeyStore();
    parseKeyLog(keylog, keys, 'test keylog');
  }
  const inner: ConnectionSink = options.inner?.(events) ?? {
    data(label, bytes) {
      plain[label].push(Buffer.from(bytes));
      pieces.push({ from: label, bytes: Buffer.from(bytes) });
    },
    gap(label, missing) {
      calls.push(`gap ${label} ${missing}`);
    },
    end(label) {
      calls.push(`end ${label}`);
    },
  };
  const sink = createTlsAwareSink(options.info ?? TEST_INFO, (e) => events.push(e), inner, {
    ...options,
    keys,
  });
  chunks.forEach((chunk, i) => {
    const meta: StreamMeta = { ts: options.ts ?? Date.now() / 1000, packet: i + 1 };
    if (chunk.gap !== undefined) return sink.gap(chunk.from, chunk.gap, meta);
    for (const part of options.split ? options.split(chunk.bytes) : [chunk.bytes])
      sink.data(chunk.from, part, meta);
  });
  sink.end('client', { ts: 0, packet: chunks.length });
  sink.end('server', { ts: 0, packet: chunks.length });
  if (options.release) sink.release?.();
  const problems = events
    .filter((e): e is Extract<WireEvent, { event: 'decode.problem' }> => e.event === 'decode.problem')
    .map((e) => ({ code: e.code, message: e.message }));
  return {
    events,
    plain: { client: Buffer.concat(plain.client), server: Buffer.concat(plain.server) },
    problems,
    calls,
    pieces,
  };
}

/** The TLS events of a decoding (as loosely typed records, for assertions). */
export function tlsEvents(decoded: Decoded, name: string): Array<Record<string, unknown>> {
  return (decoded.events as unknown as Array<Record<string, unknown>>).filter((e) => e.event === name);
}
