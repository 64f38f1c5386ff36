// FileChunks: a regular file read chunk by chunk, as `wirechat read` reads a capture file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChunks } from './file-chunks.js';

function withFile(bytes: Buffer, body: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-chunks-'));
  const path = join(dir, 'capture.pcap');
  writeFileSync(path, bytes);
  return body(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
const openFds = (): number => readdirSync('/proc/self/fd').length;

test('the chunks are the file, in order, none reused, the last one no bigger than its bytes', async () => {
  const big = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff));
  await withFile(big, async (path) => {
    const chunks: Buffer[] = [];
    for await (const chunk of new FileChunks(path, 1 << 16)) chunks.push(chunk);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [65_536, 34_464],
    );
    // Every chunk kept until the end still holds its bytes: no buffer is read into twice.
    assert.ok(Buffer.concat(chunks).equals(big));
    assert.equal(chunks[1]!.buffer.byteLength, 34_464, 'the short last chunk does not hold a whole chunk');
  });
});

test('destroy() between chunks ends the loop and closes the file', async () => {
  await withFile(bytes, async (path) => {
    const before = openFds();
    const input = new FileChunks(path, 10);
    let seen = 0;
    for await (const chunk of input) {
      seen += chunk.length;
      // As Ctrl-C does: destroy from elsewhere, then the loop goes on to its next turn.
      if (seen === 20) setImmediate(() => input.destroy());
    }
    assert.ok(seen >= 20 && seen < 100, `stopped early (${seen} bytes read)`);
    assert.equal(openFds(), before);
  });
});

test('a file that cannot be opened fails the loop, not the construction; an empty one has no chunk', async () => {
  const input = new FileChunks('/nonexistent/capture.pcap');
  await assert.rejects(
    (async () => {
      for await (const _ of input) assert.fail('no chunk');
    })(),
    { code: 'ENOENT' },
  );
  await withFile(Buffer.alloc(0), async (path) => {
    let chunks = 0;
    for await (const _ of new FileChunks(path)) chunks++;
    assert.equal(chunks, 0);
  });
});
