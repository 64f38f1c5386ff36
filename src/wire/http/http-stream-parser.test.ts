import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyPlanFor, createHttpStreamParser, sniffHttp, type HttpHead } from './http-stream-parser.js';
import { computeAccept, handshakeFacts, parseDeflateExtension } from './websocket-handshake.js';

/** Runs a parser over the pieces; returns heads, errors and the bytes after a switch. */
function run(kind: 'request' | 'response', pieces: Buffer[], maxHeadBytes?: number) {
  const heads: HttpHead[] = [];
  const errors: string[] = [];
  let rest: Buffer | undefined;
  const parser = createHttpStreamParser(
    kind,
    {
      onHead(head) {
        heads.push(head);
        if (head.status === 101 || head.headers.some(([n]) => n.toLowerCase() === 'upgrade'))
          return { kind: 'switch' };
        return bodyPlanFor(head);
      },
      onError: (code) => errors.push(code),
    },
    maxHeadBytes,
  );
  for (const piece of pieces) {
    const r = parser.push(piece);
    if (r !== undefined) rest = Buffer.concat([r]);
    else if (rest !== undefined) rest = Buffer.concat([rest, piece]);
  }
  return { heads, errors, rest };
}

function everySplit(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

// The seed capture's exchange (key and accept as the original sent them), with the original
// server's singular "Switching Protocol".
const seedRequest = Buffer.from(
  'GET / HTTP/1.1\r\nHost: 127.0.0.1:7272\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:55151\r\n' +
    'Sec-WebSocket-Key: zPDr6m4czzUdOFnsxIUEAw==\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n',
);
const seedResponse = Buffer.from(
  'HTTP/1.1 101 Switching Protocol\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: nSsCeIBUsFnDJCRb/BNlFzBUDpM=\r\n\r\n',
);

test('HTTP: the seed upgrade request, split at every byte, and the frame bytes after it', () => {
  const frame = Buffer.from([0x81, 0x80, 1, 2, 3, 4]);
  for (const pieces of everySplit(Buffer.concat([seedRequest, frame]))) {
    const { heads, errors, rest } = run('request', pieces);
    assert.deepEqual(errors, []);
    assert.equal(heads.length, 1);
    assert.equal(heads[0].method, 'GET');
    assert.equal(heads[0].target, '/');
    assert.equal(heads[0].version, '1.1');
    assert.deepEqual(heads[0].headers[3], ['Sec-WebSocket-Key', 'zPDr6m4czzUdOFnsxIUEAw==']);
    assert.ok(rest?.equals(frame));
  }
});

test('HTTP: the original "101 Switching Protocol" response split at every byte; accept checks out', () => {
  for (const pieces of everySplit(seedResponse)) {
    const { heads, errors } = run('response', pieces);
    assert.deepEqual(errors, []);
    assert.equal(heads.length, 1);
    assert.equal(heads[0].status, 101);
    assert.equal(heads[0].reason, 'Switching Protocol');
  }
  const request = run('request', [seedRequest]).heads[0];
  const response = run('response', [seedResponse]).heads[0];
  assert.deepEqual(handshakeFacts(request, response), {
    acceptValid: true,
    deflate: undefined,
    protocol: undefined,
  });
  // RFC 6455 §1.3's example.
  assert.equal(computeAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  const forged = run('response', [Buffer.from(seedResponse.toString().replace('nSsCe', 'XSsCe'))]).heads[0];
  assert.equal(handshakeFacts(request, forged).acceptValid, false);
  assert.equal(handshakeFacts(undefined, response).acceptValid, null);
});

test('HTTP: keep-alive requests and responses with Content-Length and chunked bodies, in sequence', () => {
  const requests = Buffer.from(
    'POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello' +
      'GET /b HTTP/1.1\r\n\r\n' +
      'PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10;ext=1\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n' +
      'GET /d HTTP/1.1\r\n\r\n',
  );
  for (const pieces of everySplit(requests)) {
    const { heads, errors } = run('request', pieces);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      heads.map((h) => h.target),
      ['/a', '/b', '/c', '/d'],
    );
  }
  const responses = Buffer.from(
    'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n',
  );
  const { heads } = run('response', [responses]);
  assert.deepEqual(
    heads.map((h) => [h.status, h.reason]),
    [
      [200, 'OK'],
      [304, 'Not Modified'],
      [404, ''],
    ],
  );
});

test('HTTP: a head beyond the size limit is HTTP_HEAD_TOO_LARGE and nothing more is kept', () => {
  const huge = Buffer.from(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(70000)}\r\n\r\n`);
  const pieces: Buffer[] = [];
  for (let i = 0; i < huge.length; i += 1000) pieces.push(huge.subarray(i, i + 1000));
  const { heads, errors } = run('request', pieces);
  assert.deepEqual(heads, []);
  assert.deepEqual(errors, ['HTTP_HEAD_TOO_LARGE']);
  assert.deepEqual(run('request', [Buffer.from('GET / HTTP/1.1\r\nX: 1\r\n\r\n')], 8).errors, [
    'HTTP_HEAD_TOO_LARGE',
  ]);
});

test('HTTP: garbage is reported by what is wrong; sniffing tells HTTP from WebSocket frames', () => {
  assert.deepEqual(run('request', [Buffer.from('GET /\r\n\r\n')]).errors, ['HTTP_BAD_START_LINE']);
  assert.deepEqual(run('response', [Buffer.from('HTTP/1.1 abc\r\n\r\n')]).errors, ['HTTP_BAD_START_LINE']);
  assert.deepEqual(run('request', [Buffer.from('GET / HTTP/1.1\r\nno colon here\r\n\r\n')]).errors, [
    'HTTP_BAD_HEADER',
  ]);
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
  for (const body of ['zz\r\n', '3\r\nabcX\r\n', `${'1'.repeat(5000)}`]) {
    assert.deepEqual(
      run('response', [Buffer.from(chunked + body)]).errors,
      ['HTTP_BAD_CHUNK'],
      body.slice(0, 9),
    );
  }
  assert.equal(sniffHttp('request', Buffer.from('GE')), 'maybe');
  assert.equal(sniffHttp('request', Buffer.from('GET / HTTP/1.1')), 'yes');
  assert.equal(sniffHttp('request', Buffer.from([0x81, 0x85, 0x37])), 'no');
  assert.equal(sniffHttp('response', Buffer.from('HTT')), 'maybe');
  assert.equal(sniffHttp('response', Buffer.from('HTTP/1.1 101')), 'yes');
  assert.equal(sniffHttp('response', Buffer.from('SSH-2.0')), 'no');
});

test('permessage-deflate parameters are read from the accepted extension', () => {
  assert.equal(parseDeflateExtension(undefined), undefined);
  assert.equal(parseDeflateExtension('x-webkit-deflate-frame'), undefined);
  assert.deepEqual(parseDeflateExtension('permessage-deflate'), {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  });
  assert.deepEqual(
    parseDeflateExtension(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits="9"',
    ),
    {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
    },
  );
});
