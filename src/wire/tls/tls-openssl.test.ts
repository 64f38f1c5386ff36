// What node's TLS cannot produce, made with OpenSSL's s_client and s_server: a KeyUpdate in the
// middle of application data, and 0-RTT early data on a resumed session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOpensslLab } from '../../testing/wire/openssl-test-kit.js';
import { decodeChunks, makeCertificate, tlsEvents } from '../../testing/wire/tls-test-kit.js';

const cert = makeCertificate();

test('TLS 1.3 KeyUpdate: the records after it decrypt with the next traffic secret', async () => {
  const lab = await startOpensslLab(cert, ['-tls1_3']);
  try {
    // s_client sends a KeyUpdate when a line starts with "k" (and one asking for the peer's with "K").
    const typed = [300, 'before\n', 300, 'K\n', 300, 'after\n', 300, 'k\n', 300, 'last\n', 300];
    await lab.client(['-tls1_3', '-servername', 'localhost'], typed);
    const decoded = decodeChunks(lab.chunks, lab.keylog());
    assert.deepEqual(decoded.problems, []);
    assert.equal(decoded.plain.client.toString(), 'before\nafter\nlast\n');
    const updates = tlsEvents(decoded, 'tls.handshake').filter((e) => e.message === 'KeyUpdate');
    // The client updates twice; the server answers the requested update once (when it next writes).
    assert.deepEqual(updates.map((u) => u.from).sort(), ['client', 'client', 'server']);
    assert.equal(
      tlsEvents(decoded, 'tls.alert').length,
      2,
      'both close_notify alerts decrypt after the updates',
    );
  } finally {
    lab.stop();
  }
});

test('TLS 1.3 0-RTT: early data on a resumed session decrypts with CLIENT_EARLY_TRAFFIC_SECRET', async () => {
  const lab = await startOpensslLab(cert, ['-tls1_3', '-early_data']);
  try {
    await lab.client(['-tls1_3', '-sess_out', 'session.pem'], [500, 'first\n', 300]);
    const firstConnection = lab.chunks.length;
    const early = 'early data sent before the handshake completes\n';
    writeFileSync(join(lab.dir, 'early.txt'), early);
    await lab.client(
      ['-tls1_3', '-sess_in', 'session.pem', '-early_data', 'early.txt'],
      [500, 'later\n', 300],
    );
    const decoded = decodeChunks(lab.chunks.slice(firstConnection), lab.keylog());
    assert.deepEqual(decoded.problems, []);
    assert.match(lab.keylog(), /CLIENT_EARLY_TRAFFIC_SECRET/);
    const [hello] = tlsEvents(decoded, 'tls.client-hello');
    assert.equal(hello?.earlyData, true);
    assert.equal(decoded.plain.client.toString(), `${early}later\n`);
  } finally {
    lab.stop();
  }
});
