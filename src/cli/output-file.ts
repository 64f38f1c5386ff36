// Files the commands write (-o FILE, -w FILE): opened at once, so that a bad path is one clear
// line before anything starts, and finished with a check that every byte reached the disk.
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { UserError } from '../shared/errors.js';

/** Opens an output file now, so a bad path is one clear line before anything starts. */
export function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`cannot write ${path} (${code})`, 'OUTPUT_FAILED', 2);
  }
}

/**
 * A stream on a file opened now. Write errors (a full disk) are held until `finishOutputFile`,
 * which reports them; until then they must not be an unhandled 'error' event.
 */
export function openOutputFile(path: string): WriteStream {
  const file = createWriteStream('', { fd: openOutput(path) });
  file.on('error', () => undefined);
  return file;
}

/** Ends the file and waits for its last write; a failure is one line, exit 1. */
export async function finishOutputFile(file: WriteStream, path: string): Promise<void> {
  file.end();
  try {
    await once(file, 'finish');
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${(err as Error).message}`, 'OUTPUT_FAILED', 1);
  }
}
