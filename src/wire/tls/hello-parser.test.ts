// Handshake message parsing on real messages (a node ClientHello, ServerHello and TLS 1.2
// Certificate): the facts are read, and every truncation gives an error message, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificateMessage } from './certificate.js';
import { createHandshakeReassembler, type HandshakeMessage } from './handshake-reassembler.js';
import { parseClientHello, parseServerHello } from './hello-parser.js';
import { createRecordParser } from './record-parser.js';
import { makeCertificate, recordSession } from '../../testing/wire/tls-test-kit.js';

const cert = makeCertificate('chat.example.org');

/** The clear handshake messages of each side of a TLS 1.2 session. */
async function handshakeMessages(): Promise<Record<'client' | 'server', HandshakeMessage[]>> {
  const session = await recordSession(cert, {
    server: { maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] },
    client: { maxVersion: 'TLSv1.2', servername: 'www.chat.example.org', ALPNProtocols: ['h2', 'http/1.1'] },
    clientSends: [Buffer.from('x')],
    serverSends: [],
  });
  const out = { client: [] as HandshakeMessage[], server: [] as HandshakeMessage[] };
  for (const side of ['client', 'server'] as const) {
    const records = createRecordParser();
    const handshake = createHandshakeReassembler();
    const all = session.chunks.filter((c) => c.from === side).flatMap((c) => records.push(c.bytes));
    // Up to the ChangeCipherSpec: encrypted from there on.
    const clear = all.slice(
      0,
      all.findIndex((r) => r.contentType === 20),
    );
    for (const r of clear) {
      if (r.contentType === 22) out[side].push(...(handshake.push(r.fragment) as HandshakeMessage[]));
    }
  }
  return out;
}

test('real ClientHello, ServerHello and Certificate: facts read; every truncation is an error, never a throw', async () => {
  const messages = await handshakeMessages();
  const ch = messages.client.find((m) => m.type === 1)!;
  const sh = messages.server.find((m) => m.type === 2)!;
  const certificate = messages.server.find((m) => m.type === 11)!;

  const hello = parseClientHello(ch.body);
  assert.ok(typeof hello !== 'string');
  assert.equal(hello.sni, 'www.chat.example.org');
  assert.deepEqual(hello.alpn, ['h2', 'http/1.1']);
  assert.equal(hello.random.length, 32);
  const server = parseServerHello(sh.body);
  assert.ok(typeof server !== 'string');
  assert.equal(server.version, 0x0303);
  assert.equal(server.alpn, 'http/1.1');
  assert.equal(server.helloRetry, false);
  const chain = parseCertificateMessage(certificate.body, false, 'www.chat.example.org', Date.now() / 1000);
  assert.ok(typeof chain !== 'string');
  assert.equal(chain.certificates[0]?.subject, 'CN=chat.example.org');
  assert.match(String(chain.nameMismatch), /not www\.chat\.example\.org/);
  const covered = parseCertificateMessage(certificate.body, false, 'chat.example.org', Date.now() / 1000);
  assert.equal(typeof covered !== 'string' && covered.nameMismatch, undefined);

  for (const [name, body, parse] of [
    ['ClientHello', ch.body, parseClientHello],
    ['ServerHello', sh.body, parseServerHello],
    ['Certificate', certificate.body, (b: Buffer) => parseCertificateMessage(b, false, undefined, 0)],
  ] as const) {
    let parsed = 0;
    for (let cut = 0; cut < body.length; cut++) {
      const result = (parse as (b: Buffer) => unknown)(body.subarray(0, cut));
      if (typeof result !== 'string') parsed++;
      else assert.match(result, new RegExp(`^malformed ${name}: .* runs past the end`));
    }
    // Extensions are optional before TLS 1.3: a hello cut exactly before them still parses.
    assert.equal(parsed, name === 'Certificate' ? 0 : 1, name);
  }
});
