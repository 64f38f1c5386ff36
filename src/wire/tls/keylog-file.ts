// Key log files named on the command line (--keylog, WIRECHAT_KEYLOG) read into one KeyStore.
// A file that cannot be read is the user's mistake (one line, exit 1); a file larger than the
// bound is read up to it (whole lines only) and said so; bad lines are reported and skipped.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { KeyStore } from './key-store.js';
import { parseKeyLog, type KeyLogProblem } from './keylog-parser.js';

export const DEFAULT_KEYLOG_MAX_BYTES = 64 * 1024 * 1024;

export interface LoadedKeyLogs {
  store: KeyStore;
  secrets: number;
  problems: KeyLogProblem[];
  /** Bytes of each file read (whole lines): where following a growing file goes on from. */
  offsets: number[];
  /** Growing files only: the text read of each (it goes into the capture file written live). */
  texts: string[];
}

/** `growing`: the files are being written (live): an unfinished last line is left for later. */
export function loadKeyLogFiles(
  paths: string[],
  maxBytes = DEFAULT_KEYLOG_MAX_BYTES,
  growing = false,
): LoadedKeyLogs {
  const store = new KeyStore();
  const loaded: LoadedKeyLogs = { store, secrets: 0, problems: [], offsets: [], texts: [] };
  for (const path of paths) {
    const read = readBounded(path, maxBytes);
    const cut = read.cut;
    let text = read.text;
    if (growing) text = text.slice(0, text.lastIndexOf('\n') + 1);
    loaded.offsets.push(text.length);
    if (growing) loaded.texts.push(text);
    if (cut) {
      loaded.problems.push({
        code: 'KEYLOG_LIMIT',
        line: 0,
        message: `${path}: only the first ${maxBytes} bytes were read (--keylog-max-bytes)`,
      });
    }
    const result = parseKeyLog(text, store, path);
    loaded.secrets += result.secrets;
    loaded.problems.push(...result.problems);
  }
  return loaded;
}

function readBounded(path: string, maxBytes: number): { text: string; cut: boolean } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`--keylog ${path}: no such file`, 'KEYLOG_NOT_FOUND');
    throw new UserError(`--keylog ${path}: cannot read (${code ?? 'error'})`, 'KEYLOG_UNREADABLE');
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UserError(`--keylog ${path}: is a directory`, 'KEYLOG_UNREADABLE');
    const buf = Buffer.alloc(Math.min(maxBytes, stat.isFile() ? stat.size : maxBytes));
    let have = 0;
    while (have < buf.length) {
      const n = readSync(fd, buf, have, buf.length - have, null);
      if (n === 0) break;
      have += n;
    }
    const cut = stat.isFile() && stat.size > maxBytes;
    // A cut file ends with whole lines only.
    const end = cut ? buf.lastIndexOf(10, have - 1) + 1 : have;
    return { text: buf.toString('latin1', 0, end), cut };
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`--keylog ${path}: cannot read (${code ?? 'error'})`, 'KEYLOG_UNREADABLE');
  } finally {
    closeSync(fd);
  }
}
