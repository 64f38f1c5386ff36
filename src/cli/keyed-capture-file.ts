// Saved captures that carry their TLS secrets (`capture -w` and `tap -w` with --keylog): pcapng
// with the key log's lines in Decryption Secrets Blocks, those known at start right after the
// header, the ones that arrive while live where they arrive. Wireshark uses a block's secrets
// only for the packets after it, so while a connection waits for its secrets (the decoder's
// KeyWaiter) the packets are kept back, up to --keylog-wait-bytes, and written after the block
// that brings them. The file alone then decodes later, in `wirechat read` and in Wireshark.
// tcpdump's pcap cannot carry secrets, so `capture -w` with a key log converts it to pcapng (same
// packets, same nanosecond times).
import type { Writable } from 'node:stream';
import { createCaptureReader } from '../wire/source/capture-reader.js';
import { DSB_TLS_KEY_LOG } from '../wire/source/pcapng-codes.js';
import { createPcapngWriter, type PcapngWriter } from '../wire/source/pcapng-writer.js';
import { wholeSeconds } from '../wire/source/timestamp.js';

export interface SecretsOrderedOutputOptions {
  /** The key log lines known at start. */
  initialLines: string;
  /** Whether some connection waits for its secrets: packets are kept back meanwhile. */
  waiting: () => boolean;
  /** Bytes of packets kept back at most; past it they are written anyway. */
  maxHeldBytes: number;
}

/** pcapng blocks out, in an order where secrets come before the packets that need them. */
export interface SecretsOrderedOutput {
  /** A packet's blocks (kept back while a connection waits for its secrets). */
  packet(blocks: Buffer): void;
  /** Key log lines to carry from here on ('' is ignored); packets kept back go out after them. */
  secrets(lines: string): void;
  /** Writes the packets kept back. */
  end(): void;
}

/** `writer`'s header must already be written to `out`. */
export function createSecretsOrderedOutput(
  out: Writable,
  writer: PcapngWriter,
  options: SecretsOrderedOutputOptions,
): SecretsOrderedOutput {
  // Only these are kept for the run (not the initial lines, which may be tens of MB).
  const { waiting, maxHeldBytes } = options;
  let held: Buffer[] = [];
  let heldBytes = 0;
  const flush = (): void => {
    for (const block of held) out.write(block);
    held = [];
    heldBytes = 0;
  };
  const secrets = (lines: string): void => {
    if (lines !== '') out.write(writer.secrets(DSB_TLS_KEY_LOG, Buffer.from(lines, 'latin1')));
    if (!waiting()) flush();
  };
  // Always a block at the start, even before any secret is known: it tells readers that this
  // file carries its secrets, so they wait for those written later, as the handshakes happen.
  secrets(options.initialLines || '# TLS key log: the lines follow as the sessions start\n');
  return {
    packet(blocks) {
      if (held.length === 0 && !waiting()) return void out.write(blocks);
      held.push(blocks);
      heldBytes += blocks.length;
      if (heldBytes > maxHeldBytes) flush();
    },
    secrets,
    end: flush,
  };
}

export interface KeyedCaptureFile {
  /** tcpdump's bytes, any chunking (after the decoder has seen them, so its waits are known). */
  push(chunk: Buffer): void;
  secrets(lines: string): void;
  end(): void;
}

/** tcpdump's pcap bytes in, pcapng with secrets out. */
export function createKeyedCaptureFile(
  out: Writable,
  options: SecretsOrderedOutputOptions & { application: string },
): KeyedCaptureFile {
  const writer = createPcapngWriter({ application: options.application });
  out.write(writer.header());
  const output = createSecretsOrderedOutput(out, writer, options);
  // Problems in tcpdump's output are the decoder's to report; here a bad record is only skipped.
  const reader = createCaptureReader({
    onPacket(raw) {
      const tsNanos =
        raw.tsNsec !== undefined
          ? BigInt(wholeSeconds(raw.ts, raw.tsNsec)) * 1_000_000_000n + BigInt(raw.tsNsec)
          : undefined;
      output.packet(
        writer.packet({
          ts: raw.ts,
          ...(tsNanos !== undefined ? { tsNanos } : {}),
          linkType: raw.linkType,
          data: raw.data,
          origLen: raw.origLen,
        }),
      );
    },
    onProblem: () => undefined,
  });
  return {
    push: (chunk) => reader.push(chunk),
    secrets: (lines) => output.secrets(lines),
    end: () => {
      reader.end();
      output.end();
    },
  };
}
