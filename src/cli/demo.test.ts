// `wirechat demo`: the seed's story, told by the decoder, through the tap and live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildCommand } from '../testing/child-command.js';

const root = process.getuid?.() === 0;
const CLIENT_MESSAGES = [
  '{"type":"login","name":"猪猪"}',
  '{"type":"login","name":"mynick"}',
  '{"type":"say","to_uid":"all","content":"hi, all !"}',
];

test('through the tap: the text view tells the seed story with the masked frames readable', async () => {
  const demo = startChildCommand('demo', ['--mode', 'tap', '--no-color']);
  assert.equal(await demo.exited, 0, demo.stderr());
  const out = demo.stdout();
  assert.match(out, /TCP three-way handshake/);
  assert.match(out, /WebSocket handshake response: handshake successful/);
  for (const m of CLIENT_MESSAGES) assert.ok(out.includes(`| ${m}`), `shows ${m}`);
  assert.match(out, /client frame, masked with key 0x[0-9a-f]{8}/);
  assert.match(out, /mynick says "hi, all !" to all/);
  assert.match(out, /"type":"logout"/);
  assert.match(demo.stderr(), /summary: .*2 connections \(2 WebSocket\)/);
  assert.match(demo.stderr(), /messages: 3 from clients, 8 from servers/);
});

test(
  'live with tcpdump: the same messages, masked on the wire, in jsonl',
  { skip: !root && 'needs root for tcpdump' },
  async () => {
    const demo = startChildCommand('demo', ['--mode', 'live', '--format', 'jsonl']);
    assert.equal(await demo.exited, 0, demo.stderr());
    const events = demo
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const fromClients = events.filter((e) => e.event === 'ws.message' && e.from === 'client');
    assert.deepEqual(
      fromClients.map((e) => e.text),
      CLIENT_MESSAGES,
    );
    assert.ok(fromClients.every((e) => e.masked === true));
    assert.equal(events.at(-1)!.event, 'summary');
  },
);

test('--format html -o FILE writes one self-contained page with the session in it', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'wirechat-demo-')), 'seed.html');
  const demo = startChildCommand('demo', ['--mode', 'tap', '--format', 'html', '-o', file, '--quiet']);
  assert.equal(await demo.exited, 0, demo.stderr());
  assert.equal(demo.stdout(), '');
  const html = readFileSync(file, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<(link|img|script) [^>]*(src|href)=/i, 'nothing loaded from elsewhere');
  const json = /<script type="application\/json" id="wirechat-data">(.*?)<\/script>/s.exec(html)![1]!;
  const data = JSON.parse(json) as { rows: Array<{ text?: string }>; lanes: unknown[] };
  assert.equal(data.lanes.length, 3);
  for (const m of CLIENT_MESSAGES)
    assert.ok(
      data.rows.some((r) => r.text === m),
      `row for ${m}`,
    );
});
