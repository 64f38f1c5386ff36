// The TLS layer as a ConnectionSink: TLS recognised by content (on any port), clear streams
// passed on untouched, TLS picked up mid-stream and lost bytes reported; and a short fuzz of
// mutated real sessions that must never throw, hang or pass on unauthenticated bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  decodeChunks,
  makeCertificate,
  recordSession,
  TEST_INFO,
  type Chunk,
} from '../../testing/wire/tls-test-kit.js';
import { sniffTls } from './tls-sink.js';

const cert = makeCertificate();
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

test('sniffTls: a ClientHello record is TLS; HTTP, WebSocket frames and short non-TLS bytes are not', () => {
  assert.equal(sniffTls(hex('160301016a01')), 'tls');
  assert.equal(sniffTls(hex('1603')), 'maybe');
  assert.equal(sniffTls(Buffer.from('GET / HTTP/1.1\r\n')), 'no');
  assert.equal(sniffTls(hex('8105')), 'no'); // a WebSocket text frame
  assert.equal(sniffTls(hex('17030300430a')), 'mid-stream');
  assert.equal(sniffTls(hex('160303ffff01')), 'no'); // longer than any record
});

test('a clear stream goes to the inner sink byte for byte, gaps and ends included', () => {
  const chunks: Chunk[] = [
    { from: 'client', bytes: Buffer.from('GET /chat HTTP/1.1\r\nHost: x\r\n\r\n') },
    { from: 'server', bytes: Buffer.from('HTTP/1.1 101 Switching Protocols\r\n\r\n') },
    { from: 'client', bytes: Buffer.alloc(0), gap: 10 },
    { from: 'client', bytes: hex('8185aabbccdd') },
  ];
  const decoded = decodeChunks(chunks, undefined, { split: (b) => [b.subarray(0, 1), b.subarray(1)] });
  assert.deepEqual(decoded.problems, []);
  assert.deepEqual(decoded.plain.client, Buffer.concat([chunks[0]!.bytes, chunks[3]!.bytes]));
  assert.deepEqual(decoded.plain.server, chunks[1]!.bytes);
  assert.deepEqual(decoded.calls, ['gap client 10', 'end client', 'end server']);
  assert.equal(decoded.events.length, 0);
});

test('TLS records without a ClientHello (capture began mid-connection) are reported once, not decoded', () => {
  const records = Buffer.concat([hex('1703030005'), randomBytes(5), hex('1703030003'), randomBytes(3)]);
  const midStream = { ...TEST_INFO, handshakeSeen: false };
  const decoded = decodeChunks(
    [
      { from: 'client', bytes: records },
      { from: 'server', bytes: records },
    ],
    undefined,
    { info: midStream },
  );
  assert.deepEqual(
    decoded.problems.map((p) => p.code),
    ['TLS_MID_STREAM'],
  );
  assert.equal(decoded.plain.client.length + decoded.plain.server.length, 0);
  // With the SYN seen, such a stream is not TLS that can be followed: it goes on as clear bytes.
  const seen = decodeChunks([{ from: 'client', bytes: records }], undefined, {});
  assert.deepEqual(seen.plain.client, records);
});

test('a stream that stops being TLS records, or loses bytes, is reported and nothing more is decrypted', async () => {
  const session = await recordSession(cert, {
    server: { minVersion: 'TLSv1.3' },
    clientSends: [Buffer.from('a\n'), Buffer.from('b\n')],
    serverSends: [Buffer.from('c\n')],
  });
  const broken = [
    ...session.chunks,
    { from: 'client' as const, bytes: Buffer.from('GET / HTTP/1.1\r\n\r\n') },
  ];
  const decoded = decodeChunks(broken, session.keylog);
  assert.deepEqual(
    decoded.problems.map((p) => p.code),
    ['TLS_BAD_RECORD'],
  );
  assert.match(decoded.problems[0]!.message, /no longer TLS records \(content type 71/);
  assert.equal(decoded.plain.client.toString(), 'a\nb\n');
  // Bytes lost on the server side: its records cannot be followed after the gap.
  const serverAt = session.chunks.findIndex((c, i) => c.from === 'server' && i > 1);
  const gapped = [
    ...session.chunks.slice(0, serverAt),
    { from: 'server' as const, bytes: Buffer.alloc(0), gap: 100 },
  ];
  gapped.push(...session.chunks.slice(serverAt));
  const lost = decodeChunks(gapped, session.keylog);
  assert.deepEqual(
    lost.problems.map((p) => p.code),
    ['TLS_GAP'],
  );
  assert.equal(lost.plain.server.length, 0);
  assert.equal(lost.plain.client.toString(), 'a\nb\n');
});

/** A small deterministic generator, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

test('fuzz: 400 mutated TLS 1.2 and 1.3 sessions never throw, and damaged records never pass as data', async () => {
  const sessions = await Promise.all(
    (['TLSv1.2', 'TLSv1.3'] as const).map((v) =>
      recordSession(cert, {
        server: { minVersion: v, maxVersion: v },
        clientSends: [Buffer.from('client says hello\n')],
        serverSends: [Buffer.from('server says hello\n')],
      }),
    ),
  );
  const random = rng(7);
  for (let i = 0; i < 400; i++) {
    const session = sessions[i % 2]!;
    const clean = decodeChunks(session.chunks, session.keylog);
    const chunks = session.chunks.map((c) => ({ from: c.from, bytes: Buffer.from(c.bytes) }));
    const mutations = 1 + Math.floor(random() * 4);
    for (let m = 0; m < mutations; m++) {
      const chunk = chunks[Math.floor(random() * chunks.length)]!;
      const at = Math.floor(random() * chunk.bytes.length);
      const kind = random();
      if (kind < 0.6) chunk.bytes[at] = Math.floor(random() * 256);
      else if (kind < 0.8) chunk.bytes = chunk.bytes.subarray(0, at);
      else
        chunk.bytes = Buffer.concat([
          chunk.bytes.subarray(0, at),
          randomBytes(1 + Math.floor(random() * 40)),
          chunk.bytes.subarray(at),
        ]);
    }
    const decoded = decodeChunks(chunks, session.keylog, { maxHandshakeBytes: 64 * 1024 });
    // A mutated first record may no longer look like TLS: then the bytes are passed on as clear.
    const recognised = decoded.events.some((e) => e.event.startsWith('tls.'));
    // Whatever comes out of a TLS connection was authenticated: a piece of what was sent.
    for (const side of recognised ? (['client', 'server'] as const) : []) {
      const got = decoded.plain[side].toString('latin1');
      const want = clean.plain[side].toString('latin1');
      assert.ok(got === '' || want.includes(got), `case ${i}: ${side} plaintext not from the session`);
    }
    assert.ok(decoded.events.length < 200, `case ${i}: bounded events`);
  }
});
