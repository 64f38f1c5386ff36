// Messages between the bench coordinator and its client processes (over the fork IPC channel).
import type { LoadDialect } from './bench-message.js';

export interface ConnectCommand {
  cmd: 'connect';
  url: string;
  dialect: LoadDialect;
  /** Receivers to open in this process. */
  receivers: number;
  /** Global sender ids to open in this process. */
  senders: number[];
  /** Total senders in the run: size of each receiver's per-sender order table. */
  totalSenders: number;
  /**
   * Rooms the users are spread over (workerman dialect; 1: everyone in room 1). Sender s is in
   * room s % rooms + 1, the k-th receiver of the run (firstReceiver + i here) in k % rooms + 1.
   */
  rooms: number;
  firstReceiver: number;
  namePrefix: string;
  localAddress?: string;
  timeoutMs: number;
  /** Connections being opened at once. */
  concurrency: number;
}

/**
 * Readies a process for a phase: its receive counters are reset and messages stamped from
 * startMicros on are counted from now on. Every process is armed (and has answered 'armed')
 * before any sender starts: a process that learnt of the phase only with its start command could
 * get the first messages before that command (the coordinator's IPC to it delayed on a loaded
 * machine) and discard them as leftovers.
 */
export interface ArmCommand {
  cmd: 'arm';
  /** Messages stamped before this are leftovers of an earlier phase and are ignored. */
  startMicros: number;
}

export interface StartCommand {
  cmd: 'start';
  /** Messages in flight per sender (sent, own copy not yet back). */
  inflight: number;
  /** Messages per second per sender (paced); 0: as fast as the window allows. */
  rate: number;
  durationMs: number;
  /** Stop each sender after this many messages (0: no limit). */
  maxPerSender: number;
  /** How long senders wait for their last copies after sending stops. */
  drainMs: number;
}

export interface CollectCommand {
  cmd: 'collect';
  /** Bench messages each receiver should have got. */
  expected: number;
  timeoutMs: number;
  /** Give up waiting once nothing arrived for this long. */
  idleMs: number;
}

export type WorkerCommand = ConnectCommand | ArmCommand | StartCommand | CollectCommand | { cmd: 'close' };

export interface ConnectedEvent {
  ev: 'connected';
  opened: number;
  failed: number;
  errors: Record<string, number>;
  firstError?: string;
}

export interface SentEvent {
  ev: 'sent';
  sent: number;
  /** Messages whose copy never came back to their sender. */
  unanswered: number;
  /** Send → own copy back, as an encoded HDR histogram (µs). */
  rtt: string;
}

export interface ResultEvent {
  ev: 'result';
  receivers: number;
  /** Receivers that got exactly the expected count. */
  complete: number;
  missing: number;
  extra: number;
  outOfOrder: number;
  delivered: number;
  firstAtMs: number;
  lastAtMs: number;
  /** Send → receive, encoded HDR histogram (µs). */
  latency: string;
  closed: Record<string, number>;
  /** CPU time this process used since the phase started (user + system). */
  cpuMs: number;
}

export interface TickEvent {
  ev: 'tick';
  delivered: number;
  sent: number;
  open: number;
}

export interface ArmedEvent {
  ev: 'armed';
}

export type WorkerEvent =
  ConnectedEvent | ArmedEvent | SentEvent | ResultEvent | TickEvent | { ev: 'closed' };
