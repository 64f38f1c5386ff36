// The record layer and handshake reassembly as table tests: the same bytes split at every byte
// give the same records and messages; lengths beyond the bounds stop the stream, never buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHandshakeReassembler } from './handshake-reassembler.js';
import { createRecordParser, MAX_RECORD_FRAGMENT, type TlsRecord } from './record-parser.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Three records of RFC 8448 §3 (application data, close_notify) and a clear alert, back to back. */
const STREAM = hex(`
  1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b
  62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4
  1703030013c9872760655666b74d7ff1153efd6db6d0b0e3
  15030300020230`);

const summary = (records: TlsRecord[]) =>
  records.map((r) => `${r.contentType}/${r.version.toString(16)}/${r.fragment.toString('hex')}`);

test('records come out the same however the bytes are split (every split point, and byte by byte)', () => {
  const whole = summary(createRecordParser().push(STREAM));
  assert.equal(whole.length, 3);
  assert.equal(whole[2], '21/303/0230');
  for (let cut = 0; cut <= STREAM.length; cut++) {
    const parser = createRecordParser();
    const got = [...parser.push(STREAM.subarray(0, cut)), ...parser.push(STREAM.subarray(cut))];
    assert.deepEqual(summary(got), whole, `split at ${cut}`);
    assert.equal(parser.pendingBytes, 0);
  }
  const parser = createRecordParser();
  const got: TlsRecord[] = [];
  for (const byte of STREAM) got.push(...parser.push(Buffer.of(byte)));
  assert.deepEqual(summary(got), whole);
});

const BAD_HEADERS: Array<[string, Buffer, RegExp]> = [
  [
    'a length past 2^14 + 2048',
    hex(`170303${(MAX_RECORD_FRAGMENT + 1).toString(16).padStart(4, '0')}`),
    /exceeds/,
  ],
  ['content type 25', hex('1903030001ff'), /content type 25/],
  ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\n'), /content type 71/],
  ['major version 2', hex('1602010001ff'), /major 2/],
];

for (const [name, bytes, why] of BAD_HEADERS) {
  test(`the stream stops at ${name}, holding nothing`, () => {
    const parser = createRecordParser();
    assert.deepEqual(parser.push(bytes), []);
    assert.match(String(parser.failure), why);
    assert.equal(parser.pendingBytes, 0);
    assert.deepEqual(parser.push(STREAM), [], 'nothing after a failure');
  });
}

test('a partial record holds at most one header and one record', () => {
  const parser = createRecordParser();
  const header = hex(`170303${MAX_RECORD_FRAGMENT.toString(16)}`);
  parser.push(header);
  parser.push(Buffer.alloc(MAX_RECORD_FRAGMENT - 1));
  assert.equal(parser.pendingBytes, 5 + MAX_RECORD_FRAGMENT - 1);
  const [record] = parser.push(Buffer.concat([Buffer.alloc(1), hex('17')]));
  assert.equal(record?.fragment.length, MAX_RECORD_FRAGMENT);
  assert.equal(parser.pendingBytes, 1);
});

/** Two handshake messages (a ServerHelloDone and a 300-byte Certificate-like body). */
const MESSAGES = Buffer.concat([hex('0e000000'), hex('0b00012c'), Buffer.alloc(300, 7)]);

test('handshake messages come out whole however the record fragments are cut', () => {
  for (let cut = 0; cut <= MESSAGES.length; cut++) {
    for (const second of [cut, Math.min(MESSAGES.length, cut + 5)]) {
      const r = createHandshakeReassembler();
      const got = [
        MESSAGES.subarray(0, cut),
        MESSAGES.subarray(cut, second),
        MESSAGES.subarray(second),
      ].flatMap((f) => {
        const out = r.push(f);
        assert.notEqual(typeof out, 'string');
        return out as Array<{ type: number; body: Buffer }>;
      });
      assert.deepEqual(
        got.map((m) => [m.type, m.body.length]),
        [
          [14, 0],
          [11, 300],
        ],
        `cut at ${cut}/${second}`,
      );
      assert.ok(r.atBoundary);
    }
  }
});

test('a handshake message longer than the limit is refused from its header', () => {
  const r = createHandshakeReassembler(1024);
  const out = r.push(hex('0b100000'));
  assert.equal(typeof out, 'string');
  assert.match(out as string, /1048576 bytes exceeds the 1024-byte limit/);
  assert.deepEqual(r.push(MESSAGES), []);
});
