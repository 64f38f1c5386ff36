// Following a key log that grows: appended whole lines are read, an unfinished line waits for its
// end, a rewritten (shorter) file is read again from the start, and the byte bound holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore } from './key-store.js';
import { followKeyLogs } from './keylog-follower.js';
import type { KeyLogProblem } from './keylog-parser.js';

const line = (n: number): string => `CLIENT_RANDOM ${n.toString(16).padStart(64, '0')} ${'ab'.repeat(48)}\n`;

test('appended lines are read as they come; half a line waits; the byte bound is reported once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-follow-'));
  try {
    const file = join(dir, 'keys.log');
    writeFileSync(file, line(1));
    const store = new KeyStore();
    const seen: Array<[string, number]> = [];
    const problems: KeyLogProblem[] = [];
    const follower = followKeyLogs([file], store, [Buffer.byteLength(line(1))], {
      maxBytes: 4 * line(1).length,
      intervalMs: 60_000,
      onLines: (text, secrets) => seen.push([text, secrets]),
      onProblem: (p) => problems.push(p),
    });
    try {
      follower.poll();
      assert.equal(store.size, 0, 'what was there at start is not read again');
      const second = line(2);
      appendFileSync(file, second.slice(0, 50));
      follower.poll();
      assert.equal(store.size, 0, 'half a line waits');
      appendFileSync(file, second.slice(50) + line(3));
      follower.poll();
      assert.equal(store.size, 2);
      assert.deepEqual(seen.at(-1), [second + line(3), 2]);
      // Rewritten shorter: read again from its start.
      writeFileSync(file, line(4));
      follower.poll();
      assert.equal(store.size, 3);
      // The bound: 4 lines' worth over the run, so the fifth line onward is not read.
      appendFileSync(file, line(5) + line(6));
      follower.poll();
      follower.poll();
      assert.equal(store.get(Buffer.from(line(6).slice(14, 78), 'hex')), undefined);
      assert.deepEqual(
        problems.map((p) => p.code),
        ['KEYLOG_LIMIT'],
      );
    } finally {
      follower.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
