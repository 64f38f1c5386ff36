// The read benchmark's captures, made once into bench-output/ by real servers, real clients
// and a real tcpdump on loopback (read-bench.ts reuses them until --regenerate):
//
// - mixed (the default): a `ws` echo server and 6 clients, half with permessage-deflate, sending a
//   chat-like mix (small chat JSON broadcast to all, logins, long texts in fragments, binary);
// - chat-heavy: the real chat server and a few real `ws` clients in one room, each saying short
//   chat lines (5–80 characters) that the server broadcasts to the room: hundreds of thousands of
//   small messages, most in a packet of their own, the worst case per byte for a decoder;
// - wss + ws: one conversation (a login, then `say` lines of 10–210 characters, each broadcast
//   back) recorded twice with the same words, over wss:// (TLS 1.3, the server's key log written
//   next to it by `serve --tls-keylog`'s code path) and over ws://.
//
// Clients keep a bounded window of lines said but not yet heard back, so the server is never
// flooded (its per-client output bound would cut a flooding client off) and the capture is made
// of many small writes, as a busy chat is.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { createChatServer, type ChatServer } from '../chat/server.js';
import { freePort } from '../shared/free-port.js';
import { startTcpdumpRecorder } from '../testing/tcpdump-recorder.js';
import { startEchoServer, runClient, type OutMessage } from '../testing/ws-traffic.js';
import { writeCertificate } from '../testing/wire/wss-recording-kit.js';

/** A deterministic pseudo-random generator, so two runs make comparable captures. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const MIXED_CLIENTS = 6;

const MIX_WORDS =
  'the quick brown fox jumps over lazy dog hi all chat message wire decode frame socket'.split(' ');

/** An endless mix like a busy chat: mostly small JSON, some large text, binary, fragments. */
function* workload(client: number, stop: () => boolean): Generator<OutMessage> {
  const r = rng(client + 1);
  const sentence = (n: number): string =>
    Array.from({ length: n }, () => MIX_WORDS[Math.floor(r() * MIX_WORDS.length)]).join(' ');
  for (let i = 0; !stop(); i++) {
    const p = r();
    if (p < 0.6) {
      const say = { type: 'say', to_uid: 'all', content: `${i}: ${sentence(4 + Math.floor(r() * 20))}` };
      yield { kind: 'text', data: JSON.stringify(say) };
    } else if (p < 0.75) {
      yield { kind: 'text', data: JSON.stringify({ type: 'login', name: `user${client}-${i}` }) };
    } else if (p < 0.88) {
      yield { kind: 'text', data: sentence(50 + Math.floor(r() * 550)), fragments: 1 + Math.floor(r() * 4) };
    } else if (p < 0.97) {
      yield { kind: 'binary', data: randomBytes(256 + Math.floor(r() * 3840)) };
    } else {
      yield { kind: 'text', data: sentence(3000 + Math.floor(r() * 5000)), fragments: 3 };
    }
  }
}

/** The mixed capture: 6 clients, half with permessage-deflate, until the file has targetBytes. */
export async function makeMixedCapture(
  file: string,
  targetBytes: number,
): Promise<{ dropped: number; captured: number }> {
  const port = await freePort();
  const server = await startEchoServer(port);
  const recorder = await startTcpdumpRecorder({ file, port, bufferKiB: 65536 });
  const stop = (): boolean => (existsSync(file) ? statSync(file).size : 0) >= targetBytes;
  let last = 0;
  const timer = setInterval(() => {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size - last > 10 * 1048576) {
      last = size;
      process.stderr.write(`\rcapturing: ${(size / 1048576).toFixed(0)} MB`);
    }
  }, 500);
  // Checking the file size on every message would dominate; check every 200 messages.
  let tick = 0;
  let done = false;
  const throttledStop = (): boolean => {
    if (done) return true;
    if (++tick % 200 === 0) done = stop();
    return done;
  };
  try {
    await Promise.all(
      Array.from({ length: MIXED_CLIENTS }, (_, i) =>
        runClient(port, i % 2 === 0, workload(i, throttledStop), { maxBuffered: 4 << 20 }),
      ),
    );
  } finally {
    clearInterval(timer);
    process.stderr.write('\n');
    await server.close();
  }
  const stats = await recorder.stop();
  return { dropped: stats.dropped, captured: stats.captured };
}

const WORDS = 'hi all ok yes no lol see you soon here now then good night morning brb thanks sure'.split(' ');

/** A chat line of `min`–`max` characters. */
function line(r: () => number, min: number, max: number): string {
  const want = min + Math.floor(r() * (max - min + 1));
  let s = '';
  while (s.length < want) s += (s ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
  return s.slice(0, want);
}

export interface RecordedCapture {
  file: string;
  captured: number;
  dropped: number;
  /** Messages sent by the clients (each is broadcast back by the server). */
  said: number;
}

async function chatServer(tls?: { cert: string; key: string; keylog: string }): Promise<ChatServer> {
  return createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    // The benchmark's clients say far more than a person: no rate limit, a large output bound.
    rate: 1e9,
    addressRate: 0,
    maxBuffered: 256 << 20,
    ...(tls ? { tlsCert: tls.cert, tlsKey: tls.key, tlsKeylog: tls.keylog } : {}),
  });
}

/**
 * One chat client: logs in to room 1, then says `count` lines from `next()`, keeping at most
 * `window` of its own lines unheard. Resolves when every line came back and the socket closed.
 */
async function talk(
  url: string,
  name: string,
  count: number,
  next: () => string,
  window: number,
): Promise<void> {
  const ws = new WebSocket(url, { rejectUnauthorized: false, perMessageDeflate: false });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let heard = 0;
  let wake: (() => void) | undefined;
  const mine = `"from_client_name":"${name}"`;
  ws.on('message', (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"say"') && text.includes(mine)) {
      heard++;
      wake?.();
    }
  });
  ws.send(JSON.stringify({ type: 'login', client_name: name, room_id: 1 }));
  for (let said = 0; said < count; said++) {
    while (said - heard >= window) {
      const before = heard;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 5000);
      });
      wake = undefined;
      if (heard === before) throw new Error(`${name}: the server stopped answering after ${heard} lines`);
    }
    ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content: next() }));
  }
  for (let i = 0; i < 500 && heard < count; i++) await new Promise((r) => setTimeout(r, 10));
  ws.close(1000, 'bye');
  await new Promise((r) => {
    ws.once('close', r);
    setTimeout(r, 3000);
  });
}

async function record(file: string, port: number, run: () => Promise<number>): Promise<RecordedCapture> {
  const recorder = await startTcpdumpRecorder({ file, port, bufferKiB: 65536 });
  const said = await run();
  const stats = await recorder.stop();
  return { file, captured: stats.captured, dropped: stats.dropped, said };
}

/** `clients` clients in one room saying `says` short lines in all (each heard by every client). */
export async function makeChatHeavyCapture(
  file: string,
  says: number,
  clients = 4,
): Promise<RecordedCapture> {
  const server = await chatServer();
  try {
    return await record(file, server.wsPort, async () => {
      const per = Math.ceil(says / clients);
      await Promise.all(
        Array.from({ length: clients }, (_, i) => {
          const r = rng(1000 + i);
          return talk(`ws://127.0.0.1:${server.wsPort}/`, `user${i}`, per, () => line(r, 5, 80), 1);
        }),
      );
      return per * clients;
    });
  } finally {
    await server.close();
  }
}

export interface WssPair {
  wss: RecordedCapture;
  ws: RecordedCapture;
  keylog: string;
}

/** The same conversation over wss:// (with the server's key log) and over ws://. */
export async function makeWssPair(
  wssFile: string,
  wsFile: string,
  keylog: string,
  says: number,
): Promise<WssPair> {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-read-bench-'));
  try {
    if (existsSync(keylog)) rmSync(keylog);
    const conversation = (url: string): Promise<number> => {
      const r = rng(7);
      return talk(url, 'ann', says, () => line(r, 10, 210), 64).then(() => says);
    };
    const tls = await chatServer({ ...writeCertificate(dir), keylog });
    let wss: RecordedCapture;
    try {
      wss = await record(wssFile, tls.wsPort, () => conversation(`wss://127.0.0.1:${tls.wsPort}/`));
    } finally {
      await tls.close();
    }
    if (!existsSync(keylog) || statSync(keylog).size === 0) throw new Error('the server wrote no key log');
    const plain = await chatServer();
    let ws: RecordedCapture;
    try {
      ws = await record(wsFile, plain.wsPort, () => conversation(`ws://127.0.0.1:${plain.wsPort}/`));
    } finally {
      await plain.close();
    }
    return { wss, ws, keylog };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
