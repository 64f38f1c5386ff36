// A regular file read for `wirechat read`, chunk by chunk: one synchronous read per chunk, then a
// turn of the event loop, so a Ctrl-C or a drained output is seen between chunks as it was with a
// stream. fs.createReadStream does the same reads on the thread pool, but its machinery (the
// stream, its async iterator, the file handle) costs a short run ~3 ms of CPU. A regular file never
// makes a read wait for more input, so reading it in place loses nothing; pipes, FIFOs and devices
// still go through a stream (a read there can wait for ever).
import { closeSync, openSync, readSync } from 'node:fs';

export class FileChunks implements AsyncIterable<Buffer> {
  private fd: number | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly chunkBytes = 1 << 20,
  ) {}

  /** Stops the reading (the file is closed; the loop over the chunks ends). */
  destroy(): void {
    this.stopped = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      // Opened here, not in the constructor: a file that cannot be opened fails the reading loop,
      // where a stream's open error surfaced too.
      if (!this.stopped) this.fd = openSync(this.path, 'r');
      while (this.fd !== undefined) {
        // A buffer of its own per chunk: the decoder may keep views into what it was given.
        const buffer = Buffer.allocUnsafe(this.chunkBytes);
        const n = readSync(this.fd, buffer, 0, buffer.length, null);
        if (n === 0) return;
        yield n === buffer.length ? buffer : copyOf(buffer, n);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.destroy();
    }
  }
}

/** The first `n` bytes alone, so a short last chunk does not keep a whole chunk's memory. */
function copyOf(buffer: Buffer, n: number): Buffer {
  const tail = Buffer.allocUnsafe(n);
  buffer.copy(tail, 0, 0, n);
  return tail;
}
