// Where people's habits expect something else: tcpdump's -r, `help COMMAND`, plural summaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixturesDir, projectRoot } from '../shared/paths.js';
import { formatSummary } from '../wire/render/text.js';
import type { SummaryEvent } from '../wire/events.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');
const seed = join(fixturesDir, 'workerman-2014-seed-session.pcap');
const wirechat = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('read -r FILE reads FILE, as tcpdump -r does; -r and a FILE argument together is a usage error', () => {
  const withR = wirechat('read', '-r', seed, '--format', 'jsonl', '--quiet');
  const plain = wirechat('read', seed, '--format', 'jsonl', '--quiet');
  assert.equal(withR.status, 0, withR.stderr);
  assert.equal(withR.stdout, plain.stdout);
  const both = wirechat('read', '-r', seed, seed);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /one input only/);
});

test('wirechat help read prints read --help', () => {
  const help = wirechat('help', 'read');
  assert.equal(help.status, 0);
  assert.equal(help.stdout, wirechat('read', '--help').stdout);
  assert.match(help.stdout, /^Usage: wirechat read/);
});

test('summaries say "1 packet", "1 connection" and "2 packets", "0 connections"', () => {
  const summary = (packets: number, connections: number): SummaryEvent => ({
    event: 'summary',
    ts: 0,
    src: '',
    dst: '',
    packets,
    tcpPackets: packets,
    connections,
    websocketConnections: 0,
    messages: { client: 0, server: 0 },
    bytes: { client: 0, server: 0 },
    problems: 0,
    problemsByCode: {},
  });
  assert.match(formatSummary(summary(1, 1)), /^summary: 1 packet \(1 TCP\), 1 connection \(0 WebSocket\)/);
  assert.match(formatSummary(summary(2, 0)), /^summary: 2 packets \(2 TCP\), 0 connections/);
});

test('with --port/--host the summary counts only the packets that passed the filter', () => {
  const summaryLine = (...args: string[]) => wirechat('read', ...args, seed).stderr.split('\n')[0];
  assert.equal(summaryLine('--port', '9999'), 'summary: 0 packets (0 TCP), 0 connections (0 WebSocket)');
  assert.equal(summaryLine('--host', '10.9.9.9'), 'summary: 0 packets (0 TCP), 0 connections (0 WebSocket)');
  const all = summaryLine();
  assert.match(all, /^summary: 50 packets/);
  assert.equal(summaryLine('--port', '27272'), all, 'the server port: every packet');
  const one = /^summary: (\d+) packets \(\1 TCP\), 1 connection \(1 WebSocket\)$/.exec(
    summaryLine('--port', '38708'),
  );
  assert.ok(one && Number(one[1]) > 0 && Number(one[1]) < 50, summaryLine('--port', '38708'));
});
