// wss:// end to end at the TLS layer: a real `ws` WebSocket over node's https server, recorded at
// a relay, decrypted with the server's key log and handed to the same WebSocket decoder as clear
// traffic. Several frames in one TLS record and one frame across many records both come out whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';
import type { WireEvent } from '../events.js';
import { createWebSocketConnectionDecoder } from '../websocket/connection-decoder.js';
import {
  decodeChunks,
  makeCertificate,
  startRecordingRelay,
  TEST_INFO,
  tlsEvents,
  type Chunk,
} from '../../testing/wire/tls-test-kit.js';

const cert = makeCertificate();
const BIG = 'x'.repeat(150_000);

/** A wss conversation: the client says hello, the server answers with three corked messages and a big one. */
async function recordWss(deflate: boolean): Promise<{ chunks: Chunk[]; keylog: string }> {
  const keylog: string[] = [];
  const https = createServer({ cert: cert.cert, key: cert.key, maxVersion: 'TLSv1.3' });
  https.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  const wss = new WebSocketServer({ server: https, perMessageDeflate: deflate });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      if (String(data) !== 'hello') return;
      // Corked: the three frames leave in one write, so in one TLS record.
      const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
      raw.cork();
      for (const text of ['one', 'two', 'three']) socket.send(text);
      raw.uncork();
      socket.send(BIG);
    });
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const relay = await startRecordingRelay((https.address() as { port: number }).port);
  try {
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/chat`, {
        rejectUnauthorized: false,
        perMessageDeflate: deflate,
      });
      let got = 0;
      ws.on('open', () => ws.send('hello'));
      ws.on('message', () => {
        if (++got === 4) ws.close(1000, 'done');
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    await Promise.race([relay.closed, new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    relay.server.close();
    wss.close();
    https.close();
  }
  return { chunks: relay.chunks, keylog: keylog.join('') };
}

function wsMessages(events: WireEvent[]): string[] {
  return events.flatMap((e) =>
    e.event === 'ws.message' ? [`${e.from}:${e.text === BIG ? 'BIG' : e.text}`] : [],
  );
}

for (const deflate of [false, true]) {
  test(`wss${deflate ? ' with permessage-deflate' : ''}: the decrypted stream decodes as HTTP and WebSocket`, async () => {
    const { chunks, keylog } = await recordWss(deflate);
    // One record carries the three corked frames: one piece of plaintext holds them all.
    const pieces = decodeChunks(chunks, keylog).pieces;
    if (!deflate)
      assert.ok(
        pieces.some((p) => p.from === 'server' && ['one', 'two', 'three'].every((t) => p.bytes.includes(t))),
      );
    const decoded = decodeChunks(chunks, keylog, {
      inner: (events) => createWebSocketConnectionDecoder(TEST_INFO, (e) => events.push(e)),
    });
    assert.deepEqual(decoded.problems, []);
    const request = decoded.events.find((e) => e.event === 'http.request');
    assert.equal(request?.event === 'http.request' && request.target, '/chat');
    assert.deepEqual(wsMessages(decoded.events), [
      'client:hello',
      'server:one',
      'server:two',
      'server:three',
      'server:BIG',
    ]);
    const close = decoded.events.find((e) => e.event === 'ws.close');
    assert.equal(close?.event === 'ws.close' && close.code, 1000);
    assert.ok(tlsEvents(decoded, 'tls.client-hello').length === 1);
  });
}

test('wss byte by byte: every record split at every byte gives the same messages', async () => {
  const { chunks, keylog } = await recordWss(false);
  const decoded = decodeChunks(chunks, keylog, {
    split: (bytes) => Array.from(bytes, (b) => Buffer.of(b)),
    inner: (events) => createWebSocketConnectionDecoder(TEST_INFO, (e) => events.push(e)),
  });
  assert.deepEqual(decoded.problems, []);
  assert.deepEqual(wsMessages(decoded.events), [
    'client:hello',
    'server:one',
    'server:two',
    'server:three',
    'server:BIG',
  ]);
});
