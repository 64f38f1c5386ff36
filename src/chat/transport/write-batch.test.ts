// The write batch on a real TCP connection: frames queued during one turn leave in one write,
// in order; a big queue is written early; flushOne empties a queue at once (before a close).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { WriteBatch, type Writable } from './write-batch.js';

async function socketPair(): Promise<{ near: Socket; far: Socket; close(): void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const farP = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const near = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => near.once('connect', resolve));
  const far = await farP;
  return {
    near,
    far,
    close: () => {
      near.destroy();
      far.destroy();
      server.close();
    },
  };
}

function reader(socket: Socket) {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return {
    async until(bytes: number): Promise<Buffer> {
      const deadline = Date.now() + 10_000;
      while (chunks.reduce((n, c) => n + c.length, 0) < bytes) {
        if (Date.now() > deadline) throw new Error('data did not arrive');
        await new Promise((r) => setTimeout(r, 5));
      }
      return Buffer.concat(chunks);
    },
  };
}

/** A connection whose socket counts its write calls (the real socket still does the writing). */
function writable(socket: Socket): Writable & { writes: number } {
  const w = { socket, pending: undefined, pendingBytes: 0, writes: 0 } as Writable & { writes: number };
  const write = socket.write.bind(socket);
  socket.write = ((data: Buffer) => {
    w.writes++;
    return write(data);
  }) as typeof socket.write;
  return w;
}

test('frames queued in one turn go out in one write, in order, after the turn', async () => {
  const pair = await socketPair();
  try {
    const batch = new WriteBatch<Writable & { writes: number }>();
    const w = writable(pair.near);
    const got = reader(pair.far);
    for (const s of ['one ', 'two ', 'three']) batch.queue(w, Buffer.from(s));
    assert.equal(w.writes, 0, 'nothing is written during the turn');
    assert.equal(w.pendingBytes, 13);
    assert.equal((await got.until(13)).toString(), 'one two three');
    assert.equal(w.writes, 1);
    assert.equal(w.pending, undefined);
  } finally {
    pair.close();
  }
});

test('past 64 KiB a queue is written at once; flushOne writes what is queued now', async () => {
  const pair = await socketPair();
  try {
    const batch = new WriteBatch<Writable & { writes: number }>();
    const w = writable(pair.near);
    const got = reader(pair.far);
    batch.queue(w, Buffer.alloc(40 * 1024, 'a'));
    batch.queue(w, Buffer.alloc(40 * 1024, 'b'));
    assert.equal(w.writes, 1, 'written within the turn');
    assert.equal(w.pendingBytes, 0);
    batch.queue(w, Buffer.from('c'));
    batch.flushOne(w);
    assert.equal(w.writes, 2);
    const all = await got.until(80 * 1024 + 1);
    assert.equal(all.length, 80 * 1024 + 1);
    assert.equal(all.at(-1), 'c'.charCodeAt(0));
    await new Promise((r) => setImmediate(r));
    assert.equal(w.writes, 2, 'the turn-end flush finds nothing left');
  } finally {
    pair.close();
  }
});

test('a destroyed socket is skipped, not written to', async () => {
  const pair = await socketPair();
  try {
    const batch = new WriteBatch<Writable & { writes: number }>();
    const w = writable(pair.near);
    batch.queue(w, Buffer.from('late'));
    pair.near.destroy();
    await new Promise((r) => setImmediate(r));
    assert.equal(w.writes, 0);
    assert.equal(w.pending, undefined);
  } finally {
    pair.close();
  }
});
