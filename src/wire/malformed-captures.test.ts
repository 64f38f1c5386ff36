// The malformed captures of the golden table (test-data/fixtures/malformed/, listed in
// test-data/golden/TESTLIST): one small capture per problem condition a capture can show, made
// here from synthetic TCP packets. This test checks that the checked-in files are exactly what
// these scripts make (WIRECHAT_UPDATE_GOLDEN=1 rewrites them; read the diff before committing)
// and that decoding each one reports its code; the golden table holds their whole output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../shared/paths.js';
import { encodeFrame, OPCODE, type FrameHeaderSpec } from '../shared/websocket-framing.js';
import { buildTcpPacket, type SyntheticEndpoint } from './source/synthetic-tcp.js';
import { pcap } from '../testing/wire/budget-test-capture.js';
import { computeAccept } from './http/websocket-handshake.js';
import { createCaptureDecoder } from './decode-capture.js';
import type { WireEvent } from './events.js';
import { WIRE_PROBLEMS, type WireProblemCode } from './problem-codes.js';

const CLIENT: SyntheticEndpoint = { ip: '10.0.0.1', port: 50000 };
const SERVER: SyntheticEndpoint = { ip: '10.0.0.2', port: 7272 };
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const MASK = 0x37fa213d;

/** One connection's packets as raw IP, with fixed sequence numbers (the files are reproducible). */
class Script {
  readonly packets: Buffer[] = [];
  private cs = 1000;
  private ss = 5000;

  constructor() {
    this.packets.push(buildTcpPacket(CLIENT, SERVER, this.cs++, 0, { syn: true }));
    this.packets.push(buildTcpPacket(SERVER, CLIENT, this.ss++, this.cs, { syn: true, ack: true }));
    this.packets.push(buildTcpPacket(CLIENT, SERVER, this.cs, this.ss, { ack: true }));
  }

  /** Bytes from one side, in segments of at most 1448 bytes. */
  send(side: 'client' | 'server', bytes: Buffer): this {
    for (let at = 0; at < bytes.length; at += 1448) {
      const segment = bytes.subarray(at, at + 1448);
      if (side === 'client') {
        this.packets.push(
          buildTcpPacket(CLIENT, SERVER, this.cs, this.ss, { ack: true, psh: true }, segment),
        );
        this.cs += segment.length;
      } else {
        this.packets.push(
          buildTcpPacket(SERVER, CLIENT, this.ss, this.cs, { ack: true, psh: true }, segment),
        );
        this.ss += segment.length;
      }
    }
    return this;
  }

  /** `n` bytes the client sent that the capture missed. */
  loseClient(n: number): this {
    this.cs += n;
    return this;
  }

  /** The upgrade request and its 101 (no extension). */
  upgrade(): this {
    this.send(
      'client',
      Buffer.from(
        `GET /chat HTTP/1.1\r\nHost: 10.0.0.2:7272\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    return this.send(
      'server',
      Buffer.from(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Accept: ${computeAccept(KEY)}\r\n\r\n`,
      ),
    );
  }

  /** A frame from the server (unmasked unless `mask` is given). */
  server(payload: string | Buffer, spec: Partial<FrameHeaderSpec> = {}): this {
    return this.send('server', encodeFrame(Buffer.from(payload), { opcode: OPCODE.TEXT, ...spec }));
  }

  /** A classic pcap file of the packets (LINKTYPE_RAW), 1 ms apart. */
  file(): Buffer {
    return pcap(this.packets);
  }
}

const close = (code: number, reason: Buffer = Buffer.alloc(0)): Buffer => {
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code, 0);
  reason.copy(payload, 2);
  return payload;
};

/** Each capture: its file name (under malformed/), the code it shows, and how it is made. */
const MALFORMED: Array<{ name: string; code: WireProblemCode; make: () => Script }> = [
  {
    name: 'ws-client-frame-unmasked',
    code: 'WS_CLIENT_FRAME_UNMASKED',
    make: () =>
      new Script().upgrade().send('client', encodeFrame(Buffer.from('hi'), { opcode: OPCODE.TEXT })),
  },
  {
    name: 'ws-server-frame-masked',
    code: 'WS_SERVER_FRAME_MASKED',
    make: () => new Script().upgrade().server('hi', { mask: MASK }),
  },
  {
    name: 'ws-rsv2-rsv3-set',
    code: 'WS_RSV2_RSV3_SET',
    // RSV2 is not in FrameHeaderSpec (no extension defines it): set by hand.
    make: () => new Script().upgrade().send('server', Buffer.from([0xa1, 0x02, 0x68, 0x69])),
  },
  {
    name: 'ws-rsv1-without-deflate',
    code: 'WS_RSV1_WITHOUT_DEFLATE',
    make: () => new Script().upgrade().server('hi', { rsv1: true }),
  },
  {
    name: 'ws-rsv1-on-control',
    code: 'WS_RSV1_ON_CONTROL',
    make: () => new Script().upgrade().server('ping', { opcode: OPCODE.PING, rsv1: true }),
  },
  {
    name: 'ws-rsv1-on-continuation',
    code: 'WS_RSV1_ON_CONTINUATION',
    make: () =>
      new Script()
        .upgrade()
        .server('hel', { fin: false })
        .server('lo', { opcode: OPCODE.CONTINUATION, rsv1: true }),
  },
  {
    name: 'ws-control-fragmented',
    code: 'WS_CONTROL_FRAGMENTED',
    make: () => new Script().upgrade().server('ping', { opcode: OPCODE.PING, fin: false }),
  },
  {
    name: 'ws-control-too-long',
    code: 'WS_CONTROL_TOO_LONG',
    make: () => new Script().upgrade().server('p'.repeat(126), { opcode: OPCODE.PING }),
  },
  {
    name: 'ws-orphan-continuation',
    code: 'WS_ORPHAN_CONTINUATION',
    make: () => new Script().upgrade().server('lo', { opcode: OPCODE.CONTINUATION }),
  },
  {
    name: 'ws-message-interrupted',
    code: 'WS_MESSAGE_INTERRUPTED',
    make: () => new Script().upgrade().server('hel', { fin: false }).server('hello'),
  },
  {
    name: 'ws-length-impossible',
    code: 'WS_LENGTH_IMPOSSIBLE',
    make: () =>
      new Script()
        .upgrade()
        .send('server', Buffer.from([0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 2])),
  },
  {
    name: 'ws-close-one-byte',
    code: 'WS_CLOSE_ONE_BYTE',
    make: () => new Script().upgrade().server(Buffer.from([0x03]), { opcode: OPCODE.CLOSE }),
  },
  {
    name: 'ws-close-code-invalid',
    code: 'WS_CLOSE_CODE_INVALID',
    make: () => new Script().upgrade().server(close(1005), { opcode: OPCODE.CLOSE }),
  },
  {
    name: 'ws-close-reason-not-utf8',
    code: 'WS_CLOSE_REASON_NOT_UTF8',
    make: () =>
      new Script().upgrade().server(close(1000, Buffer.from([0xc3, 0x28])), { opcode: OPCODE.CLOSE }),
  },
  {
    name: 'http-bad-start-line',
    code: 'HTTP_BAD_START_LINE',
    make: () => new Script().send('client', Buffer.from('GET /chat\r\nHost: x\r\n\r\n')),
  },
  {
    name: 'http-bad-header',
    code: 'HTTP_BAD_HEADER',
    make: () => new Script().send('client', Buffer.from('GET /chat HTTP/1.1\r\nno colon here\r\n\r\n')),
  },
  {
    name: 'http-head-too-large',
    code: 'HTTP_HEAD_TOO_LARGE',
    make: () =>
      new Script().send('client', Buffer.from(`GET /chat HTTP/1.1\r\nX-Big: ${'a'.repeat(65536)}\r\n\r\n`)),
  },
  {
    name: 'http-bad-chunk',
    code: 'HTTP_BAD_CHUNK',
    make: () =>
      new Script()
        .send('client', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
        .send('server', Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')),
  },
  {
    name: 'http-gap',
    code: 'HTTP_GAP',
    make: () =>
      new Script()
        .send('client', Buffer.from('GET /chat HTTP/1.1\r\nHo'))
        .loseClient(10)
        .send('client', Buffer.from('Upgrade: websocket\r\n\r\n')),
  },
];

const malformedDir = join(fixturesDir, 'malformed');

/** The problem codes decoding `file` reports (each checked to carry its code's severity). */
function problemCodes(file: Buffer): string[] {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder({}, (batch) => events.push(...batch));
  decoder.push(file);
  decoder.end();
  return events.flatMap((e) => {
    if (e.event !== 'decode.problem') return [];
    assert.equal(e.severity, WIRE_PROBLEMS[e.code].severity, e.code);
    return [e.code];
  });
}

test('the malformed captures are what their scripts make, and each shows its problem code', () => {
  if (process.env.WIRECHAT_UPDATE_GOLDEN === '1') mkdirSync(malformedDir, { recursive: true });
  for (const { name, code, make } of MALFORMED) {
    const path = join(malformedDir, `${name}.pcap`);
    const made = make().file();
    if (process.env.WIRECHAT_UPDATE_GOLDEN === '1') writeFileSync(path, made);
    assert.ok(existsSync(path), `${path} is missing (WIRECHAT_UPDATE_GOLDEN=1 makes it)`);
    const file = readFileSync(path);
    assert.deepEqual(file, made, `${name}.pcap differs from its script`);
    assert.deepEqual(problemCodes(file), [code], name);
  }
});
