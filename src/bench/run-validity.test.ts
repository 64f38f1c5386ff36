// `wirechat bench fanout` against a server that closes the sender (1008 at its rate limit) says
// the run is invalid and why, instead of headlining a msg/s figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createChatServer } from '../chat/server.js';
import { projectRoot } from '../shared/paths.js';
import { invalidReason } from './run-validity.js';

test('the reason names the close codes and what they mean; a run without closes is valid', () => {
  assert.equal(invalidReason({ closed: {} }), undefined);
  const why = invalidReason({ closed: { '1008': 2 } })!;
  assert.match(why, /closed 2 connections/);
  assert.match(why, /1008 ×2: its rate limit/);
});

test('a fanout against a rate-limited server exits 1 with "invalid run" and no msg/s figure', async () => {
  // 1 message per second per connection: the senders' first window is over the limit at once.
  const server = await createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    rate: 1,
  });
  try {
    const cli = join(projectRoot, 'bin', 'wirechat.js');
    const args = ['bench', 'fanout', '--url', `ws://127.0.0.1:${server.wsPort}/`, '--receivers', '2'];
    const child = spawn(
      process.execPath,
      [cli, ...args, '--inflight', '16', '--duration', '0.5', '--procs', '1', '-q'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(status, 1, err);
    assert.match(err, /invalid run: the server closed \d+ connections? during the run \(1008/);
    const row = out.split('\n').find((l) => l.startsWith('url'));
    assert.ok(row, out);
    assert.match(row, /^url\s+invalid\s/);
  } finally {
    await server.close();
  }
});
