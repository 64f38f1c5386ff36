// End to end on real traffic: tcpdump captures a small TCP exchange on the loopback interface,
// its pcap output streams into the capture reader chunk by chunk as it arrives, and the flow
// table must rebuild exactly the bytes each side wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { freePort } from '../../shared/free-port.js';
import { ownLoopbackTraffic } from '../../testing/loopback-filter.js';
import type { WireEvent } from '../events.js';
import { createCaptureReader } from '../source/capture-reader.js';
import { decodePacket } from '../layers/decode-packet.js';
import { createFlowTable } from './flow-table.js';

test(
  'flow: a live tcpdump capture on lo of a real exchange is reassembled exactly',
  { timeout: 60000 },
  async () => {
    const port = await freePort();
    const events: WireEvent[] = [];
    const streams = new Map<string, Buffer[]>();
    const table = createFlowTable({
      emit: (e) => events.push(e),
      sinkFactory: (info) => ({
        data: (side, bytes) => {
          const k = `${info.conn} ${side}`;
          streams.set(k, [...(streams.get(k) ?? []), Buffer.from(bytes)]);
        },
        gap: () => {},
        end: () => {},
      }),
    });
    const problems: string[] = [];
    const reader = createCaptureReader({
      onPacket: (raw) => {
        const r = decodePacket(raw);
        if (r.kind === 'tcp') table.push(r.packet);
      },
      onProblem: (p) => problems.push(p.code),
    });
    const tcpdump = spawn(
      'tcpdump',
      // Both ends on 127.0.0.1: other programs' loopback traffic (127.0.0.x) may reuse the port number.
      // A 16 MiB kernel buffer (-B) so a busy machine does not drop packets of this burst.
      [
        '-i',
        'lo',
        '-U',
        '--immediate-mode',
        '-B',
        '16384',
        '-s',
        '0',
        '-w',
        '-',
        ...ownLoopbackTraffic(port),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let chunks = 0;
    tcpdump.stdout.on('data', (chunk: Buffer) => {
      chunks++;
      reader.push(chunk);
    });
    const exited = new Promise<void>((resolve) => tcpdump.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      let err = '';
      tcpdump.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('listening on')) resolve();
      });
      tcpdump.on('error', reject);
      tcpdump.on('close', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
    });

    // A server that answers every chunk in upper case, and a client that writes three pieces,
    // one of them large enough to span many segments, then closes.
    const big = Buffer.alloc(300_000, 'abcdefghij');
    const server = createServer((s: Socket) => {
      s.on('data', (d: Buffer) => s.write(Buffer.from(d.toString('latin1').toUpperCase(), 'latin1')));
      s.on('end', () => s.end());
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const sent: Buffer[] = [Buffer.from('hello '), big, Buffer.from(' bye')];
    const received: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const client = connect(port, '127.0.0.1', () => {
        for (const b of sent) client.write(b);
        client.end();
      });
      client.on('data', (d: Buffer) => received.push(d));
      client.on('close', () => resolve());
      client.on('error', reject);
    });
    server.close();

    // Wait until the capture shows the connection fully closed, then stop tcpdump.
    const deadline = Date.now() + 30000;
    while (!events.some((e) => e.event === 'tcp.close' && e.how === 'both-fin') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    tcpdump.kill('SIGINT');
    await exited;
    reader.end();
    table.end();

    assert.deepEqual(problems, []);
    assert.equal(reader.format, 'pcap');
    assert.ok(chunks > 1, 'the capture arrived in several chunks');
    assert.equal(table.connectionCount, 1);
    assert.ok(Buffer.concat(streams.get('1 client') ?? []).equals(Buffer.concat(sent)));
    assert.ok(Buffer.concat(streams.get('1 server') ?? []).equals(Buffer.concat(received)));
    assert.ok(events.some((e) => e.event === 'tcp.open' && e.handshakeSeen));
    assert.ok(!events.some((e) => e.event === 'tcp.gap'));
  },
);
