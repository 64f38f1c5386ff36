// Sockets a peer cannot hold: with short configured timeouts, a connection that never sends a
// request (web port), headers trickled a byte at a time (web port and the WebSocket port's
// upgrade) and a stalled TLS handshake are closed; a POST with a body gets 405 and the connection
// is closed without the body being read. The guards (3 s) are far below Node's defaults (60 s
// headers, 300 s requests, 120 s handshakes), so each case fails without the timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../../testing/chat/chat-client.js';
import { writeTestCertificate } from '../../testing/test-certificate.js';

const GUARD_MS = 3000;

/** Resolves with what the server sent once it closes the connection; rejects past the guard. */
function closedBy(socket: Socket): Promise<string> {
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${GUARD_MS} ms`)), GUARD_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

/** Writes `text` one byte every 50 ms until the socket closes. */
function trickle(socket: Socket, text: string): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, 50);
  socket.once('close', () => clearInterval(timer));
}

const REQUEST =
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Pad: ' +
  'a'.repeat(500);

test('idle and trickling connections are closed after the header timeout, on both ports', async () => {
  const server = await startTestServer({ headerTimeout: 0.4, requestTimeout: 1 });
  try {
    const idle = await open(server.webPort);
    const webTrickle = await open(server.webPort);
    const wsTrickle = await open(server.wsPort);
    trickle(webTrickle, REQUEST);
    trickle(wsTrickle, REQUEST);
    const [a, b, c] = await Promise.all([closedBy(idle), closedBy(webTrickle), closedBy(wsTrickle)]);
    for (const answer of [a, b, c]) assert.match(answer, /^HTTP\/1\.1 408 /);
    // The server still serves complete requests.
    assert.equal((await fetch(`http://127.0.0.1:${server.webPort}/config.json`)).status, 200);
  } finally {
    await server.close();
  }
});

test('a POST with a body gets 405 and the connection is closed without the body being read', async () => {
  const server = await startTestServer({ headerTimeout: 5, requestTimeout: 10 });
  try {
    const socket = await open(server.webPort);
    const closed = closedBy(socket);
    // Announces 10 MB and sends 10 bytes: a server that reads the body would wait for the rest.
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n0123456789');
    const answer = await closed;
    assert.match(answer, /^HTTP\/1\.1 405 /);
    assert.match(answer, /\r\nconnection: close\r\n/i);
    // A GET carrying a body is refused the same way (413), not read either.
    const other = await open(server.webPort);
    const otherClosed = closedBy(other);
    other.write('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n0123');
    assert.match(await otherClosed, /^HTTP\/1\.1 413 /);
  } finally {
    await server.close();
  }
});

test('a TLS handshake that stalls is closed after the handshake timeout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-tls-'));
  const { cert, key } = writeTestCertificate(dir);
  // Header timeout long: only the handshake timeout can close these.
  const server = await startTestServer({
    tlsCert: cert,
    tlsKey: key,
    tlsHandshakeTimeout: 0.4,
    headerTimeout: 60,
  });
  try {
    const silent = await open(server.wsPort);
    const partial = await open(server.webPort);
    // The start of a TLS record header (handshake, TLS 1.0), then nothing.
    partial.write(Buffer.from([0x16, 0x03, 0x01]));
    await Promise.all([closedBy(silent), closedBy(partial)]);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
