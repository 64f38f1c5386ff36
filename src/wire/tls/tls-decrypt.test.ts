// Real TLS sessions (node's tls client and server on 127.0.0.1, each version and suite forced on
// the server) recorded at a relay, then decrypted with the key log node's 'keylog' event wrote:
// the application bytes come out exactly as sent, both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, randomBytes } from 'node:crypto';
import {
  decodeChunks,
  makeCertificate,
  recordOpensslClient,
  recordSession,
  tlsEvents,
  type SessionPlan,
} from '../../testing/wire/tls-test-kit.js';

const cert = makeCertificate();
const ecCert = makeCertificate('localhost', 'ec');

/** Known bytes both ways: small writes, and a large one spanning many records. */
function conversation(): Pick<SessionPlan, 'clientSends' | 'serverSends'> {
  return {
    clientSends: [Buffer.from('hello from the client\n'), Buffer.from('second write\n'), randomBytes(70_000)],
    serverSends: [Buffer.from('hello from the server\n'), randomBytes(40_000), Buffer.from('bye\n')],
  };
}

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const TLS12_SUITES: Array<[string, number?, 'ec'?]> = [
  ['ECDHE-ECDSA-AES128-GCM-SHA256', undefined, 'ec'],
  ['ECDHE-ECDSA-CHACHA20-POLY1305', undefined, 'ec'],
  ['ECDHE-ECDSA-AES256-SHA384', constants.SSL_OP_NO_ENCRYPT_THEN_MAC, 'ec'],
  ['DHE-RSA-AES128-GCM-SHA256'],
  ['DHE-RSA-AES256-SHA256'],
  ['ECDHE-RSA-AES128-GCM-SHA256'],
  ['ECDHE-RSA-AES256-GCM-SHA384'],
  ['ECDHE-RSA-CHACHA20-POLY1305'],
  ['AES128-GCM-SHA256'], // RSA key exchange
  ['ECDHE-RSA-AES128-SHA'], // CBC, HMAC-SHA1, encrypt-then-MAC (OpenSSL's default)
  ['ECDHE-RSA-AES128-SHA', constants.SSL_OP_NO_ENCRYPT_THEN_MAC], // CBC, MAC-then-encrypt
  ['AES256-SHA256', constants.SSL_OP_NO_ENCRYPT_THEN_MAC],
  ['ECDHE-RSA-AES256-SHA384'],
  ['ECDHE-RSA-AES256-SHA384', constants.SSL_OP_NO_ENCRYPT_THEN_MAC],
];

for (const suite of TLS13_SUITES) {
  test(`TLS 1.3 ${suite}: both directions decrypt to exactly what was sent`, async () => {
    const plan = conversation();
    const session = await recordSession(cert, {
      server: { minVersion: 'TLSv1.3', ciphers: suite },
      client: { ciphers: suite },
      ...plan,
    });
    const decoded = decodeChunks(session.chunks, session.keylog);
    assert.deepEqual(decoded.problems, []);
    assert.deepEqual(decoded.plain.client, Buffer.concat(plan.clientSends));
    assert.deepEqual(decoded.plain.server, Buffer.concat(plan.serverSends));
    const [hello] = tlsEvents(decoded, 'tls.server-hello');
    assert.equal(hello?.version, 'TLS 1.3');
    assert.equal(hello?.cipherSuite, suite);
    // The server's certificate is encrypted in TLS 1.3: seen only because it was decrypted.
    assert.equal(tlsEvents(decoded, 'tls.certificate').length, 1);
    assert.ok(tlsEvents(decoded, 'tls.handshake').some((e) => e.message === 'NewSessionTicket'));
  });
}

for (const [suite, secureOptions, keyType] of TLS12_SUITES) {
  const mte = secureOptions !== undefined ? ' (MAC-then-encrypt)' : '';
  test(`TLS 1.2 ${suite}${mte}: both directions decrypt to exactly what was sent`, async () => {
    const plan = conversation();
    const session = await recordSession(keyType === 'ec' ? ecCert : cert, {
      server: { maxVersion: 'TLSv1.2', ciphers: suite, secureOptions, dhparam: 'auto' },
      client: { maxVersion: 'TLSv1.2', ciphers: suite },
      ...plan,
    });
    assert.match(session.keylog, /^CLIENT_RANDOM /m);
    const decoded = decodeChunks(session.chunks, session.keylog);
    assert.deepEqual(decoded.problems, []);
    assert.deepEqual(decoded.plain.client, Buffer.concat(plan.clientSends));
    assert.deepEqual(decoded.plain.server, Buffer.concat(plan.serverSends));
    const [hello] = tlsEvents(decoded, 'tls.server-hello');
    assert.equal(hello?.version, 'TLS 1.2');
    assert.ok(String(hello?.cipherSuite).startsWith('TLS_'));
    assert.equal(hello?.extendedMasterSecret, true);
    if (suite.includes('-SHA') && !suite.includes('GCM'))
      assert.equal(hello?.encryptThenMac, secureOptions === undefined);
  });
}

test('without keys: the handshake facts, each record as encrypted bytes, and one TLS_NO_KEYS', async () => {
  const session = await recordSession(cert, {
    server: { minVersion: 'TLSv1.3', ALPNProtocols: ['http/1.1'] },
    client: { ALPNProtocols: ['h2', 'http/1.1'], servername: 'chat.example.org' },
    ...conversation(),
  });
  const decoded = decodeChunks(session.chunks, undefined);
  assert.equal(decoded.plain.client.length + decoded.plain.server.length, 0);
  assert.deepEqual(
    decoded.problems.map((p) => p.code),
    ['TLS_NO_KEYS'],
  );
  assert.match(decoded.problems[0]!.message, /SSLKEYLOGFILE/);
  assert.match(decoded.problems[0]!.message, /--tls-keylog/);
  const [ch] = tlsEvents(decoded, 'tls.client-hello');
  assert.equal(ch?.sni, 'chat.example.org');
  assert.deepEqual(ch?.alpn, ['h2', 'http/1.1']);
  assert.ok((ch?.versions as string[]).includes('TLS 1.3'));
  assert.ok((ch?.cipherSuiteCount as number) > 3);
  assert.equal(ch?.keysKnown, false);
  const [sh] = tlsEvents(decoded, 'tls.server-hello');
  assert.equal(sh?.version, 'TLS 1.3');
  const encrypted = tlsEvents(decoded, 'tls.encrypted');
  assert.ok(encrypted.length > 5);
  assert.match(String(encrypted[0]?.summary), /^\d+ bytes of encrypted/);
});

test('TLS 1.2 without keys: the certificate is read, and a name it does not cover is said', async () => {
  const session = await recordSession(cert, {
    server: { maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] },
    client: { maxVersion: 'TLSv1.2', servername: 'chat.example.org', ALPNProtocols: ['http/1.1'] },
    ...conversation(),
  });
  const decoded = decodeChunks(session.chunks, undefined);
  const [certificate] = tlsEvents(decoded, 'tls.certificate');
  const leaf = (certificate?.certificates as Array<Record<string, unknown>>)[0];
  assert.equal(leaf?.subject, 'CN=localhost');
  assert.deepEqual(leaf?.subjectAltNames, ['localhost', '127.0.0.1']);
  assert.equal(leaf?.selfSigned, true);
  assert.equal(leaf?.expired, false);
  assert.match(String(certificate?.nameMismatch), /not chat\.example\.org/);
  assert.equal(tlsEvents(decoded, 'tls.server-hello')[0]?.alpn, 'http/1.1');
  // Judged at a capture time after its end, the same certificate is expired.
  const later = decodeChunks(session.chunks, undefined, { ts: Date.now() / 1000 + 10 * 86400 });
  const lateLeaf = (
    tlsEvents(later, 'tls.certificate')[0]?.certificates as Array<Record<string, unknown>>
  )[0];
  assert.equal(lateLeaf?.expired, true);
  assert.match(String(tlsEvents(later, 'tls.certificate')[0]?.summary), /EXPIRED/);
});

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  test(`${version}: a client that rejects the certificate sends an alert, explained`, async () => {
    // openssl s_client refuses the self-signed certificate during the handshake, with an alert
    // (node's client checks it only after the handshake and just closes).
    const session = await recordOpensslClient(cert, { maxVersion: version, minVersion: version }, [
      '-verify_return_error',
      '-servername',
      'localhost',
    ]);
    // OpenSSL's client has not switched to its handshake keys yet: the alert is in clear, and
    // explained without any keys.
    const decoded = decodeChunks(session.chunks, undefined);
    const [alert] = tlsEvents(decoded, 'tls.alert');
    assert.equal(alert?.level, 'fatal');
    assert.equal(alert?.description, 'unknown_ca');
    assert.equal(alert?.meaning, "the client does not trust the certificate's issuer (unknown_ca)");
    assert.equal(alert?.from, 'client');
    assert.equal(alert?.encrypted, false);
  });
}

test('a flipped bit in a record gives TLS_DECRYPT_FAILED; the record is not passed on, the rest is', async () => {
  const plan = { clientSends: [Buffer.from('one\n')], serverSends: [Buffer.from('two\n')] };
  const session = await recordSession(cert, { server: { minVersion: 'TLSv1.3' }, ...plan });
  // The client's second flight ends with its application data record: damage a byte inside it.
  const damaged = session.chunks.map((c) => ({ from: c.from, bytes: Buffer.from(c.bytes) }));
  const flight = damaged.filter((c) => c.from === 'client')[1]!;
  assert.ok(flight.bytes.length > 40);
  flight.bytes[flight.bytes.length - 20] ^= 0x01;
  const decoded = decodeChunks(damaged, session.keylog);
  assert.deepEqual(
    decoded.problems.map((p) => p.code),
    ['TLS_DECRYPT_FAILED'],
  );
  assert.equal(decoded.plain.client.length, 0);
  assert.deepEqual(decoded.plain.server, Buffer.from('two\n'));
  // The record after the damaged one (the client's close_notify) still decrypts.
  assert.ok(
    tlsEvents(decoded, 'tls.alert').some((a) => a.from === 'client' && a.description === 'close_notify'),
  );
});

test('HelloRetryRequest: shown, and the session still decrypts', async () => {
  const plan = conversation();
  const session = await recordSession(cert, {
    server: { minVersion: 'TLSv1.3', ecdhCurve: 'P-384' },
    client: { ecdhCurve: 'X25519:P-384' },
    ...plan,
  });
  const decoded = decodeChunks(session.chunks, session.keylog);
  const hellos = tlsEvents(decoded, 'tls.server-hello');
  assert.deepEqual(
    hellos.map((h) => h.helloRetry),
    [true, false],
  );
  assert.match(String(hellos[0]?.summary), /secp384r1/);
  assert.equal(tlsEvents(decoded, 'tls.client-hello').length, 2);
  assert.deepEqual(decoded.problems, []);
  assert.deepEqual(decoded.plain.client, Buffer.concat(plan.clientSends));
  assert.deepEqual(decoded.plain.server, Buffer.concat(plan.serverSends));
});

for (const [name, server, client] of [
  ['TLS 1.2 by session ticket', { maxVersion: 'TLSv1.2' }, { maxVersion: 'TLSv1.2' }],
  [
    'TLS 1.2 by session id',
    { maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET },
    { maxVersion: 'TLSv1.2' },
  ],
  ['TLS 1.3 by PSK', { minVersion: 'TLSv1.3' }, {}],
] as const) {
  test(`resumption, ${name}: the resumed session decrypts with its own key log lines`, async () => {
    const plan = conversation();
    const sessionContext = { sessionIdContext: 'wirechat-test', ticketKeys: randomBytes(48) };
    const cache = new Map<string, Buffer>();
    const first = await recordSession(cert, {
      server: { ...server, ...sessionContext },
      client,
      cache,
      ...plan,
    });
    assert.ok(first.session, 'the first session gave a session to resume');
    const second = await recordSession(cert, {
      cache,
      server: { ...server, ...sessionContext },
      client: { ...client, session: first.session },
      ...plan,
    });
    const decoded = decodeChunks(second.chunks, second.keylog);
    assert.equal(tlsEvents(decoded, 'tls.server-hello')[0]?.resumed, true);
    // No certificate on a resumed handshake.
    assert.equal(tlsEvents(decoded, 'tls.certificate').length, 0);
    assert.deepEqual(decoded.problems, []);
    assert.deepEqual(decoded.plain.client, Buffer.concat(plan.clientSends));
    assert.deepEqual(decoded.plain.server, Buffer.concat(plan.serverSends));
  });
}

test('wrong secrets: three TLS_DECRYPT_FAILED, then the direction is given up (no TLS_NO_KEYS)', async () => {
  const plan = { clientSends: ['a', 'b', 'c', 'd', 'e'].map((s) => Buffer.from(s)), serverSends: [] };
  const session = await recordSession(cert, {
    server: { maxVersion: 'TLSv1.2' },
    client: { maxVersion: 'TLSv1.2' },
    ...plan,
  });
  // The right client random with a wrong master secret.
  const wrong = session.keylog.replace(
    /^(CLIENT_RANDOM \S+ )\S+$/m,
    (_, head: string) => head + '42'.repeat(48),
  );
  const decoded = decodeChunks(
    session.chunks.map((c) => ({ from: c.from, bytes: c.bytes })),
    wrong,
    { split: (b) => [b] },
  );
  assert.ok(decoded.problems.every((p) => p.code === 'TLS_DECRYPT_FAILED'));
  // The client's protected records (Finished, its writes, close_notify): the first 3 reported,
  // the rest shown as encrypted records only.
  const client = decoded.problems.filter((p) => / from the client /.test(p.message));
  assert.equal(client.length, 3);
  assert.match(client[2]!.message, /later records of this direction are not decrypted/);
  assert.ok(tlsEvents(decoded, 'tls.encrypted').filter((e) => e.from === 'client').length >= 1);
  assert.equal(decoded.plain.client.length + decoded.plain.server.length, 0);
});

test('TLS 1.2 renegotiation: records after the second handshake decrypt with its keys', async () => {
  const session = await recordSession(cert, {
    server: { maxVersion: 'TLSv1.2' },
    client: { maxVersion: 'TLSv1.2' },
    clientSends: [Buffer.from('before\n')],
    serverSends: [Buffer.from('server\n')],
    clientScript: async (client) => {
      await new Promise<void>((resolve, reject) =>
        client.renegotiate({ rejectUnauthorized: false }, (err) => (err ? reject(err) : resolve())),
      );
      client.write('after\n');
    },
  });
  assert.equal(session.keylog.match(/^CLIENT_RANDOM /gm)?.length, 2, 'two handshakes');
  const decoded = decodeChunks(session.chunks, session.keylog);
  assert.deepEqual(decoded.problems, []);
  assert.equal(tlsEvents(decoded, 'tls.client-hello').length, 2);
  assert.equal(decoded.plain.client.toString(), 'before\nafter\n');
  assert.equal(decoded.plain.server.toString(), 'server\n');
});

test('a suite that is not decrypted (TLS_AES_128_CCM_SHA256): said once, records shown encrypted', async () => {
  const suite = 'TLS_AES_128_CCM_SHA256';
  const session = await recordSession(cert, {
    server: { minVersion: 'TLSv1.3', ciphers: suite },
    client: { ciphers: suite },
    clientSends: [Buffer.from('hi')],
    serverSends: [Buffer.from('ho')],
  });
  const decoded = decodeChunks(session.chunks, session.keylog);
  assert.equal(tlsEvents(decoded, 'tls.server-hello')[0]?.cipherSuite, suite);
  assert.deepEqual(
    decoded.problems.map((p) => p.code),
    ['TLS_UNSUPPORTED', 'TLS_NO_KEYS'],
  );
  assert.match(decoded.problems[0]!.message, /TLS_AES_128_CCM_SHA256 is not decrypted/);
  assert.equal(decoded.plain.client.length + decoded.plain.server.length, 0);
  assert.ok(tlsEvents(decoded, 'tls.encrypted').length >= 4);
});
