// End to end over the real captures of test-data/fixtures (see its README): every message of
// every file comes out with exactly its text, in order, per direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { WsMessageEvent, WsControlEvent, TcpOpenEvent } from './events.js';
import { decodeFile, fixture, messagesByDirection } from '../testing/wire/e2e-test-kit.js';

interface TsharkLine {
  src: string;
  dst: string;
  msg_opcode: number;
  wire_len: number;
  text?: string;
  note?: string;
}

/** tshark's 40 messages of ws-echo, with its two known mistakes replaced by the true text
 * (each message is echoed, so the truth is the echo's text on the next line). */
function tsharkTruth(): Map<string, string[]> {
  const lines = readFileSync(fixture('ws-echo-any.tshark.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TsharkLine);
  const out = new Map<string, string[]>();
  lines.forEach((l, i) => {
    const text = l.note ? lines[i + 1]!.text : l.text;
    const key =
      l.msg_opcode === 1
        ? `text:${text}`
        : l.msg_opcode === 2
          ? `binary:${l.wire_len}`
          : l.msg_opcode === 8
            ? 'close'
            : l.msg_opcode === 9
              ? 'ping'
              : 'pong';
    const dir = `${l.src} > ${l.dst}`;
    out.set(dir, [...(out.get(dir) ?? []), key]);
  });
  return out;
}

/** Our messages, with close codes dropped (tshark's file does not list them). */
function ours(path: string, chunk?: number): Map<string, string[]> {
  const byDir = messagesByDirection(decodeFile(path, {}, chunk).events);
  for (const [k, v] of byDir)
    byDir.set(
      k,
      v.map((m) => (m.startsWith('close') ? 'close' : m)),
    );
  return byDir;
}

for (const name of [
  'ws-echo-any.pcap',
  'ws-echo-lo.pcap',
  'ws-echo-any-dumpcap.pcapng',
  'ws-echo-any-sll2.pcapng',
]) {
  test(`${name}: the 40 messages, including the two tshark 4.0 gets wrong`, () => {
    const truth = tsharkTruth();
    const got = ours(fixture(name));
    assert.deepEqual(Object.fromEntries(got), Object.fromEntries(truth));
    const decoded = decodeFile(fixture(name));
    const close = decoded.events.find(
      (e): e is WsControlEvent => e.event === 'ws.close' && e.src === '127.0.0.1:49476',
    );
    assert.equal(close?.code, 1001);
    assert.equal(close?.reason, 'going');
    const fragDeflate = decoded.events.find(
      (e): e is WsMessageEvent =>
        e.event === 'ws.message' && e.text === 'deflated fragmented part1 part2 part3 END',
    );
    assert.equal(fragDeflate?.compressed, true);
    assert.equal(fragDeflate?.fragments, 3);
    assert.equal(decoded.summary.websocketConnections, 3);
    assert.equal(decoded.summary.messages.client + decoded.summary.messages.server, 28);
  });
}

test('ws-echo-any.pcap fed 7 bytes at a time gives the same events as in one piece', () => {
  const whole = decodeFile(fixture('ws-echo-any.pcap'), {}, 1 << 30).events;
  const tiny = decodeFile(fixture('ws-echo-any.pcap'), {}, 7).events;
  assert.deepEqual(
    tiny.map((e) => JSON.stringify({ ...e, raw: undefined })),
    whole.map((e) => JSON.stringify({ ...e, raw: undefined })),
  );
});

/** The client log of a workerman session: per client label, what it sent and received. */
function clientLog(name: string): Map<string, { sent: string[]; received: string[] }> {
  const out = new Map<string, { sent: string[]; received: string[] }>();
  for (const line of readFileSync(fixture(name), 'utf8').split('\n')) {
    const m = /^\s*\d+ms\s+(\S+)\s+(>>>|<<<) (.*)$/.exec(line);
    if (!m) continue;
    const entry = out.get(m[1]!) ?? { sent: [], received: [] };
    (m[2] === '>>>' ? entry.sent : entry.received).push(m[3]!);
    out.set(m[1]!, entry);
  }
  return out;
}

for (const [pcap, log] of [
  ['workerman-2014-seed-session.pcap', 'workerman-2014-seed-session.frames.txt'],
  ['workerman-current-session.pcap', 'workerman-current-session.frames.txt'],
] as const) {
  test(`${pcap}: every message of the client log, exactly, in order, per connection`, () => {
    const decoded = decodeFile(fixture(pcap));
    const conns = new Map<number, { sent: string[]; received: string[] }>();
    for (const e of decoded.events) {
      if (e.event !== 'ws.message') continue;
      const c = conns.get(e.conn) ?? { sent: [], received: [] };
      (e.from === 'client' ? c.sent : c.received).push(e.text ?? `binary:${e.length}`);
      conns.set(e.conn, c);
    }
    const expected = clientLog(log);
    assert.ok(expected.size >= 2);
    for (const [label, want] of expected) {
      const match = [...conns.values()].find((c) => c.sent.join('\n') === want.sent.join('\n'));
      assert.ok(match, `no connection sent what ${label} sent: ${JSON.stringify(want.sent)}`);
      assert.deepEqual(match.received, want.received, `what ${label} received`);
    }
    // Chat messages are recognised and explained.
    const chat = decoded.events.filter(
      (e): e is WsMessageEvent => e.event === 'ws.message' && e.chat !== undefined,
    );
    assert.ok(chat.length >= 10);
    const dialect = pcap.includes('2014') ? 'seed' : 'workerman';
    assert.ok(chat.filter((e) => e.chat!.type !== 'bogus').every((e) => e.chat!.dialect === dialect));
    if (dialect === 'seed') {
      assert.ok(chat.some((e) => e.chat!.summary === 'mynick logs in'));
      assert.ok(chat.some((e) => e.chat!.summary === 'server sends the user list (2 users) to the newcomer'));
    }
  });
}

test('ws-large-frame.pcap: the 1 MiB masked frame and its echo, whole', () => {
  const decoded = decodeFile(fixture('ws-large-frame.pcap'));
  const msgs = decoded.events.filter((e): e is WsMessageEvent => e.event === 'ws.message');
  assert.equal(msgs.length, 2);
  for (const m of msgs) {
    assert.equal(m.length, 1048576);
    assert.ok(m.text!.startsWith('START') && m.text!.endsWith('END'));
    assert.equal(m.text!.slice(5, -3), 'M'.repeat(1048576 - 8));
  }
  assert.deepEqual(
    msgs.map((m) => [m.from, m.masked]),
    [
      ['client', true],
      ['server', false],
    ],
  );
});

for (const [name, clientPort] of [
  ['ws-midstream-plain.pcap', '49466'],
  ['ws-midstream-deflate.pcap', '49458'],
] as const) {
  test(`${name}: a capture that starts after the handshake is still decoded`, () => {
    const decoded = decodeFile(fixture(name));
    const open = decoded.events.find((e): e is TcpOpenEvent => e.event === 'tcp.open');
    assert.equal(open?.handshakeSeen, false);
    const truth = tsharkTruth();
    const got = ours(fixture(name));
    for (const dir of [
      `127.0.0.1:${clientPort} > 127.0.0.1:7272`,
      `127.0.0.1:7272 > 127.0.0.1:${clientPort}`,
    ]) {
      assert.deepEqual(got.get(dir), truth.get(dir), dir);
    }
  });
}
