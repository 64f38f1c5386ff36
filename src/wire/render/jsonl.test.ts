// The hand-written jsonl encoder against JSON.stringify: every event of every fixture, and
// strings chosen to hit each escape path (quotes, control characters, non-ASCII, block edges).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { TcpSegmentEvent, WireEvent, WsMessageEvent } from '../events.js';
import { decodeFile, fixture } from '../../testing/wire/e2e-test-kit.js';
import { fixturesDir } from '../../shared/paths.js';
import { ByteOutput } from './byte-output.js';
import { hasControl } from './json-bytes.js';
import { eventToJson, renderJsonl, writeJsonl } from './jsonl.js';

/** What JSON.stringify makes of an event once its Buffer fields are left out. */
function reference(ev: WireEvent): unknown {
  return JSON.parse(
    JSON.stringify(ev, (key, value: unknown) =>
      key === 'raw' || key === 'payload' || key === 'wirePayload' ? undefined : value,
    ),
  );
}

function message(text: string | undefined, extra: Partial<WsMessageEvent> = {}): WsMessageEvent {
  return {
    event: 'ws.message',
    ts: 1700000000.123456,
    src: '127.0.0.1:50000',
    dst: '[::1]:7272',
    conn: 3,
    packet: 4000000000,
    from: 'client',
    opcode: 1,
    text,
    length: text === undefined ? 0 : Buffer.byteLength(text),
    wireLength: 12,
    compressed: false,
    fragments: 1,
    masked: true,
    utf8Valid: true,
    ...extra,
  };
}

test('every event of every fixture encodes to what JSON.stringify gives', () => {
  const files = readdirSync(fixturesDir).filter((f) => /\.pcap(ng)?$/.test(f));
  assert.ok(files.length >= 5);
  for (const name of files) {
    const { events, summary } = decodeFile(fixture(name), { includeFramePayloads: true });
    const all = [...events, summary];
    const lines = renderJsonl(all).split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, all.length, name);
    for (let i = 0; i < all.length; i++) {
      assert.deepEqual(JSON.parse(lines[i]!), reference(all[i]!), `${name} event ${i}`);
    }
  }
});

test('message text: escapes, control characters, non-ASCII and long text match JSON.stringify', () => {
  const long = 'the quick brown fox '.repeat(2000);
  const texts = [
    '',
    'hi',
    '{"type":"say","content":"hi, all"}',
    'back\\slash and "quotes" '.repeat(10),
    'tab\there, newline\nthere, bell\u0007, nul\u0000, unit sep\u001f, del\u007f — fine',
    'ünïcödé ✓ 漢字 and an emoji 😀 with "quotes"',
    'ünïcödé ✓ 漢字 and an emoji 😀 without quotes, long enough to take the copy path',
    long,
    long + '\u0001',
    '\u0001' + long,
    long + '"',
    'a lone \ud800 high "surrogate" and a lone \udc00 low one',
    'pairs 😀😀 and a lone \ud83d at the end "q" ' + 'pad '.repeat(20) + '\ud83d',
    'short "é"',
    // Bytes EF BF BD (U+FFFD) stand for a lone surrogate in the byte-wise escape; other EF bytes do not.
    'a real \ufffd replacement "quoted", and U+FFFF \uffff and U+FF45 \uff45 fullwidth e',
    '"q" then controls \u0000\u0008\u000c\u001b\u001f and \\ backslashes ' + '"x" '.repeat(40),
    '{"type":"say","content":"' + 'ü✓😀 '.repeat(3000) + '"}',
    'ctl \u0001 ünï "ö" ✓',
    'x'.repeat(300_000),
    'x'.repeat(300_000) + '\n',
  ];
  for (const text of texts) {
    for (const ascii of [true, false]) {
      // The encoder takes the cheaper ASCII copy only when the byte length says it may.
      const ev = message(text, ascii ? {} : { length: -1 });
      const line = eventToJson(ev);
      assert.deepEqual(JSON.parse(line), reference(ev), JSON.stringify(text.slice(0, 40)));
      assert.ok(line.includes(JSON.stringify(text)), 'text written exactly as JSON.stringify writes it');
    }
  }
  const bin = message(undefined, { opcode: 2, data_base64: Buffer.from('binary').toString('base64') });
  assert.deepEqual(JSON.parse(eventToJson(bin)), reference(bin));
  const odd = message('x', { ts: Number.NaN, conn: 2 ** 40, deflateInferred: true, chat: undefined });
  assert.deepEqual(JSON.parse(eventToJson(odd)), reference(odd));
});

test('message flags: every combination of side, opcode, text/data, compression, mask and UTF-8 validity', () => {
  for (const from of ['client', 'server'] as const) {
    for (const [opcode, text, data] of [
      [1, 'hi "x"', undefined],
      [1, undefined, undefined],
      [2, undefined, 'AAEC'],
      [2, 'odd', undefined],
    ] as const) {
      for (const compressed of [false, true]) {
        for (const deflateInferred of [undefined, true, false]) {
          for (const masked of [false, true]) {
            for (const utf8Valid of [undefined, true, false]) {
              // Fields in the order the decoder builds them (message-events.ts): the line must
              // be exactly JSON.stringify's.
              const ev: WsMessageEvent = {
                event: 'ws.message',
                ts: 1.5,
                src: '127.0.0.1:50000',
                dst: '127.0.0.1:7272',
                conn: 1,
                packet: 2,
                from,
                opcode,
                text,
                data_base64: data,
                length: 3,
                wireLength: 4,
                compressed,
                deflateInferred,
                fragments: 5,
                masked,
                utf8Valid,
                chat: undefined,
              };
              assert.equal(eventToJson(ev), JSON.stringify(ev));
            }
          }
        }
      }
    }
  }
});

test('chat field: any dialect and type, however many, match JSON.stringify', () => {
  const types = ['say', 'user_list', 'Say', 'with "quotes"', 'ünï', '', 'x'.repeat(30)];
  for (let i = 0; i < 200; i++) types.push(`t${i % 26 === 0 ? '' : String.fromCharCode(97 + (i % 26))}_${i}`);
  for (const round of [1, 2]) {
    for (const type of types) {
      for (const dialect of ['seed', 'unknown', 'odd "one"'] as const) {
        const chat = { dialect: dialect as 'seed', type, summary: `round ${round}: "${type}" said…` };
        const ev = message('{"type":"x"}', { chat });
        assert.deepEqual(JSON.parse(eventToJson(ev)), reference(ev), `${dialect} ${type}`);
      }
    }
  }
});

test('output blocks: pieces never split, large pieces get blocks of their own', () => {
  const blocks: Buffer[] = [];
  const out = new ByteOutput((b) => blocks.push(b), 1024);
  const events: WireEvent[] = [];
  for (let i = 0; i < 200; i++) events.push(message(`message ${i} `.repeat(i % 50)));
  events.push(message('y'.repeat(5000)));
  for (const ev of events) writeJsonl(out, ev);
  out.flush();
  assert.ok(blocks.length > 10);
  const lines = Buffer.concat(blocks).toString('utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    events.map(reference),
  );
});

test('a text written again (a broadcast, once per recipient) is written exactly as the first time', () => {
  // Texts of every kind, each sent to several recipients with other lines between, into blocks
  // small enough that a text often starts a new block: every copy must read as JSON.stringify.
  const kinds = [
    (i: number) => `{"type":"say","from_client_id":"${i}","content":"line ${i} of the chat","time":"12:00"}`,
    (i: number) => `ünïcödé ✓ "${i}" 😀 `.repeat(1 + (i % 7)),
    (i: number) => `controls \u0001\t and \\ "${i}" `.repeat(1 + (i % 5)),
    (i: number) => `plain text number ${i} without anything to escape `.repeat(1 + (i % 40)),
    (i: number) => `long ${i} `.repeat(700),
  ];
  for (const blockSize of [1024, 1 << 16]) {
    const blocks: Buffer[] = [];
    const out = new ByteOutput((b) => blocks.push(b), blockSize);
    const events: WireEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const text = kinds[i % kinds.length]!(i >> 2);
      // Four recipients, and one more distinct text between them than the encoder keeps.
      for (let to = 0; to < 4; to++) {
        events.push(message(text, { from: 'server', conn: to, length: Buffer.byteLength(text) }));
        if (to === 1) for (let k = 0; k < 3; k++) events.push(message(`other ${i} ${k} "x" `.repeat(4)));
      }
    }
    for (const ev of events) writeJsonl(out, ev);
    out.flush();
    const lines = Buffer.concat(blocks).toString('utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, events.length);
    for (let i = 0; i < events.length; i++) {
      const text = (events[i] as WsMessageEvent).text!;
      assert.ok(lines[i]!.includes(',"text":' + JSON.stringify(text) + ',"length":'), `line ${i}`);
      assert.deepEqual(JSON.parse(lines[i]!), reference(events[i]!));
    }
  }
});

test('escaping text with quotes: every special character at every position and alignment', () => {
  // Text with a quote takes the word-at-a-time escape; each of these must come out as
  // JSON.stringify writes it wherever it falls within a word, and wherever the output starts.
  const specials = [
    '"',
    '\\',
    '\n',
    '\u0000',
    '\u001f',
    '\u007f',
    'é',
    '✓',
    '\uff45',
    '\ufffd',
    '\ud800',
    '😀',
  ];
  for (const special of specials) {
    for (let at = 0; at < 12; at++) {
      const text = 'a'.repeat(at) + special + 'b"c'.repeat(20) + special + 'd'.repeat(at);
      for (let shift = 0; shift < 4; shift++) {
        for (const ascii of special.charCodeAt(0) < 0x80 ? [true, false] : [false]) {
          const blocks: Buffer[] = [];
          const out = new ByteOutput((b) => blocks.push(b), 4096);
          out.reserve(shift);
          for (let i = 0; i < shift; i++) out.putBytes(Buffer.from('x'));
          out.jsonString(text, ascii);
          out.flush();
          assert.equal(
            Buffer.concat(blocks).toString('utf8'),
            'x'.repeat(shift) + JSON.stringify(text),
            `${JSON.stringify(special)} at ${at}, shift ${shift}`,
          );
        }
      }
    }
  }
});

test('segments: flags, roles and options of any text, however many, match JSON.stringify', () => {
  const words = ['P.', '.', 'S', 'FP.', '', 'P."', 'x\\y', 'ü', 'a'.repeat(17), 'tab\t'];
  for (let i = 0; i < 80; i++) words.push(`W${i}.`);
  const events: WireEvent[] = [];
  for (let round = 0; round < 2; round++) {
    for (const word of words) {
      events.push({
        event: 'tcp.segment',
        ts: 1700000000.5,
        src: '10.0.0.1:1234',
        dst: '10.0.0.2:80',
        conn: 1,
        packet: events.length,
        from: round === 0 ? 'client' : 'server',
        flags: word,
        seq: 1,
        seqEnd: 2,
        ack: round === 0 ? null : 7,
        win: 64,
        len: 1,
        options: word === 'P.' ? 'nop,nop,TS val 1 ecr 2' : word,
        // Roles are the decoder's words; any text must still come out as JSON.stringify has it.
        role: (word === 'P.' ? 'data' : word) as TcpSegmentEvent['role'],
      });
    }
  }
  const lines = renderJsonl(events).split('\n');
  assert.equal(lines.pop(), '');
  for (let i = 0; i < events.length; i++) {
    assert.equal(lines[i], JSON.stringify(events[i]), `segment ${i}`);
  }
});

test('hasControl finds a control byte at every position and alignment', () => {
  const base = Buffer.alloc(80, 0x61);
  for (let start = 0; start < 4; start++) {
    for (let at = start; at < 80; at++) {
      const b = Buffer.from(base);
      b[at] = 0x1f;
      assert.equal(hasControl(b, start, 80), true, `${start}/${at}`);
      b[at] = 0x20;
      assert.equal(hasControl(b, start, 80), false);
      b[at] = 0xc3; // UTF-8 lead bytes are not control characters
      assert.equal(hasControl(b, start, 80), false);
    }
  }
});
