// Ctrl-C during `wirechat read`: waiting for more input or for a stdout nobody reads, the first
// SIGINT ends the run with the summary of what was read (exit 130).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, projectRoot } from '../shared/paths.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');

/** Starts `read`, sends SIGINT once it is waiting (for input or for stdout), reports how it ended. */
async function interrupt(
  args: string[],
  feed: (stdin: NodeJS.WritableStream) => void,
  readStdout: boolean,
): Promise<{ code: number | string; stderr: string }> {
  const child = spawn(process.execPath, [cli, 'read', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let stdout = 0;
  if (readStdout) child.stdout.on('data', (d: Buffer) => (stdout += d.length));
  child.stdin.on('error', () => undefined);
  feed(child.stdin);
  // Until it has shown what it was given (the input is never ended), or has filled the pipe
  // (unread output waits in the pipe's stream buffer: the command is up and writing, so its
  // Ctrl-C handling is in place even when a loaded machine made it start slowly).
  const started = (): boolean => (readStdout ? stdout > 0 : child.stdout.readableLength > 0);
  for (let i = 0; i < 100 && (!started() || i < 5) && (readStdout || i < 10 || !started()); i++)
    await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => resolve('still running'), 5000);
    child.once('exit', (c, signal) => {
      clearTimeout(timer);
      resolve(c ?? String(signal));
    });
  });
  child.kill('SIGKILL');
  return { code, stderr };
}

test('read: SIGINT while waiting for more input ends with the summary of what was read, exit 130', async () => {
  const seed = readFileSync(join(fixturesDir, 'workerman-2014-seed-session.pcap'));
  const r = await interrupt(['-'], (stdin) => stdin.write(seed), true);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^summary: 50 packets \(50 TCP\), 2 connections/);
});

test('read: SIGINT while nothing came yet exits 130 without a word', async () => {
  const r = await interrupt(['-'], () => undefined, true);
  assert.equal(r.code, 130, r.stderr);
  assert.equal(r.stderr, '');
});

test('read: SIGINT while stdout is not read at all stops it all the same, with the summary', async () => {
  const r = await interrupt(['-A', join(fixturesDir, 'ws-large-frame.pcap')], () => undefined, false);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^summary: \d+ packets/);
});
