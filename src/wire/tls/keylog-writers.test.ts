// Key logs written by other programs, as TLS_NO_KEYS tells users to make them: curl with
// SSLKEYLOGFILE and Python's ssl module (keylog_filename), each talking to a node https/tls
// server through the recording relay; the decrypted bytes are what was sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  decodeChunks,
  makeCertificate,
  startRecordingRelay,
  tlsEvents,
} from '../../testing/wire/tls-test-kit.js';

const run = promisify(execFile);
const cert = makeCertificate();

async function has(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

test('curl with SSLKEYLOGFILE: an https exchange decrypts to the request and the response', async (t) => {
  if (!(await has('curl', ['--version']))) return t.skip('curl is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-curl-'));
  const server = createServer({ cert: cert.cert, key: cert.key }, (req, res) =>
    res.end(`you asked for ${req.url}\n`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay = await startRecordingRelay((server.address() as { port: number }).port);
  try {
    const keylog = join(dir, 'keys.log');
    const { stdout } = await run('curl', ['-sk', '--http1.1', `https://127.0.0.1:${relay.port}/wss-check`], {
      env: { ...process.env, SSLKEYLOGFILE: keylog },
    });
    assert.equal(stdout, 'you asked for /wss-check\n');
    await Promise.race([relay.closed, new Promise((r) => setTimeout(r, 2000))]);
    assert.ok(existsSync(keylog), 'curl wrote no key log');
    const decoded = decodeChunks(relay.chunks, readFileSync(keylog, 'utf8'));
    assert.deepEqual(decoded.problems, []);
    assert.match(decoded.plain.client.toString(), /^GET \/wss-check HTTP\/1\.1\r\n/);
    assert.match(decoded.plain.server.toString(), /you asked for \/wss-check\n$/);
    assert.equal(tlsEvents(decoded, 'tls.client-hello')[0]?.keysKnown, true);
  } finally {
    relay.server.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const PYTHON = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.keylog_filename = sys.argv[2]
if sys.argv[3] == '1.2':
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as raw:
    with ctx.wrap_socket(raw, server_hostname='localhost') as s:
        s.sendall(b'hello from python\\n')
        got = b''
        while not got.endswith(b'\\n'):
            got += s.recv(100)
        sys.stdout.write(got.decode())
`;

for (const version of ['1.3', '1.2']) {
  test(`Python ssl keylog_filename (TLS ${version}): decrypts both ways`, async (t) => {
    if (!(await has('python3', ['-c', 'import ssl']))) return t.skip('python3 is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-python-'));
    const server = tls.createServer({ cert: cert.cert, key: cert.key }, (socket) => {
      socket.on('data', () => socket.end('hello from node\n'));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const relay = await startRecordingRelay((server.address() as { port: number }).port);
    try {
      const keylog = join(dir, 'keys.log');
      const { stdout } = await run('python3', ['-c', PYTHON, String(relay.port), keylog, version]);
      assert.equal(stdout, 'hello from node\n');
      await Promise.race([relay.closed, new Promise((r) => setTimeout(r, 2000))]);
      const decoded = decodeChunks(relay.chunks, readFileSync(keylog, 'utf8'));
      assert.deepEqual(decoded.problems, []);
      assert.equal(decoded.plain.client.toString(), 'hello from python\n');
      assert.equal(decoded.plain.server.toString(), 'hello from node\n');
      assert.equal(tlsEvents(decoded, 'tls.server-hello')[0]?.version, `TLS ${version}`);
    } finally {
      relay.server.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
