// File names and other arguments with escape sequences reach the terminal escaped in the live
// commands' messages too (capture -w, tap -w, -o, --tcpdump, --listen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildCommand } from '../testing/child-command.js';

const dir = mkdtempSync(join(tmpdir(), 'wirechat-live-names-'));
// ESC ] 0 ; title BEL sets the terminal's title, ESC [ 2 J clears the screen.
const EVIL = 'evil\x1b]0;title\x07\x1b[2J\u2028';
const SHOWN = 'evil\\x1b]0;title\\x07\\x1b[2J\\u2028';
// eslint-disable-next-line no-control-regex -- control characters are exactly what must not appear
const RAW = /[\x1b\x07\u2028]/;

test('capture and tap: hostile file names and arguments are shown escaped, one line, exit 2', async () => {
  const missing = join(dir, 'no-such-dir', `${EVIL}.pcap`);
  const cases: Array<[string, string[], RegExp]> = [
    ['capture', ['-i', 'lo', '-w', missing], /cannot write/],
    ['capture', ['-i', 'lo', '-o', missing], /cannot write/],
    ['capture', ['-i', 'lo', '--tcpdump', join(dir, EVIL)], /tcpdump not found/],
    ['tap', ['--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:9', '-w', missing], /cannot write/],
    ['tap', ['--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:9', '-o', missing], /cannot write/],
    ['tap', ['--listen', `${EVIL}:1`, '--upstream', '127.0.0.1:9'], /listen address|cannot/],
  ];
  for (const [command, args, what] of cases) {
    const c = startChildCommand(command, args);
    const code = await c.exited;
    const label = `${command} ${JSON.stringify(args)}: ${JSON.stringify(c.stderr())}`;
    assert.equal(code, 2, label);
    assert.match(c.stderr(), what, label);
    assert.doesNotMatch(c.stderr() + c.stdout(), RAW, label);
    assert.ok(c.stderr().includes(SHOWN), label);
    assert.equal(c.stderr().trim().split('\n').length, 1, label);
  }
});
