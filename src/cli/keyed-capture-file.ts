// `capture -w FILE` with --keylog: tcpdump's pcap cannot carry secrets, so the file is written as
// pcapng instead (same packets, same nanosecond times), with the key log's lines in Decryption
// Secrets Blocks: those known at start right after the header, the ones that arrive while live
// where they arrive. Wireshark uses a block's secrets only for the packets after it, so while a
// connection waits for its secrets (the decoder's KeyWaiter) the packets are kept back, up to
// --keylog-wait-bytes, and written after the block that brings them. The file alone then
// decodes later, in `wirechat read` and in Wireshark.
import type { Writable } from 'node:stream';
import { createCaptureReader } from '../wire/source/capture-reader.js';
import { DSB_TLS_KEY_LOG } from '../wire/source/pcapng-codes.js';
import { createPcapngWriter } from '../wire/source/pcapng-writer.js';
import { wholeSeconds } from '../wire/source/timestamp.js';

export interface KeyedCaptureFile {
  /** tcpdump's bytes, any chunking (after the decoder has seen them, so its waits are known). */
  push(chunk: Buffer): void;
  /** Key log lines to carry from here on ('' is ignored); packets kept back go out after them. */
  secrets(lines: string): void;
  /** Writes the packets kept back. */
  end(): void;
}

export interface KeyedCaptureFileOptions {
  /** The key log lines known at start. */
  initialLines: string;
  /** Written as shb_userappl. */
  application: string;
  /** Whether some connection waits for its secrets: packets are kept back meanwhile. */
  waiting: () => boolean;
  /** Bytes of packets kept back at most; past it they are written anyway. */
  maxHeldBytes: number;
}

export function createKeyedCaptureFile(out: Writable, options: KeyedCaptureFileOptions): KeyedCaptureFile {
  const writer = createPcapngWriter({ application: options.application });
  out.write(writer.header());
  let held: Buffer[] = [];
  let heldBytes = 0;
  const flush = (): void => {
    for (const block of held) out.write(block);
    held = [];
    heldBytes = 0;
  };
  const secrets = (lines: string): void => {
    if (lines !== '') out.write(writer.secrets(DSB_TLS_KEY_LOG, Buffer.from(lines, 'latin1')));
    if (!options.waiting()) flush();
  };
  const initialLines = options.initialLines;
  // Always a block at the start, even before any secret is known: it tells readers that this
  // file carries its secrets, so they wait for those written later, as the handshakes happen.
  secrets(initialLines || '# TLS key log: the lines follow as the sessions start\n');
  // Problems in tcpdump's output are the decoder's to report; here a bad record is only skipped.
  const reader = createCaptureReader({
    onPacket(raw) {
      const tsNanos =
        raw.tsNsec !== undefined
          ? BigInt(wholeSeconds(raw.ts, raw.tsNsec)) * 1_000_000_000n + BigInt(raw.tsNsec)
          : undefined;
      const block = writer.packet({
        ts: raw.ts,
        ...(tsNanos !== undefined ? { tsNanos } : {}),
        linkType: raw.linkType,
        data: raw.data,
        origLen: raw.origLen,
      });
      if (held.length === 0 && !options.waiting()) return void out.write(block);
      held.push(block);
      heldBytes += block.length;
      if (heldBytes > options.maxHeldBytes) flush();
    },
    onProblem: () => undefined,
  });
  return {
    push: (chunk) => reader.push(chunk),
    secrets,
    end: () => {
      reader.end();
      flush();
    },
  };
}
