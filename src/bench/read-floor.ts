// The floor under `wirechat read --format jsonl`: the work no Node program printing this
// capture's messages as jsonl can skip, done with the fastest encoder at hand, timed in a fresh
// process. Used by read-bench.ts (on by default, --no-floor to skip); also runnable alone:
//   node dist/bench/read-floor.js FILE [stringify|bytes]
//
// Untimed first: the capture is decoded with the project's decoder, keeping only each
// ws.message's text (or its bytes, for binary). Then timed:
//   1. read: the whole file in 1 MiB chunks, as `read` does (nothing done with the bytes);
//   2. encode+write: for every message the shortest line the jsonl contract allows,
//      {"event":"ws.message","text":<JSON string>} (data_base64 for binary), written in 1 MiB
//      blocks to /dev/null.
// No packet parsing, no TCP reassembly, no frames, no inflate, no UTF-8 decoding, no other
// field: a real implementation does all of that on top. Two encoders are timed (in separate
// processes, by read-bench): `stringify` (JSON.stringify of each text joined into ~1 MiB strings,
// one write each) and `bytes` (the project's ByteOutput encoder straight into 1 MiB Buffers); the
// floor is the faster one. Node's own start-up is measured separately (`node -e ''`).
//
// With a key log (a wss capture: `read-floor FILE ENCODER KEYLOG`) a third step is timed between
// the two: decrypting every TLS record the decoder decrypted, each with its own node:crypto
// decipher (as recorded, untimed, while the capture was decoded: read-floor-tls.ts), and nothing
// else: no record framing, no key schedule, no handshake.
// Prints one JSON line (FloorResult).
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { ByteOutput } from '../wire/render/byte-output.js';
import { KeyStore } from '../wire/tls/key-store.js';
import { parseKeyLog } from '../wire/tls/keylog-parser.js';
import { decryptAll, recordDeciphers } from './read-floor-tls.js';

export const FLOOR_ENCODERS = ['stringify', 'bytes'] as const;
export type FloorEncoder = (typeof FLOOR_ENCODERS)[number];

export interface FloorResult {
  encoder: FloorEncoder;
  messages: number;
  /** 1 MiB chunks read. */
  chunks: number;
  /** Reading the file in 1 MiB chunks. */
  readMs: number;
  readCpuMs: number;
  /** Encoding every message line and writing it to /dev/null. */
  encodeWriteMs: number;
  encodeWriteCpuMs: number;
  outputBytes: number;
  maxRssMB: number;
  /** With a key log: TLS records decrypted, and the time it took. */
  records?: number;
  decryptMs?: number;
  decryptCpuMs?: number;
}

const CHUNK = 1 << 20;

/** The messages of the capture: text, or bytes for binary (decoded untimed). */
function collectMessages(file: string, keylog?: string): Array<string | Buffer> {
  const messages: Array<string | Buffer> = [];
  let tls: { keys: KeyStore } | undefined;
  if (keylog) {
    tls = { keys: new KeyStore() };
    parseKeyLog(readFileSync(keylog, 'utf8'), tls.keys, keylog);
  }
  const decoder = createCaptureDecoder({ chat: false, ...(tls ? { tls } : {}) }, (batch) => {
    for (let i = 0; i < batch.length; i++) {
      const ev = batch[i]!;
      if (ev.event !== 'ws.message') continue;
      if (ev.text !== undefined) messages.push(ev.text);
      else if (ev.data_base64 !== undefined) messages.push(Buffer.from(ev.data_base64, 'base64'));
    }
  });
  readChunks(file, (chunk) => decoder.push(chunk));
  decoder.end();
  return messages;
}

function readChunks(file: string, onChunk: (chunk: Buffer) => void): void {
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk, as a read stream gives.
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      onChunk(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

const TEXT_HEAD = '{"event":"ws.message","text":';
const BINARY_HEAD = '{"event":"ws.message","data_base64":"';

/** JSON.stringify per text, lines joined into ~1 MiB strings, one write each. */
function encodeStringify(messages: Array<string | Buffer>, fd: number): number {
  let bytes = 0;
  let text = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    text +=
      typeof m === 'string'
        ? TEXT_HEAD + JSON.stringify(m) + '}\n'
        : BINARY_HEAD + m.toString('base64') + '"}\n';
    if (text.length >= CHUNK) {
      bytes += writeSync(fd, text);
      text = '';
    }
  }
  if (text !== '') bytes += writeSync(fd, text);
  return bytes;
}

/** The project's encoder: pre-encoded heads, JSON strings escaped straight into 1 MiB blocks. */
function encodeBytes(messages: Array<string | Buffer>, fd: number): number {
  let bytes = 0;
  const out = new ByteOutput(
    (block) => {
      bytes += block.length;
      writeSync(fd, block);
    },
    CHUNK,
    () => true,
  );
  const textHead = Buffer.from(TEXT_HEAD, 'latin1');
  const binaryHead = Buffer.from('{"event":"ws.message","data_base64":', 'latin1');
  const end = Buffer.from('}\n', 'latin1');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    out.reserve(64);
    if (typeof m === 'string') {
      out.putBytes(textHead);
      out.jsonString(m);
    } else {
      out.putBytes(binaryHead);
      out.jsonString(m.toString('base64'), true);
    }
    out.reserve(64);
    out.putBytes(end);
  }
  out.flush();
  return bytes;
}

export function runFloor(file: string, encoder: FloorEncoder, keylog?: string): FloorResult {
  const recorded = keylog ? recordDeciphers() : undefined;
  const messages = collectMessages(file, keylog);
  const records = recorded?.stop();
  (globalThis as { gc?: () => void }).gc?.();

  let t0 = process.hrtime.bigint();
  let cpu0 = process.cpuUsage();
  let chunks = 0;
  readChunks(file, () => chunks++);
  const readMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let cpu = process.cpuUsage(cpu0);
  const readCpuMs = (cpu.user + cpu.system) / 1000;

  let decrypt: Pick<FloorResult, 'records' | 'decryptMs' | 'decryptCpuMs'> = {};
  if (records) {
    t0 = process.hrtime.bigint();
    cpu0 = process.cpuUsage();
    decryptAll(records);
    const decryptMs = Number(process.hrtime.bigint() - t0) / 1e6;
    cpu = process.cpuUsage(cpu0);
    decrypt = { records: records.length, decryptMs, decryptCpuMs: (cpu.user + cpu.system) / 1000 };
  }

  const fd = openSync('/dev/null', 'w');
  t0 = process.hrtime.bigint();
  cpu0 = process.cpuUsage();
  let outputBytes: number;
  try {
    outputBytes = encoder === 'stringify' ? encodeStringify(messages, fd) : encodeBytes(messages, fd);
  } finally {
    closeSync(fd);
  }
  const encodeWriteMs = Number(process.hrtime.bigint() - t0) / 1e6;
  cpu = process.cpuUsage(cpu0);
  return {
    encoder,
    messages: messages.length,
    chunks,
    readMs,
    readCpuMs,
    encodeWriteMs,
    encodeWriteCpuMs: (cpu.user + cpu.system) / 1000,
    outputBytes,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    ...decrypt,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, encoder = 'bytes', keylog] = process.argv.slice(2);
  if (!file || !FLOOR_ENCODERS.includes(encoder as FloorEncoder)) {
    console.error(`usage: read-floor FILE [${FLOOR_ENCODERS.join('|')}] [KEYLOG]`);
    process.exitCode = 2;
  } else {
    console.log(JSON.stringify(runFloor(file, encoder as FloorEncoder, keylog)));
  }
}
