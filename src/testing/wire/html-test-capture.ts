// A chat capture made on the spot for the HTML view's tests: one WebSocket connection (upgrade
// request, 101, then many text messages each way — client frames masked, every `bigEvery`th
// message large), as a pcapng file built from synthetic TCP packets. Big enough to cross the
// page's limits, small enough to decode in a moment.
import { createHash } from 'node:crypto';
import { createSyntheticConnection, type SyntheticPacket } from '../../wire/source/synthetic-tcp.js';
import { createPcapngWriter } from '../../wire/source/pcapng-writer.js';
import { encodeFrame, OPCODE } from '../../shared/websocket-framing.js';

export interface ChatCaptureOptions {
  messages: number;
  /** Every this many messages, one of `bigBytes` bytes. */
  bigEvery?: number;
  bigBytes?: number;
}

/** One unfragmented frame; client frames are masked with a key that varies per frame. */
function frame(text: string, mask: number | undefined): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 65536) throw new Error('test frames stay under 64 KiB');
  return encodeFrame(payload, { opcode: OPCODE.TEXT, mask: mask === undefined ? undefined : mask >>> 0 });
}

export function makeChatCapture(options: ChatCaptureOptions): Buffer {
  const bigEvery = options.bigEvery ?? 50;
  const bigBytes = options.bigBytes ?? 20_000;
  const writer = createPcapngWriter();
  const parts: Buffer[] = [writer.header()];
  let nanos = 1_700_000_000_000_000_000n;
  const conn = createSyntheticConnection(
    { ip: '10.0.0.1', port: 50000 },
    { ip: '10.0.0.2', port: 7272 },
    (p: SyntheticPacket) => parts.push(writer.packet(p)),
    () => (nanos += 1_000_000n),
  );
  conn.open();
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  conn.data(
    'client',
    Buffer.from(
      `GET /chat HTTP/1.1\r\nHost: 10.0.0.2:7272\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ),
  );
  conn.data(
    'server',
    Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    ),
  );
  for (let i = 0; i < options.messages; i++) {
    const big = i % bigEvery === bigEvery - 1;
    const content = big ? `big ${i} `.padEnd(bigBytes, 'ab cd ') : `message ${i}: hello there`;
    const text = JSON.stringify({ type: 'say', seq: i, content });
    if (i % 2 === 0) conn.data('client', frame(text, 0x9e3779b9 * (i + 1)));
    else conn.data('server', frame(text, undefined));
  }
  conn.fin('client');
  conn.fin('server');
  return Buffer.concat(parts);
}
