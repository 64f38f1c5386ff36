import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLiveCapture } from './live-capture.js';
import { UserError } from '../../shared/errors.js';
import { ownLoopbackTraffic } from '../../testing/loopback-filter.js';
import { tshark } from '../../testing/wire/tap-test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'wirechat-live-'));

async function failureCode(options: Parameters<typeof startLiveCapture>[0]): Promise<string> {
  const capture = startLiveCapture(options);
  try {
    await capture.done;
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 2);
    assert.doesNotMatch(err.message, /\n/);
    return err.code;
  }
  return 'NO_ERROR';
}

const noop = (): void => undefined;

/** Records in a (possibly partial) classic pcap stream: 24-byte header, 16-byte record headers. */
function pcapRecords(stream: Buffer): number {
  let n = 0;
  for (let at = 24; at + 16 <= stream.length; n++) at += 16 + stream.readUInt32LE(at + 8);
  return n;
}

/** Starts `server` on a free loopback port and a live capture of its traffic only. */
async function captureOwnTraffic(server: Server, count?: number) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const chunks: Buffer[] = [];
  const capture = startLiveCapture({
    iface: 'lo',
    expression: ownLoopbackTraffic(port),
    count,
    onData: (c) => chunks.push(c),
  });
  await capture.ready;
  return { server, port, capture, chunks };
}

test('tcpdump failures become one clear line with a stable code', async () => {
  assert.equal(
    await failureCode({
      iface: 'lo',
      expression: [],
      tcpdumpPath: join(dir, 'no-such-tcpdump'),
      onData: noop,
    }),
    'TCPDUMP_NOT_FOUND',
  );
  assert.equal(await failureCode({ iface: 'nosuch0', expression: [], onData: noop }), 'NO_SUCH_INTERFACE');
  assert.equal(
    await failureCode({ iface: 'lo', expression: ['port', '7272', 'and'], onData: noop }),
    'BAD_FILTER',
  );
});

test(
  'an unprivileged tcpdump is reported as a permission problem that mentions sudo and tap',
  { skip: process.getuid?.() !== 0 && 'needs root to drop privileges' },
  async () => {
    // The real tcpdump, run as nobody: exactly what an unprivileged user gets.
    const wrapper = join(dir, 'tcpdump-as-nobody');
    writeFileSync(
      wrapper,
      '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups tcpdump "$@"\n',
    );
    chmodSync(wrapper, 0o755);
    const capture = startLiveCapture({ iface: 'lo', expression: [], tcpdumpPath: wrapper, onData: noop });
    await assert.rejects(capture.done, (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.code, 'CAPTURE_PERMISSION');
      assert.match(err.message, /sudo/);
      assert.match(err.message, /wirechat tap/);
      return true;
    });
  },
);

test('a live capture delivers the pcap stream as traffic happens, and stop() ends it cleanly', async () => {
  const { server, port, capture, chunks } = await captureOwnTraffic(
    createServer((s) => s.on('data', (d: Buffer) => s.write(d))),
  );
  try {
    const client = connect({ host: '127.0.0.1', port });
    await once(client, 'connect');
    client.write('marco-polo-1234');
    await once(client, 'data');
    // Packets arrive while tcpdump is still running (not only when it exits).
    const payloadHex = Buffer.from('marco-polo-1234').toString('hex');
    for (let i = 0; i < 200 && !Buffer.concat(chunks).toString('hex').includes(payloadHex); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(
      Buffer.concat(chunks).toString('hex').includes(payloadHex),
      'the payload arrived before the capture stopped',
    );
    client.end();
    await once(client, 'close');
    // The last ACK may still be on its way through tcpdump: wait for the whole connection
    // (handshake 3, data and its echo with ACKs, two FINs and the last ACK: at least 8).
    for (let i = 0; i < 200 && pcapRecords(Buffer.concat(chunks)) < 8; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    capture.stop();
    const result = await capture.done;
    assert.ok(result.stats.some((l) => /packets captured/.test(l)));
    const file = join(dir, 'live.pcap');
    writeFileSync(file, Buffer.concat(chunks));
    const flags = tshark(['-r', file, '-T', 'fields', '-e', 'tcp.flags.str']).trim().split('\n');
    assert.ok(flags.length >= 8, `expected a whole connection, got ${flags.length} packets`);
  } finally {
    capture.stop();
    server.close();
  }
});

test('-c COUNT stops by itself after that many packets', async () => {
  const { server, port, capture, chunks } = await captureOwnTraffic(
    createServer((s) => s.resume()),
    3,
  );
  const client = connect({ host: '127.0.0.1', port });
  await once(client, 'connect');
  await capture.done;
  client.destroy();
  server.close();
  const file = join(dir, 'count.pcap');
  writeFileSync(file, Buffer.concat(chunks));
  assert.equal(tshark(['-r', file, '-T', 'fields', '-e', 'frame.number']).trim().split('\n').length, 3);
});
