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
  type Stats,
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
  let existing: Stats | undefined;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw failed(path, { code: 'EISDIR' }, 2);
  if (existing && !existing.isFile()) return openInPlace(path);
  return new ReplacingFile(path, existing, options);
}

/** A FIFO or a device: written in place, nothing to rename. */
function openInPlace(path: string): OutputFile {
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

/** A regular file (or none yet): written beside the target, renamed over it by commit(). */
class ReplacingFile implements OutputFile {
  readonly stream: WriteStream;
  readonly tempPath: string;
  /** The file replaced: a symbolic link stays a link, and the file it points to is replaced. */
  private readonly real: string;
  private state: 'open' | 'settled' = 'open';

  constructor(
    readonly path: string,
    existing: Stats | undefined,
    private readonly options: OutputFileOptions,
  ) {
    this.real = existing ? realpathSync(path) : path;
    this.tempPath = join(
      dirname(this.real),
      `.${basename(this.real)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.part`,
    );
    let fd: number;
    try {
      // 'wx': never follows a link or reuses a file someone put there.
      fd = openSync(this.tempPath, 'wx', existing ? existing.mode & 0o777 : 0o666);
    } catch (err) {
      throw failed(path, err, 2);
    }
    if (existing) keepModeAndOwner(fd, existing);
    this.stream = createWriteStream('', { fd });
    // Write errors (a full disk) are held until commit, which reports them.
    this.stream.on('error', () => undefined);
    pending.add(this);
    installExitHook();
  }

  async commit(): Promise<void> {
    if (!this.settle()) return;
    try {
      await finish(this.stream, this.path);
      renameSync(this.tempPath, this.real);
    } catch (err) {
      removeQuietly(this.tempPath);
      throw err instanceof UserError ? err : failed(this.path, err, 1);
    }
  }

  discard(): void {
    if (!this.settle()) return;
    this.stream.destroy();
    removeQuietly(this.tempPath);
  }

  settleOnExit(): void {
    // Synchronous: the process is exiting. What the stream still holds in memory is lost.
    // Only what has bytes: a run that never got going leaves the old file alone.
    if (this.options.keepOnExit && this.stream.bytesWritten > 0) {
      try {
        renameSync(this.tempPath, this.real);
        return;
      } catch {
        // fall through: at least leave no temporary file behind
      }
    }
    removeQuietly(this.tempPath);
  }

  /** false when committed or discarded already (both are safe to call twice). */
  private settle(): boolean {
    if (this.state === 'settled') return false;
    this.state = 'settled';
    pending.delete(this);
    return true;
  }
}

/**
 * The file that replaces another keeps its mode (whatever the umask), and under sudo its owner,
 * as an overwrite in place would.
 */
function keepModeAndOwner(fd: number, existing: Stats): void {
  try {
    fchmodSync(fd, existing.mode & 0o7777);
  } catch {
    // a file system without modes: nothing to keep
  }
  if (process.getuid?.() !== 0) return;
  try {
    fchownSync(fd, existing.uid, existing.gid);
  } catch {
    // a file system without owners: nothing to keep
  }
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
