// The per-direction inflater against real zlib output: context takeover across many messages,
// no context takeover, the output limit at its exact edge, and recovery after garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { createInflater, type InflaterOptions } from './inflater.js';

/** Compresses messages as a permessage-deflate sender does (sync flush, tail stripped). */
async function compressAll(texts: string[], noContextTakeover: boolean, windowBits = 15): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let d: DeflateRaw = createDeflateRaw({ windowBits });
  for (const text of texts) {
    if (noContextTakeover) d = createDeflateRaw({ windowBits });
    const chunks: Buffer[] = [];
    const onData = (c: Buffer): number => chunks.push(c);
    d.on('data', onData);
    d.write(Buffer.from(text));
    await new Promise<void>((resolve) => d.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    d.off('data', onData);
    const all = Buffer.concat(chunks);
    assert.equal(all.subarray(-4).toString('hex'), '0000ffff');
    out.push(all.subarray(0, -4));
  }
  return out;
}

const options = (o: Partial<InflaterOptions> = {}): InflaterOptions => ({
  windowBits: 15,
  noContextTakeover: false,
  maxOutputBytes: 64 * 1024 * 1024,
  maxRatio: 200,
  ...o,
});

const texts = Array.from({ length: 300 }, (_, i) =>
  i % 7 === 0 ? 'x'.repeat(70_000 + i) : `{"type":"say","content":"message ${i} ${'hello '.repeat(i % 40)}"}`,
);

for (const noContextTakeover of [false, true]) {
  test(`${noContextTakeover ? 'no ' : ''}context takeover: 300 messages in a row inflate exactly`, async () => {
    const compressed = await compressAll(texts, noContextTakeover, noContextTakeover ? 9 : 15);
    const inflater = createInflater(options({ noContextTakeover, windowBits: noContextTakeover ? 9 : 15 }));
    compressed.forEach((c, i) => {
      const r = inflater.inflate(c);
      assert.equal(r.kind, 'ok', `message ${i}`);
      if (r.kind === 'ok') assert.equal(r.data.toString(), texts[i]);
    });
    inflater.close();
  });
}

test('output limit: exactly the limit is whole, one byte more is a prefix of exactly the limit', () => {
  const limit = 1024 * 1024; // the ratio allowance, so maxOutputBytes decides
  const exact = deflateRawSync(Buffer.alloc(limit, 0x61), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(
    0,
    -4,
  );
  const over = deflateRawSync(Buffer.alloc(limit + 1, 0x61), {
    finishFlush: constants.Z_SYNC_FLUSH,
  }).subarray(0, -4);
  const a = createInflater(options({ maxOutputBytes: limit }));
  const r1 = a.inflate(exact);
  assert.equal(r1.kind, 'ok');
  if (r1.kind === 'ok') assert.equal(r1.data.length, limit);
  const b = createInflater(options({ maxOutputBytes: limit }));
  const r2 = b.inflate(over);
  assert.equal(r2.kind, 'limit');
  if (r2.kind === 'limit') {
    assert.equal(r2.data.length, limit);
    assert.ok(r2.data.every((x) => x === 0x61));
  }
});

test('garbage fails with a message, and the next (fresh) stream inflates again', () => {
  const inflater = createInflater(options());
  const bad = inflater.inflate(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]));
  assert.equal(bad.kind, 'failed');
  const good = deflateRawSync(Buffer.from('after the failure'), {
    finishFlush: constants.Z_SYNC_FLUSH,
  }).subarray(0, -4);
  const r = inflater.inflate(good);
  assert.equal(r.kind, 'ok');
  if (r.kind === 'ok') assert.equal(r.data.toString(), 'after the failure');
});
