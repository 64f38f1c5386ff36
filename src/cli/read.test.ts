// `wirechat read` as a user runs it: exit codes, one-line errors, formats, filters, stdin, EPIPE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fixturesDir, projectRoot } from '../shared/paths.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');
const seed = join(fixturesDir, 'workerman-2014-seed-session.pcap');

function read(args: string[], input?: Buffer): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, 'read', ...args], {
    input,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), status: r.status };
}

test('usage mistakes: exit 2 with one line', () => {
  for (const args of [
    [],
    ['--format', 'xml', seed],
    ['--port', '70000', seed],
    ['--bogus', seed],
    ['-A', '-X', seed],
    ['a', 'b'],
  ]) {
    const r = read(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('unusable input: missing, empty, garbage → exit 1 with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-read-'));
  try {
    writeFileSync(join(dir, 'empty.pcap'), '');
    writeFileSync(join(dir, 'garbage.pcap'), 'this is not a capture at all, just some text\n'.repeat(10));
    for (const name of ['missing.pcap', 'empty.pcap', 'garbage.pcap']) {
      const r = read([join(dir, name)]);
      assert.equal(r.status, 1, name);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^wirechat read: /);
    }
    // A truncated capture still decodes what it has: exit 0, the problem reported.
    const bytes = readFileSync(seed);
    writeFileSync(join(dir, 'cut.pcap'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cut = read(['--format', 'jsonl', join(dir, 'cut.pcap')]);
    assert.equal(cut.status, 0);
    const summary = JSON.parse(cut.stdout.trim().split('\n').pop()!);
    assert.equal(summary.event, 'summary');
    assert.ok(summary.problemsByCode.TRUNCATED_FILE >= 1);
    assert.ok(summary.messages.client >= 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('jsonl from stdin: events then one summary; Buffers never printed', () => {
  const r = read(['--format', 'jsonl', '-'], readFileSync(seed));
  assert.equal(r.status, 0);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(events.at(-1).event, 'summary');
  assert.equal(events.filter((e) => e.event === 'summary').length, 1);
  const texts = events.filter((e) => e.event === 'ws.message').map((e) => e.text);
  assert.ok(texts.includes('{"type":"say","to_uid":"all","content":"hi, all !"}'));
  assert.ok(events.every((e) => typeof e.ts === 'number' && typeof e.src === 'string'));
  assert.ok(!r.stdout.includes('"raw"') && !r.stdout.includes('"payload"'));
});

test('--port keeps only matching connections', () => {
  const all = read(['--format', 'jsonl', join(fixturesDir, 'ws-echo-lo.pcap')]);
  const none = read(['--format', 'jsonl', '--port', '1,2', join(fixturesDir, 'ws-echo-lo.pcap')]);
  const some = read([
    '--format',
    'jsonl',
    '--port',
    '9',
    '--port',
    '7272',
    join(fixturesDir, 'ws-echo-lo.pcap'),
  ]);
  const count = (s: string): number => s.split('\n').filter((l) => l.includes('"ws.message"')).length;
  assert.equal(count(none.stdout), 0);
  assert.ok(count(all.stdout) > 0);
  assert.equal(count(some.stdout), count(all.stdout));
});

test('text view: the summary on stderr, --quiet silences it', () => {
  const r = read([seed]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /mynick logs in/);
  assert.match(r.stdout, /Flags \[S\]/);
  assert.match(r.stderr, /^summary: /);
  assert.ok(!r.stdout.includes('\u001b['));
  assert.equal(read(['--quiet', seed]).stderr, '');
});

test('a reader that goes away (| head) ends the run quietly with exit 0', async () => {
  const child = spawn(process.execPath, [cli, 'read', '-A', join(fixturesDir, 'ws-large-frame.pcap')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});

test('--format html -o FILE: one self-contained page with every message, frame bytes and the summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-read-'));
  try {
    const file = join(dir, 'seed.html');
    const r = read(['--format', 'html', '-o', file, '--quiet', seed]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', 'the page goes to the file, not stdout');
    const html = readFileSync(file, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<(link|img|script) [^>]*(src|href)=/i, 'nothing loaded from elsewhere');
    const json = /<script type="application\/json" id="wirechat-data">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(json) as {
      title: string;
      rows: Array<{ k: string; text?: string; wire?: string; plain?: string }>;
      summary?: { event: string; messages: { client: number; server: number } };
    };
    assert.equal(data.title, basename(seed), 'the file name only: pages are shared');
    assert.equal(data.summary?.event, 'summary');
    assert.ok(data.summary!.messages.client >= 2);
    const texts = data.rows.map((row) => row.text ?? '').join('\n');
    assert.ok(texts.includes('{"type":"say","to_uid":"all","content":"hi, all !"}'), 'unmasked text');
    // Frame payloads were attached for this view: masked frames show their unmasked bytes.
    assert.ok(data.rows.some((row) => row.k === 'ws' && row.plain !== undefined && row.wire !== undefined));
    // Without -o the page goes to stdout.
    const out = read(['--format', 'html', '--quiet', seed]);
    assert.equal(out.status, 0);
    assert.match(out.stdout, /^<!doctype html>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-o to a path that cannot be written: one line, nothing decoded', () => {
  const r = read(['--format', 'jsonl', '-o', '/nonexistent-dir/x.jsonl', seed]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('--events keeps only the named jsonl events (and the summary), the same ones as without it', () => {
  const all = read(['--format', 'jsonl', seed]);
  const only = read(['--format', 'jsonl', '--events', 'ws.message,ws.close', seed]);
  assert.equal(only.status, 0, only.stderr);
  const lines = (out: string) => out.trim().split('\n');
  const wanted = lines(all.stdout).filter((l) => /^\{"event":"(ws\.message|ws\.close)"/.test(l));
  assert.ok(wanted.length >= 10);
  const got = lines(only.stdout);
  assert.deepEqual(got.slice(0, -1), wanted);
  assert.equal(JSON.parse(got.at(-1)!).event, 'summary');

  const family = lines(read(['--format', 'jsonl', '--events', 'tcp', seed]).stdout).slice(0, -1);
  assert.ok(family.length > 0 && family.every((l) => l.startsWith('{"event":"tcp.')));

  for (const args of [
    ['--format', 'jsonl', '--events', 'ws.nonsense', seed],
    ['--format', 'text', '--events', 'ws.message', seed],
  ]) {
    const bad = read(args);
    assert.equal(bad.status, 2, args.join(' '));
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  }
});

test('--no-chat: the same events without chat meaning, in jsonl and in the text view', () => {
  const lines = (out: string) =>
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const withChat = lines(read(['--format', 'jsonl', seed]).stdout);
  const plain = read(['--format', 'jsonl', '--no-chat', seed]);
  assert.equal(plain.status, 0, plain.stderr);
  const without = lines(plain.stdout);
  assert.ok(withChat.filter((e) => e.chat !== undefined).length >= 10, 'the seed session is a chat');
  assert.equal(without.filter((e) => 'chat' in e).length, 0);
  // Everything else is the same, line for line.
  assert.deepEqual(
    without,
    withChat.map(({ chat: _chat, ...rest }) => rest),
  );

  const text = read(['--no-chat', seed]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(read([seed]).stdout, /logs in/);
  assert.doesNotMatch(text.stdout, /logs in|says "/);
  assert.match(text.stdout, /"type": "login"/, 'the message itself is still shown');
});
