// Files the commands write (-o FILE, -w FILE). Nothing the user owns is destroyed: the output goes
// to a temporary file beside the target (same directory, so the rename is atomic), and only a run
// that succeeded renames it over the target. A failed run leaves the old file as it was. A live
// capture's raw file is the exception tcpdump makes too: interrupted for good (a second Ctrl-C),
// what was captured so far is kept under the target's name.
//
// A target that exists and is not a regular file (a FIFO, /dev/stdout, a terminal) is written in
// place: there is nothing to protect, and renaming over a device would be wrong.
import {
  createWriteStream,
  fchmodSync,
  fchownSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  type WriteStream,
} from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../shared/errors.js';

export interface OutputFile {
  /** Where the bytes go (the temporary file, or the target itself when it is no regular file). */
  readonly stream: WriteStream;
  /** The name the user gave. */
  readonly path: string;
  /** The temporary file's path (undefined when written in place). */
  readonly tempPath: string | undefined;
  /** Ends the stream, waits for its last write, renames it to the target; a failure is one line. */
  commit(): Promise<void>;
  /** Throws the temporary file away (the old target stays as it was). Safe to call twice. */
  discard(): void;
}

export interface OutputFileOptions {
  /** When the process exits before commit/discard (a second Ctrl-C): keep what was written. */
  keepOnExit?: boolean;
}

/** Files not yet committed or discarded, settled when the process exits whatever the reason. */
const pending = new Set<{ settleOnExit(): void }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const file of [...pending]) file.settleOnExit();
  });
}

function failed(path: string, err: unknown, exitCode: number): UserError {
  const e = err as NodeJS.ErrnoException;
  return new UserError(`cannot write ${path} (${e.code ?? e.message})`, 'OUTPUT_FAILED', exitCode);
}

/** Opens the output now, so a bad path is one clear line before anything starts. */
export function openOutputFile(path: string, options: OutputFileOptions = {}): OutputFile {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw failed(path, { code: 'EISDIR' }, 2);
  if (existing && !existing.isFile()) {
    // A FIFO or a device: written in place, nothing to rename.
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw failed(path, err, 2);
    }
    const stream = createWriteStream('', { fd });
    stream.on('error', () => undefined);
    return {
      stream,
      path,
      tempPath: undefined,
      commit: () => finish(stream, path),
      discard: () => stream.destroy(),
    };
  }

  // A symbolic link stays a link: its file is the one replaced.
  const real = existing ? realpathSync(path) : path;
  const tempPath = join(
    dirname(real),
    `.${basename(real)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.part`,
  );
  let fd: number;
  try {
    // 'wx': never follows a link or reuses a file someone put there.
    fd = openSync(tempPath, 'wx', existing ? existing.mode & 0o777 : 0o666);
  } catch (err) {
    throw failed(path, err, 2);
  }
  // The file that replaces another keeps its mode (whatever the umask), and under sudo its owner,
  // as an overwrite in place would.
  if (existing) {
    try {
      fchmodSync(fd, existing.mode & 0o7777);
    } catch {
      // a file system without modes: nothing to keep
    }
  }
  if (existing && process.getuid?.() === 0) {
    try {
      fchownSync(fd, existing.uid, existing.gid);
    } catch {
      // a file system without owners: nothing to keep
    }
  }
  const stream = createWriteStream('', { fd });
  // Write errors (a full disk) are held until commit, which reports them.
  stream.on('error', () => undefined);
  let settled = false;
  const entry = {
    settleOnExit(): void {
      // Synchronous: the process is exiting. What the stream still holds in memory is lost.
      // Only what has bytes: a run that never got going leaves the old file alone.
      if (options.keepOnExit && stream.bytesWritten > 0) {
        try {
          renameSync(tempPath, real);
          return;
        } catch {
          // fall through: at least leave no temporary file behind
        }
      }
      removeQuietly(tempPath);
    },
  };
  pending.add(entry);
  installExitHook();
  return {
    stream,
    path,
    tempPath,
    async commit() {
      if (settled) return;
      settled = true;
      pending.delete(entry);
      try {
        await finish(stream, path);
        renameSync(tempPath, real);
      } catch (err) {
        removeQuietly(tempPath);
        throw err instanceof UserError ? err : failed(path, err, 1);
      }
    },
    discard() {
      if (settled) return;
      settled = true;
      pending.delete(entry);
      stream.destroy();
      removeQuietly(tempPath);
    },
  };
}

async function finish(stream: WriteStream, path: string): Promise<void> {
  if (stream.errored) throw failed(path, stream.errored, 1);
  stream.end();
  try {
    await once(stream, 'finish');
  } catch (err) {
    throw failed(path, err, 1);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
