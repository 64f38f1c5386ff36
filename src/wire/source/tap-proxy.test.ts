import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTapProxy, type TapNotice } from './tap-proxy.js';
import type { SyntheticPacket } from './synthetic-tcp.js';
import { createPcapngWriter } from './pcapng-writer.js';
import { reassemble, tshark } from '../../testing/wire/tap-test-kit.js';
import { freePort } from '../../shared/free-port.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Upstream that reads the client's whole stream (until its FIN), then answers with its own blob. */
async function startHalfCloseServer(
  replies: Map<number, Buffer>,
  received: Map<number, Buffer>,
): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      const got = Buffer.concat(chunks);
      // The first 4 bytes name the client, so replies can be matched without relying on ports.
      const id = got.readUInt32BE(0);
      received.set(id, got);
      // Writing after the peer's FIN: only works if the half-close was passed on as a half-close.
      socket.end(replies.get(id)!);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const portOf = (s: Server): number => (s.address() as { port: number }).port;

async function clientExchange(port: number, payload: Buffer): Promise<Buffer> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'connect');
  socket.end(payload);
  await once(socket, 'close');
  return Buffer.concat(chunks);
}

test('20 concurrent clients: random binary both ways arrives byte for byte, half-close passed on, packets tell the same', async () => {
  const n = 20;
  const sent = new Map<number, Buffer>();
  const replies = new Map<number, Buffer>();
  const received = new Map<number, Buffer>();
  for (let i = 0; i < n; i++) {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(i);
    // Sizes around and well above one synthetic segment (65495) and the socket buffers, so
    // splitting and backpressure are exercised.
    sent.set(i, Buffer.concat([head, randomBytes(1000 + i * 37_000)]));
    replies.set(i, randomBytes(500 + (n - i) * 41_000));
  }
  const upstream = await startHalfCloseServer(replies, received);
  const packets: SyntheticPacket[] = [];
  const tap = await startTapProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    upstreamHost: '127.0.0.1',
    upstreamPort: portOf(upstream),
    onPacket: (p) => packets.push(p),
  });
  try {
    const answers = await Promise.all(
      [...sent].map(([i, payload]) => clientExchange(tap.port, payload).then((r) => [i, r] as const)),
    );
    for (const [i, answer] of answers) {
      assert.equal(sha(received.get(i)!), sha(sent.get(i)!), `client ${i} → upstream`);
      assert.equal(sha(answer), sha(replies.get(i)!), `upstream → client ${i}`);
    }
    // The synthetic packets carry exactly the same bytes, in sequence order, with good checksums.
    const flows = reassemble(packets);
    assert.equal(flows.size, n);
    const up = `127.0.0.1:${portOf(upstream)}`;
    const bySent = new Map([...sent.values()].map((b) => [sha(b), b]));
    const byReply = new Map([...replies.values()].map((b) => [sha(b), b]));
    for (const flow of flows.values()) {
      assert.ok(flow.inOrder && flow.checksumsOk);
      const dirs = [...flow.bytes.keys()];
      const toServer = dirs.find((d) => d.endsWith(`>${up}`))!;
      const toClient = dirs.find((d) => d.startsWith(`${up}>`))!;
      assert.ok(bySent.has(sha(flow.bytes.get(toServer)!)));
      assert.ok(byReply.has(sha(flow.bytes.get(toClient)!)));
      const flags = flow.flags.map((f) => f.split(' ')[1]);
      assert.deepEqual(flags.slice(0, 3), ['S', 'S.', '.']);
      // The client's FIN comes before the server's data (half-close), then the server's FIN.
      const clientFin = flow.flags.findIndex((f) => f.endsWith('F.') && !f.startsWith(up));
      const serverData = flow.flags.findIndex((f) => f.startsWith(up) && f.endsWith('P.'));
      const serverFin = flow.flags.findIndex((f) => f.startsWith(up) && f.endsWith('F.'));
      assert.ok(clientFin >= 0 && clientFin < serverData && serverData < serverFin);
    }
    // And tshark finds nothing wrong with the written file.
    const file = join(mkdtempSync(join(tmpdir(), 'wirechat-tap-')), 'tap.pcapng');
    const w = createPcapngWriter();
    writeFileSync(file, Buffer.concat([w.header(), ...packets.map((p) => w.packet(p))]));
    const bad = tshark([
      '-r',
      file,
      '-o',
      'tcp.check_checksum:TRUE',
      '-Y',
      'tcp.analysis.lost_segment || tcp.analysis.retransmission || tcp.analysis.out_of_order || tcp.checksum.status == 0 || _ws.malformed',
    ]);
    assert.equal(bad.trim(), '');
    const streams = tshark(['-r', file, '-T', 'fields', '-e', 'tcp.stream']).trim().split('\n');
    assert.equal(new Set(streams).size, n);
  } finally {
    await tap.close();
    upstream.close();
  }
});

test('upstream refusing: the client is reset, the packets show SYN then RST, a notice says so', async () => {
  const closedPort = await freePort();
  const packets: SyntheticPacket[] = [];
  const notices: TapNotice[] = [];
  const tap = await startTapProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    upstreamHost: '127.0.0.1',
    upstreamPort: closedPort,
    onPacket: (p) => packets.push(p),
    onNotice: (n) => notices.push(n),
  });
  try {
    const socket = connect({ host: '127.0.0.1', port: tap.port });
    const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNRESET');
    const flow = [...reassemble(packets).values()][0]!;
    assert.deepEqual(
      flow.flags.map((f) => f.split(' ')[1]),
      ['S', 'R.'],
    );
    assert.deepEqual(
      notices.map((n) => n.code),
      ['UPSTREAM_REFUSED'],
    );
  } finally {
    await tap.close();
  }
});

test('upstream dying mid-connection resets that client only; another connection carries on', async () => {
  const upstream = createServer((socket: Socket) => {
    socket.once('data', (c: Buffer) => {
      if (c.toString() === 'die') socket.resetAndDestroy();
      else socket.on('data', (d: Buffer) => socket.write(d)).write(c);
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const packets: SyntheticPacket[] = [];
  const notices: TapNotice[] = [];
  const tap = await startTapProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    upstreamHost: '127.0.0.1',
    upstreamPort: portOf(upstream),
    onPacket: (p) => packets.push(p),
    onNotice: (n) => notices.push(n),
  });
  try {
    const good = connect({ host: '127.0.0.1', port: tap.port });
    await once(good, 'connect');
    good.write('ping-1');
    assert.equal(String((await once(good, 'data'))[0]), 'ping-1');
    const doomed = connect({ host: '127.0.0.1', port: tap.port });
    await once(doomed, 'connect');
    doomed.write('die');
    const [err] = (await once(doomed, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNRESET');
    good.write('ping-2');
    assert.equal(String((await once(good, 'data'))[0]), 'ping-2');
    good.end();
    await once(good, 'close');
    assert.deepEqual(
      notices.map((n) => n.code),
      ['UPSTREAM_RESET'],
    );
    const resets = [...reassemble(packets).values()].map(
      (f) => f.flags.filter((x) => x.includes('R')).length,
    );
    assert.deepEqual(resets.sort(), [0, 1]);
  } finally {
    await tap.close();
    upstream.close();
  }
});
