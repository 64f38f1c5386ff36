// Records real traffic to a pcap file with a real tcpdump, for the decoder's oracle tests and
// the read benchmark: start, make traffic, stop, then read what tcpdump says it captured and
// dropped (a benchmark on a capture with holes would measure the wrong thing).
import { spawn } from 'node:child_process';
import { UserError } from '../shared/errors.js';
import { snaplenFor } from '../wire/source/interface-mtu.js';
import { DEFAULT_BUFFER_KIB } from '../wire/source/live-capture.js';

export interface TcpdumpRecorderOptions {
  file: string;
  /** Capture only this TCP port. */
  port: number;
  /** Interface (default 'lo'). */
  iface?: string;
  /** Kernel buffer in KiB (tcpdump -B; default live capture's), generous so a fast sender is not dropped. */
  bufferKiB?: number;
  /** Deliver each packet at once (small test captures); off for bulk captures. */
  immediate?: boolean;
}

export interface TcpdumpStats {
  captured: number;
  received: number;
  dropped: number;
  stderr: string;
}

export interface TcpdumpRecorder {
  /** Stops tcpdump (SIGINT, like Ctrl-C) after a short settle time, and returns its statistics. */
  stop(): Promise<TcpdumpStats>;
  readonly pid: number | undefined;
}

function count(stderr: string, what: RegExp): number {
  const m = what.exec(stderr);
  return m ? Number(m[1]) : 0;
}

export async function startTcpdumpRecorder(options: TcpdumpRecorderOptions): Promise<TcpdumpRecorder> {
  // The snaplen fits the interface's MTU: in immediate mode libpcap's ring is made of
  // snaplen-sized slots, and -s 0 (256 KiB slots) would hold only a few hundred packets.
  const iface = options.iface ?? 'lo';
  const args = [
    '-i',
    iface,
    '-n',
    '-s',
    String(snaplenFor(iface)),
    '-B',
    String(options.bufferKiB ?? DEFAULT_BUFFER_KIB),
  ];
  if (options.immediate) args.push('--immediate-mode');
  args.push('-w', options.file, 'tcp', 'port', String(options.port));
  const child = spawn('tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UserError(`tcpdump did not start: ${stderr.trim()}`, 'TCPDUMP_FAILED')),
      15000,
    );
    const check = (): void => {
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new UserError(`tcpdump exited: ${stderr.trim() || 'no message'}`, 'TCPDUMP_FAILED'));
    });
  });
  return {
    pid: child.pid,
    async stop() {
      // Let packets already in the kernel ring reach tcpdump before it is told to stop.
      await new Promise((r) => setTimeout(r, options.immediate ? 300 : 1500));
      child.kill('SIGINT');
      await exited;
      return {
        captured: count(stderr, /(\d+) packets? captured/),
        received: count(stderr, /(\d+) packets? received by filter/),
        dropped: count(stderr, /(\d+) packets? dropped by kernel/),
        stderr,
      };
    },
  };
}
