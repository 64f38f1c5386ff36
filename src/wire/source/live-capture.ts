// Live capture with tcpdump as the engine: tcpdump does the privileged part (the socket, BPF),
// writes pcap to its stdout, and the bytes go straight into the decoder as they arrive.
// --immediate-mode hands each packet to tcpdump at once (without it libpcap buffers ~1 s), and -U
// makes tcpdump flush its output per packet, so a message is on screen moments after it passed.
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { snaplenFor } from './interface-mtu.js';

/**
 * The kernel capture buffer (tcpdump -B, KiB). 128 MiB holds ~1,900 loopback packets of 64 KiB
 * slots (the loopback MTU), or ~80,000 on a 1500-byte Ethernet: a burst waits there while tcpdump
 * and the decoder catch up, instead of being dropped.
 */
export const DEFAULT_BUFFER_KIB = 131072;

export interface LiveCaptureOptions {
  /** tcpdump's -i: an interface name, or 'any'. */
  iface: string;
  /** A BPF filter expression as tcpdump takes it (words joined by spaces). */
  expression: string[];
  /** Stop after this many packets (tcpdump -c). */
  count?: number;
  /** Bytes kept of each packet (tcpdump -s); default: what the interface's MTU lets through. */
  snaplen?: number;
  /** The kernel's capture buffer in KiB (tcpdump -B); default DEFAULT_BUFFER_KIB. */
  bufferKiB?: number;
  /** The tcpdump program (default 'tcpdump', found on PATH). */
  tcpdumpPath?: string;
  /** Every chunk of the pcap stream, as tcpdump writes it. */
  onData(chunk: Buffer): void;
}

export interface LiveCaptureResult {
  /** tcpdump's closing statistics ("12 packets captured", …). */
  stats: string[];
  /** The same, as numbers (undefined when tcpdump did not say). */
  captured: number | undefined;
  receivedByFilter: number | undefined;
  droppedByKernel: number | undefined;
}

function statNumber(stats: string[], what: RegExp): number | undefined {
  for (const line of stats) {
    const m = what.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
}

export interface LiveCapture {
  /** Resolves once tcpdump says it is listening; rejects with a UserError when it cannot start. */
  readonly ready: Promise<void>;
  /** Resolves when tcpdump exited and its whole output was delivered; rejects with a UserError. */
  readonly done: Promise<LiveCaptureResult>;
  /** Asks tcpdump to stop (SIGINT, as Ctrl-C would): it flushes, prints statistics and exits. */
  stop(): void;
  /**
   * Stops reading tcpdump's output while whoever consumes it cannot keep up: tcpdump then blocks,
   * and the kernel drops packets (counted in tcpdump's statistics) instead of our buffering them.
   */
  pause(): void;
  /** Reading goes on. */
  resume(): void;
  readonly pid: number | undefined;
}

/** The arguments given to tcpdump (exported so they can be shown and tested). */
export function tcpdumpArgs(
  options: Pick<LiveCaptureOptions, 'iface' | 'expression' | 'count' | 'snaplen' | 'bufferKiB'>,
): string[] {
  // In immediate mode libpcap's ring is made of snaplen-sized slots: -s 0 (262144 bytes) in the
  // default 2 MiB buffer holds 8 packets, and a burst overflows it. A snaplen that fits the MTU
  // (nothing longer can pass) and a generous buffer hold thousands.
  const snaplen = options.snaplen ?? snaplenFor(options.iface);
  const bufferKiB = options.bufferKiB ?? DEFAULT_BUFFER_KIB;
  const args = ['-i', options.iface, '-U', '--immediate-mode', '-w', '-', '-s', String(snaplen)];
  args.push('-B', String(bufferKiB));
  if (options.count !== undefined) args.push('-c', String(options.count));
  // The filter's words follow the options; tcpdump joins them into one expression itself.
  return [...args, ...options.expression];
}

const PERMISSION_HINT =
  'run with sudo, give tcpdump cap_net_raw,cap_net_admin (sudo setcap cap_net_raw,cap_net_admin=eip "$(command -v tcpdump)"), or use `wirechat tap`';

/** Turns tcpdump's complaint (its stderr) into one line that says what to do. */
export function classifyTcpdumpFailure(
  stderr: string,
  options: Pick<LiveCaptureOptions, 'iface' | 'expression'>,
): UserError {
  const text = stderr.trim();
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('tcpdump: listening') && !l.startsWith('(')) ?? text;
  const detail = first.replace(/^tcpdump:\s*/, '');
  if (/permission|not permitted|Operation not permitted|cap_net/i.test(text)) {
    return new UserError(
      `no permission to capture on '${options.iface}': ${PERMISSION_HINT}`,
      'CAPTURE_PERMISSION',
      2,
    );
  }
  if (/no such device|doesn't exist|does not exist|no suitable device|SIOCGIFHWADDR/i.test(text)) {
    return new UserError(
      `no such interface '${options.iface}' (tcpdump -D lists them; 'any' captures on all)`,
      'NO_SUCH_INTERFACE',
      2,
    );
  }
  if (/syntax error|parse filter|filter expression|unknown host|illegal|not a valid|invalid/i.test(text)) {
    return new UserError(
      `bad filter expression '${options.expression.join(' ')}': ${detail}`,
      'BAD_FILTER',
      2,
    );
  }
  return new UserError(`tcpdump failed: ${detail || 'no message'}`, 'CAPTURE_FAILED', 2);
}

export function startLiveCapture(options: LiveCaptureOptions): LiveCapture {
  return new TcpdumpCapture(options);
}

/** Keep the head of tcpdump's stderr (where errors are) and the tail (statistics), bounded. */
const STDERR_KEPT = 64 * 1024;

/** How tcpdump ended. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One tcpdump child, from spawn to the end of its output. `ready` settles when it says it is
 * listening (or fails); `done` once it has exited *and* its whole output was read, with the
 * statistics it printed, or with the UserError its stderr explains.
 */
class TcpdumpCapture implements LiveCapture {
  readonly ready: Promise<void>;
  readonly done: Promise<LiveCaptureResult>;
  private child: ChildProcess | undefined;
  private readonly program: string;
  private stderr = '';
  private listening = false;
  private stopping = false;
  private exited: Exit | undefined;
  private stdoutEnded = false;
  private bytesOut = 0;
  private resolveReady!: () => void;
  private rejectReady!: (err: Error) => void;
  private resolveDone!: (result: LiveCaptureResult) => void;
  private rejectDone!: (err: Error) => void;

  constructor(private readonly options: LiveCaptureOptions) {
    this.program = options.tcpdumpPath ?? 'tcpdump';
    this.ready = new Promise<void>((res, rej) => {
      this.resolveReady = res;
      this.rejectReady = rej;
    });
    // Callers that only await `done` must not see an unhandled rejection from `ready`.
    this.ready.catch(() => undefined);
    this.done = new Promise<LiveCaptureResult>((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => undefined);
    this.spawn();
  }

  stop(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    // tcpdump flushes what it holds before it exits: a paused pipe would hold it up for ever,
    // so from now on its output is read whatever the view's reader does.
    this.stopping = true;
    child?.stdout?.resume();
  }

  pause(): void {
    if (!this.stopping) this.child?.stdout?.pause();
  }

  resume(): void {
    this.child?.stdout?.resume();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(): void {
    let child: ChildProcess;
    try {
      child = spawn(this.program, tcpdumpArgs(this.options), { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      this.fail(spawnFailure(err as NodeJS.ErrnoException, this.program));
      return;
    }
    this.child = child;
    child.once('error', (err: NodeJS.ErrnoException) => this.onSpawnError(err));
    child.stdout!.on('data', (chunk: Buffer) => {
      this.bytesOut += chunk.length;
      this.options.onData(chunk);
    });
    child.stdout!.once('end', () => {
      this.stdoutEnded = true;
      this.finish();
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.onStderr(text));
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
      this.finish();
    });
  }

  private fail(err: UserError): void {
    this.rejectReady(err);
    this.rejectDone(err);
  }

  private onSpawnError(err: NodeJS.ErrnoException): void {
    this.exited = { code: -1, signal: null };
    this.stdoutEnded = true;
    this.fail(spawnFailure(err, this.program));
  }

  private onStderr(text: string): void {
    const kept = this.stderr;
    this.stderr =
      kept.length < STDERR_KEPT
        ? kept + text
        : kept.slice(0, STDERR_KEPT / 2) + kept.slice(-STDERR_KEPT / 4) + text;
    if (!this.listening && /listening on/.test(this.stderr)) {
      this.listening = true;
      this.resolveReady();
    }
  }

  /** Settles `done` once tcpdump has exited and its output has ended, whichever comes last. */
  private finish(): void {
    const exited = this.exited;
    if (!exited || !this.stdoutEnded) return;
    // SIGINT/SIGTERM ends a capture normally; tcpdump itself exits 0 then.
    const stoppedByUs = this.stopping && (exited.signal === 'SIGINT' || exited.code === 0);
    if (!this.listening && !stoppedByUs && exited.code === 0 && this.bytesOut === 0) {
      // Something that is no tcpdump (/bin/true): it exited at once, said nothing, wrote nothing.
      const why = `'${this.program}' exited at once without capturing (status 0, no output): is it tcpdump?`;
      this.fail(new UserError(why, 'TCPDUMP_EXITED', 2));
    } else if (this.endedNormally(exited)) {
      this.resolveReady();
      this.resolveDone(this.result());
    } else {
      this.fail(classifyTcpdumpFailure(this.stderr, this.options));
    }
  }

  private endedNormally(exited: Exit): boolean {
    return (
      exited.code === 0 ||
      exited.signal === 'SIGINT' ||
      exited.signal === 'SIGTERM' ||
      (this.listening && exited.code === null)
    );
  }

  private result(): LiveCaptureResult {
    const stats = this.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /packets? (captured|received by filter|dropped by)/.test(l));
    return {
      stats,
      captured: statNumber(stats, /(\d+) packets? captured/),
      receivedByFilter: statNumber(stats, /(\d+) packets? received by filter/),
      droppedByKernel: statNumber(stats, /(\d+) packets? dropped by kernel/),
    };
  }
}

/** A path that names a directory, or a file without any execute bit, or one that is no program. */
function notAProgram(program: string): boolean {
  if (!program.includes('/')) return false;
  try {
    const st = statSync(program);
    return !st.isFile() || (st.mode & 0o111) === 0 || st.size === 0;
  } catch {
    return false;
  }
}

function spawnFailure(err: NodeJS.ErrnoException, program: string): UserError {
  if (err.code === 'ENOENT') {
    return new UserError(
      `tcpdump not found ('${program}'): install it: apt-get install tcpdump`,
      'TCPDUMP_NOT_FOUND',
      2,
    );
  }
  if (err.code === 'EACCES' || err.code === 'ENOEXEC') {
    // A file that cannot be executed at all is a wrong --tcpdump, not a missing privilege.
    if (notAProgram(program)) {
      return new UserError(
        `'${program}' is not an executable program (--tcpdump / WIRECHAT_TCPDUMP names the tcpdump program)`,
        'TCPDUMP_NOT_EXECUTABLE',
        2,
      );
    }
    return new UserError(`cannot run '${program}': ${PERMISSION_HINT}`, 'CAPTURE_PERMISSION', 2);
  }
  return new UserError(`cannot start tcpdump: ${err.message}`, 'CAPTURE_FAILED', 2);
}
