// permessage-deflate and mid-stream decoding on bytes recorded from a real `ws` server and
// client (through a recording proxy), plus a hand-made inflate bomb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync } from 'node:zlib';
import type { Side, WireEvent, WsMessageEvent, HttpResponseEvent } from '../events.js';
import { closeClient, echoAll, startTappedEcho, type TappedChunk } from '../../testing/wire/test-tap.js';
import { decode, frame, handshake, serverFrame, summary } from '../../testing/wire/test-frames.js';

const texts = (events: WireEvent[], from: Side) =>
  events
    .filter((e): e is WsMessageEvent => e.event === 'ws.message' && e.from === from)
    .map((m) => m.text ?? m.data_base64);

const steps = (chunks: TappedChunk[]): Array<[Side, Buffer]> => chunks.map((c) => [c.from, c.bytes]);

const sent = [
  'hello deflate 1',
  'hello deflate 1',
  'Ünïcödé ✓ 🎉',
  '{"type":"say","to_uid":"all","content":"hi, all !"}',
];

/** Records a conversation: the messages above, a 3-fragment message with a ping inside, binary, close. */
async function record(
  serverDeflate: object | boolean,
  clientDeflate: object | boolean,
): Promise<TappedChunk[]> {
  const tap = await startTappedEcho(serverDeflate);
  try {
    const ws = await tap.client(clientDeflate);
    await echoAll(ws, [
      ...sent.map((text) => () => ws.send(text)),
      () => {
        ws.send('frag-one ', { fin: false });
        ws.ping('mid');
        ws.send('frag-two ', { fin: false });
        ws.send('frag-three hello deflate 1', { fin: true });
      },
      () => ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true }),
    ]);
    await closeClient(ws, 1001, 'going');
    return tap.chunks;
  } finally {
    await tap.close();
  }
}

const expected = [...sent, 'frag-one frag-two frag-three hello deflate 1', '3q2+7w=='];

test('permessage-deflate with context takeover, fragmented compressed message, split at any point', async () => {
  const chunks = await record(true, true);
  const events = decode(steps(chunks));
  assert.deepEqual(texts(events, 'client'), expected);
  assert.deepEqual(texts(events, 'server'), expected);
  const response = events.find((e) => e.event === 'http.response') as HttpResponseEvent;
  assert.equal(response.acceptValid, true);
  assert.equal(response.deflate?.serverNoContextTakeover, false);
  const messages = events.filter((e): e is WsMessageEvent => e.event === 'ws.message' && e.from === 'client');
  assert.ok(messages.every((m) => m.compressed));
  // The repeat is shorter on the wire: the window carried over from the first message.
  assert.ok(messages[1].wireLength < messages[0].wireLength);
  assert.equal(messages[4].fragments, 3);
  assert.deepEqual(
    events.filter((e) => e.event === 'decode.problem'),
    [],
  );
  // The same bytes one at a time.
  const bytewise: Array<[Side, Buffer]> = [];
  for (const c of chunks)
    for (let i = 0; i < c.bytes.length; i++) bytewise.push([c.from, c.bytes.subarray(i, i + 1)]);
  assert.deepEqual(summary(decode(bytewise)), summary(events));
});

test('permessage-deflate without context takeover and with small window bits', async () => {
  const chunks = await record(
    {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
      clientMaxWindowBits: 9,
    },
    { clientMaxWindowBits: 9 },
  );
  const events = decode(steps(chunks));
  const response = events.find((e) => e.event === 'http.response') as HttpResponseEvent;
  assert.deepEqual(response.deflate, {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 9,
    clientMaxWindowBits: 9,
  });
  assert.deepEqual(texts(events, 'client'), expected);
  assert.deepEqual(texts(events, 'server'), expected);
  const messages = events.filter((e): e is WsMessageEvent => e.event === 'ws.message' && e.from === 'server');
  assert.equal(messages[1].wireLength, messages[0].wireLength); // no window carried over
});

test('an inflate bomb is cut at the limit (INFLATE_LIMIT) and decoding goes on', () => {
  const { request, response } = handshake('permessage-deflate');
  const deflated = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x41), {
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  const bomb = deflated.subarray(0, deflated.length - 4); // strip 00 00 ff ff
  const events = decode(
    [
      ['client', request],
      ['server', response],
      ['server', serverFrame({ opcode: 1, rsv1: true, payload: bomb })],
      ['server', serverFrame({ opcode: 1, payload: 'after the bomb' })],
    ],
    { maxMessageBytes: 4 * 1024 * 1024 },
  );
  const problems = events.filter((e) => e.event === 'decode.problem').map((e) => e.code);
  assert.deepEqual(problems, ['INFLATE_LIMIT']);
  const messages = events.filter((e): e is WsMessageEvent => e.event === 'ws.message');
  assert.equal(messages.length, 2);
  assert.ok(messages[0].length <= 4 * 1024 * 1024);
  assert.match(messages[0].text ?? '', /^A*$/);
  assert.equal(messages[1].text, 'after the bomb');
});

test('mid-stream: bytes from the middle of a real conversation are resynchronised, deflate inferred', async () => {
  const chunks = await record(true, true);
  // Drop the handshake and the first exchange, and cut into the middle of the next chunk of each side.
  const firstClient = chunks.findIndex((c, i) => i > 2 && c.from === 'client');
  const tail = chunks
    .slice(firstClient + 2)
    .map((c, i): [Side, Buffer] => [c.from, i < 2 ? c.bytes.subarray(3) : c.bytes]);
  const events = decode(tail, {}, false);
  const problems = events.filter((e) => e.event === 'decode.problem').map((e) => e.code);
  assert.ok(problems.includes('DEFLATE_INFERRED'));
  // The fragmented message and the binary one come after the cut and must decode, each way.
  for (const side of ['client', 'server'] as const) {
    const got = texts(events, side);
    assert.ok(
      got.includes('frag-one frag-two frag-three hello deflate 1') || problems.includes('INFLATE_FAILED'),
      side,
    );
    assert.equal(got[got.length - 1], '3q2+7w==', side);
  }
  assert.ok(events.some((e) => e.event === 'ws.close' && e.from === 'client' && e.code === 1001));
});

test('mid-stream plain frames with the sides guessed wrong: SIDES_SWAPPED, then decoded', () => {
  const clientBytes = Buffer.concat([
    frame({ opcode: 1, payload: 'from the client' }),
    frame({ opcode: 1, payload: 'again' }),
  ]);
  const serverBytes = Buffer.concat([serverFrame({ opcode: 1, payload: 'from the server' })]);
  // The flow table labelled the real client 'server'.
  const events = decode(
    [
      ['server', clientBytes.subarray(5)],
      ['server', frame({ opcode: 1, payload: 'one' })],
      ['server', frame({ opcode: 1, payload: 'two' })],
      ['client', serverBytes],
      ['client', serverFrame({ opcode: 1, payload: 'three' })],
    ],
    {},
    false,
  );
  const s = summary(events);
  assert.ok(s.includes('problem SIDES_SWAPPED'));
  assert.deepEqual(texts(events, 'client').slice(-2), ['one', 'two']);
  assert.deepEqual(texts(events, 'server'), ['from the server', 'three']);
  const m = events.find((e): e is WsMessageEvent => e.event === 'ws.message' && e.text === 'one');
  assert.equal(m?.src, '10.0.0.2:7272'); // src stays the real sender's address
});

test('after a loss, a long stretch with no frame boundary is WS_NO_FRAME_BOUNDARY (once), then decoding goes on', () => {
  const frames = Buffer.concat(['a', 'b', 'c'].map((payload) => frame({ opcode: 1, payload })));
  // 0x30 sets RSV2 and RSV3: no offset of these bytes can begin a frame.
  const noise = Buffer.alloc(300 * 1024, 0x30);
  const events = decode(
    [
      ['client', frames],
      ['client', 'gap', 100],
      ...Array.from({ length: 5 }, (): ['client', Buffer] => ['client', noise]),
      ['client', Buffer.concat(['after', 'the', 'noise'].map((payload) => frame({ opcode: 1, payload })))],
    ],
    {},
    false,
  );
  const problems = summary(events).filter((s) => s.startsWith('problem'));
  assert.deepEqual(problems, ['problem WS_NO_FRAME_BOUNDARY']);
  assert.deepEqual(texts(events, 'client'), ['a', 'b', 'c', 'after', 'the', 'noise']);
});
