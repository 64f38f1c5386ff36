// pause()/resume() of the tap proxy: while paused nothing is read from either side (the peers'
// sends wait in TCP), connections accepted meanwhile wait too; after resume() everything passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { startTapProxy } from './tap-proxy.js';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

test('tap proxy: paused, no byte passes either way; resumed, all of them do, in order', async () => {
  const upstreamGot: Buffer[] = [];
  const upstreamSockets: Socket[] = [];
  const upstream = createServer((s) => {
    upstreamSockets.push(s);
    s.on('error', () => undefined); // reset when the proxy closes
    s.on('data', (c: Buffer) => upstreamGot.push(c));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  let packets = 0;
  const proxy = await startTapProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    upstreamHost: '127.0.0.1',
    upstreamPort: (upstream.address() as { port: number }).port,
    onPacket: () => packets++,
  });
  try {
    const first = connect({ host: '127.0.0.1', port: proxy.port });
    first.on('error', () => undefined);
    const firstGot: Buffer[] = [];
    first.on('data', (c: Buffer) => firstGot.push(c));
    await once(first, 'connect');
    first.write('before ');
    for (let i = 0; i < 100 && upstreamSockets.length === 0; i++) await settle();
    for (let i = 0; i < 20 && Buffer.concat(upstreamGot).length < 7; i++) await settle();
    assert.equal(Buffer.concat(upstreamGot).toString(), 'before ');

    proxy.pause();
    const seen = packets;
    first.write('while paused');
    upstreamSockets[0]!.write('reply while paused');
    // A connection accepted while paused is not read either.
    const second = connect({ host: '127.0.0.1', port: proxy.port });
    second.on('error', () => undefined);
    await once(second, 'connect');
    second.write('second client');
    await settle();
    assert.equal(Buffer.concat(upstreamGot).toString(), 'before ');
    assert.equal(Buffer.concat(firstGot).length, 0);
    // Nothing was read, so nothing was recorded: the second connection's handshake at most.
    assert.ok(packets - seen <= 3, `${packets - seen} packets recorded while paused`);

    proxy.resume();
    for (let i = 0; i < 40 && Buffer.concat(upstreamGot).length < 7 + 12 + 13; i++) await settle();
    const all = Buffer.concat(upstreamGot).toString();
    assert.ok(all.startsWith('before while paused') || all.startsWith('before second client'), all);
    assert.ok(all.includes('while paused') && all.includes('second client'), all);
    for (let i = 0; i < 40 && Buffer.concat(firstGot).length < 18; i++) await settle();
    assert.equal(Buffer.concat(firstGot).toString(), 'reply while paused');
    first.destroy();
    second.destroy();
  } finally {
    await proxy.close();
    upstream.close();
  }
});
