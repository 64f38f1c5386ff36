// Messages from hand-built frames: fragments, control frames between them, close payloads,
// UTF-8, reserved opcodes, gaps, absurd lengths, and connections that are not WebSocket at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, frame, handshake, serverFrame, summary } from '../../testing/wire/test-frames.js';
import type { WsFrameEvent, WsMessageEvent } from '../events.js';

const { request, response } = handshake();

test('fragments are joined; a ping between them comes out before the message; ts/packet of the last', () => {
  const events = decode([
    ['client', request],
    ['server', response],
    ['client', frame({ opcode: 1, fin: false, payload: 'hel' })],
    ['client', frame({ opcode: 9, payload: 'p' })],
    ['client', frame({ opcode: 0, fin: false, payload: 'lo ' })],
    ['client', frame({ opcode: 0, payload: 'wörld' })],
    ['server', serverFrame({ opcode: 10, payload: 'p' })],
  ]);
  assert.deepEqual(summary(events), [
    'request GET /chat',
    'response 101 accept=true',
    'client ping cA==',
    'client text hello wörld',
    'server pong cA==',
  ]);
  const message = events.find((e) => e.event === 'ws.message') as WsMessageEvent;
  assert.equal(message.fragments, 3);
  assert.equal(message.masked, true);
  assert.equal(message.packet, 6);
  assert.equal(message.ts, 1006);
  assert.equal(message.src, '10.0.0.1:50000');
  assert.equal(message.dst, '10.0.0.2:7272');
  assert.equal(message.utf8Valid, true);
  assert.equal(events.filter((e) => e.event === 'ws.frame').length, 5);
  const first = events.find((e) => e.event === 'ws.frame') as WsFrameEvent;
  assert.equal(first.mask, '37fa213d');
  assert.equal(first.payload, undefined); // only with includeFramePayloads
});

test('the whole conversation fed one byte at a time decodes the same', () => {
  const bytes = Buffer.concat([
    request,
    frame({ opcode: 1, payload: 'x'.repeat(300) }),
    frame({ opcode: 2, payload: 'yz' }),
  ]);
  const steps: Array<['client' | 'server', Buffer]> = [];
  for (let i = 0; i < bytes.length; i++) {
    steps.push(['client', bytes.subarray(i, i + 1)]);
    if (i === request.length - 1) steps.push(['server', response]);
  }
  assert.deepEqual(summary(decode(steps)), [
    'request GET /chat',
    'response 101 accept=true',
    `client text ${'x'.repeat(300)}`,
    'client binary eXo=',
  ]);
});

test('close frames: code and reason; a 1-byte payload, bad codes and bad UTF-8 each reported by its own code', () => {
  const events = decode([
    ['client', request],
    ['server', response],
    ['client', frame({ opcode: 8, payload: Buffer.from([0x03, 0xe9, 0x67, 0x6f]) })],
    ['server', serverFrame({ opcode: 8, payload: Buffer.from([0x03]) })],
    ['server', serverFrame({ opcode: 8, payload: Buffer.from([0x03, 0xee]) })],
    ['server', serverFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8, 0xc3, 0x28]) })],
  ]);
  assert.deepEqual(summary(events).slice(2), [
    'client close 1001 go',
    'problem WS_CLOSE_ONE_BYTE',
    'server close - ',
    'problem WS_CLOSE_CODE_INVALID',
    'server close 1006 ',
    'problem WS_CLOSE_REASON_NOT_UTF8',
    'server close 1000 \ufffd(',
  ]);
});

test('invalid UTF-8 text is reported and flagged; binary is base64', () => {
  const events = decode([
    ['client', request],
    ['server', response],
    ['server', serverFrame({ opcode: 1, payload: Buffer.from([0x68, 0xff, 0x69]) })],
    ['server', serverFrame({ opcode: 2, payload: Buffer.from([0, 1, 2, 255]) })],
  ]);
  assert.deepEqual(summary(events).slice(2), [
    'problem BAD_UTF8',
    'server text h\ufffdi',
    'server binary AAEC/w==',
  ]);
  const text = events.find((e) => e.event === 'ws.message') as WsMessageEvent;
  assert.equal(text.utf8Valid, false);
});

test('a reserved opcode is reported and skipped; the next frame still decodes', () => {
  const events = decode([
    ['client', request],
    ['server', response],
    [
      'server',
      Buffer.concat([
        serverFrame({ opcode: 3, payload: 'junk' }),
        serverFrame({ opcode: 1, payload: 'after' }),
      ]),
    ],
  ]);
  assert.deepEqual(summary(events).slice(2), ['problem RESERVED_OPCODE', 'server text after']);
});

test('a gap inside a frame drops that message (GAP_IN_MESSAGE); the next message decodes', () => {
  const big = frame({ opcode: 1, payload: 'a'.repeat(1000) });
  const events = decode([
    ['client', request],
    ['server', response],
    ['client', big.subarray(0, 300)],
    ['client', 'gap', 400],
    ['client', big.subarray(700)],
    ['client', frame({ opcode: 1, payload: 'next' })],
  ]);
  assert.deepEqual(summary(events).slice(2), ['problem GAP_IN_MESSAGE', 'client text next']);
});

test('a gap across frame boundaries resynchronises on the frames after it', () => {
  const frames = [1, 2, 3, 4, 5].map((n) => frame({ opcode: 1, payload: `message number ${n}` }));
  const all = Buffer.concat(frames);
  const events = decode([
    ['client', request],
    ['server', response],
    ['client', all.subarray(0, 10)],
    ['client', 'gap', frames[0].length + 5 - 10],
    ['client', all.subarray(frames[0].length + 5, frames[0].length + frames[1].length)],
    ['client', frames[2]],
    ['client', frames[3]],
    ['client', frames[4]],
  ]);
  const texts = summary(events).filter((s) => s.startsWith('client text'));
  assert.deepEqual(texts.slice(-3), [
    'client text message number 3',
    'client text message number 4',
    'client text message number 5',
  ]);
  assert.ok(!texts.includes('client text message number 1'));
});

test('an absurd 64-bit length stops that direction with WS_LENGTH_IMPOSSIBLE; the other direction goes on', () => {
  const absurd = Buffer.from([0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const events = decode([
    ['client', request],
    ['server', response],
    ['server', Buffer.concat([absurd, Buffer.alloc(5000, 1)])],
    ['server', serverFrame({ opcode: 1, payload: 'ignored' })],
    ['client', frame({ opcode: 1, payload: 'still here' })],
  ]);
  assert.deepEqual(summary(events).slice(2), ['problem WS_LENGTH_IMPOSSIBLE', 'client text still here']);
});

test('a message over maxMessageBytes is truncated with MESSAGE_TOO_LARGE, its length still counted', () => {
  const events = decode(
    [
      ['client', request],
      ['server', response],
      ['server', serverFrame({ opcode: 2, payload: Buffer.alloc(5000, 7) })],
    ],
    { maxMessageBytes: 1000 },
  );
  assert.deepEqual(summary(events).slice(2, 3), ['problem MESSAGE_TOO_LARGE']);
  const message = events.find((e) => e.event === 'ws.message') as WsMessageEvent;
  assert.equal(Buffer.from(message.data_base64 ?? '', 'base64').length, 1000);
  assert.equal(message.wireLength, 5000);
});

test('includeFramePayloads attaches the unmasked payload and the masked wire bytes', () => {
  const events = decode(
    [
      ['client', request],
      ['server', response],
      ['client', frame({ opcode: 1, payload: 'Hello' })],
    ],
    {
      includeFramePayloads: true,
    },
  );
  const f = events.find((e) => e.event === 'ws.frame') as WsFrameEvent;
  assert.equal(f.payload?.toString(), 'Hello');
  assert.equal(f.wirePayload?.toString('hex'), '7f9f4d5158'); // RFC 6455 §5.7
});

test('a connection that is neither HTTP nor WebSocket: one NOT_WEBSOCKET, then nothing', () => {
  const tls = Buffer.from('16030100a5010000a103035f', 'hex');
  const events = decode([
    ['client', tls],
    ['server', Buffer.from('160303007a0200007603035e', 'hex')],
    ['client', Buffer.alloc(3000, 0x17)],
  ]);
  assert.deepEqual(summary(events), ['problem NOT_WEBSOCKET']);
});

test('plain HTTP (the page): keep-alive requests and responses, bodies skipped, no WebSocket', () => {
  const events = decode([
    ['client', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['server', Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n<html></html')],
    ['server', Buffer.from('>')],
    ['client', Buffer.from('GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n')],
    [
      'server',
      Buffer.from(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\x81\x05ab\r\n0\r\n\r\n',
        'latin1',
      ),
    ],
  ]);
  assert.deepEqual(summary(events), [
    'request GET /',
    'response 200 accept=null',
    'request GET /app.js',
    'response 200 accept=null',
  ]);
});

test('a forged Sec-WebSocket-Accept is BAD_ACCEPT; a refused upgrade returns to HTTP', () => {
  const forged = Buffer.from(response.toString().replace(/Accept: ./, 'Accept: Z'));
  assert.deepEqual(
    summary(
      decode([
        ['client', request],
        ['server', forged],
      ]),
    ),
    ['request GET /chat', 'response 101 accept=false', 'problem BAD_ACCEPT'],
  );
  const events = decode([
    ['client', request],
    ['client', Buffer.from('GET /again HTTP/1.1\r\n\r\n')],
    [
      'server',
      Buffer.from(
        'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
      ),
    ],
  ]);
  assert.deepEqual(summary(events), [
    'request GET /chat',
    'response 400 accept=null',
    'request GET /again',
    'response 200 accept=null',
  ]);
});

test('wantFrames: false builds no ws.frame event; messages, control frames and frame problems are the same', () => {
  const steps: Array<['client' | 'server', Buffer]> = [
    ['client', request],
    ['server', response],
    ['client', frame({ opcode: 1, payload: 'hel', fin: false })],
    ['client', frame({ opcode: 9, payload: 'p' })],
    ['client', frame({ opcode: 0, payload: 'lo' })],
    ['server', serverFrame({ opcode: 1, payload: 'x', rsv1: true })],
    ['server', serverFrame({ opcode: 9, payload: 'y'.repeat(126) })],
    ['server', serverFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) })],
  ];
  const withFrames = decode(steps, { includeFramePayloads: true });
  const without = decode(steps, { wantFrames: false, includeFramePayloads: true });
  assert.equal(withFrames.filter((e) => e.event === 'ws.frame').length, 6);
  assert.equal(without.filter((e) => e.event === 'ws.frame').length, 0);
  assert.deepEqual(summary(without), summary(withFrames));
  assert.ok(summary(without).includes('problem WS_RSV1_WITHOUT_DEFLATE'));
  assert.ok(summary(without).includes('problem WS_CONTROL_TOO_LONG'));
  assert.ok(summary(without).includes('client text hello'));
});

test('masked frames over many packets unmask straight into the message at every offset and size', () => {
  // Two fragments of 1,000 and 3,001 bytes cut at uneven places: each piece lands at an offset
  // that is not a multiple of 4 in the mask and in the message, short pieces and long ones.
  const text = Array.from({ length: 4001 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join('');
  const bytes = Buffer.concat([
    frame({ opcode: 1, fin: false, payload: text.slice(0, 1000) }),
    frame({ opcode: 0, payload: text.slice(1000) }),
  ]);
  const steps: Array<['client' | 'server', Buffer]> = [
    ['client', request],
    ['server', response],
  ];
  for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 3 + 1) % 701) {
    steps.push(['client', bytes.subarray(at, at + n)]);
  }
  assert.deepEqual(summary(decode(steps)), [
    'request GET /chat',
    'response 101 accept=true',
    `client text ${text}`,
  ]);
});
