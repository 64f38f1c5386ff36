// The tap's relayed bytes as a capture: synthetic packets written as pcapng, which feed the
// decoder exactly as a file's bytes would (and the -w file, with the key log when there is one).
import type { WriteStream } from 'node:fs';
import type { CaptureDecoder } from '../wire/decode-capture.js';
import { createPcapngWriter } from '../wire/source/pcapng-writer.js';
import type { SyntheticPacket } from '../wire/source/synthetic-tcp.js';
import { createSecretsOrderedOutput, type SecretsOrderedOutputOptions } from './keyed-capture-file.js';

export interface TapRecorder {
  (packet: SyntheticPacket): void;
  /** Key log lines for the saved file (with `keyed`). */
  secrets(lines: string): void;
  /** Writes what the file kept back. */
  end(): void;
}

/**
 * The tap's packets, as pcapng bytes, into a decoder (and a file). With `keyed`, the file carries
 * the key log in Decryption Secrets Blocks, before the packets that need them.
 */
export function createTapRecorder(
  decoder: CaptureDecoder,
  save?: WriteStream,
  keyed?: SecretsOrderedOutputOptions,
): TapRecorder {
  const writer = createPcapngWriter({ application: 'wirechat tap' });
  const header = writer.header();
  save?.write(header);
  decoder.push(header);
  const output = save && keyed ? createSecretsOrderedOutput(save, writer, keyed) : undefined;
  const record = (packet: SyntheticPacket): void => {
    const bytes = writer.packet(packet);
    // The decoder first: a connection it starts holding for its secrets holds the file too.
    decoder.push(bytes);
    if (output) output.packet(bytes);
    else save?.write(bytes);
  };
  return Object.assign(record, {
    secrets: (lines: string) => output?.secrets(lines),
    end: () => output?.end(),
  });
}
