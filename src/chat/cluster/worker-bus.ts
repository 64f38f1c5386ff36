// A worker's end of the cluster channel: ops of one turn go to the primary in one IPC message;
// batches relayed from other workers are handed, op by op and in order, to this worker's broker
// (events), presence replica (entries) and history (the primary's copy, when the worker starts). A channel is anything with send and a message hook,
// so the same code runs over node:cluster IPC and over an in-process pair in tests.
import type { RelayLink } from '../broker/ipc-broker.js';
import type { ChatEvent } from '../protocol/events.js';
import type { PresenceEntry } from '../store/presence.js';
import type { HistorySeed } from './history-copy.js';
import { isOpsMessage, type Op } from './messages.js';

export interface Channel {
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
}

export interface BusSinks {
  event(channel: string, event: ChatEvent): void;
  add(entry: PresenceEntry): void;
  remove(id: number): void;
  snapshot(entries: PresenceEntry[]): void;
  history(seed: HistorySeed): void;
}

/** The IPC broker's link to the other workers (RelayLink), and presence's and history's too. */
export class WorkerBus implements RelayLink {
  private outbox: Op[] = [];
  private scheduled = false;
  private sinks: BusSinks[] = [];
  private closed = false;

  constructor(private readonly channel: Channel) {
    channel.onMessage((message) => this.receive(message));
  }

  /** Broker and presence register here; each sink ignores what is not its business. */
  attach(sinks: Partial<BusSinks>): void {
    this.sinks.push({
      event: sinks.event ?? (() => {}),
      add: sinks.add ?? (() => {}),
      remove: sinks.remove ?? (() => {}),
      snapshot: sinks.snapshot ?? (() => {}),
      history: sinks.history ?? (() => {}),
    });
  }

  post(op: Op): void {
    if (this.closed) return;
    this.outbox.push(op);
    if (this.scheduled) return;
    this.scheduled = true;
    // After this turn's I/O, like socket writes: a burst of broadcasts is one IPC message.
    setImmediate(this.flush);
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.outbox.length === 0) return;
    const ops = this.outbox;
    this.outbox = [];
    if (!this.closed) this.channel.send({ t: 'ops', ops });
  };

  close(): void {
    this.flush();
    this.closed = true;
  }

  private receive(message: unknown): void {
    if (isOpsMessage(message)) {
      for (const op of message.ops) this.apply(op);
    } else if ((message as { t?: unknown })?.t === 'snapshot') {
      const entries = (message as { entries: PresenceEntry[] }).entries;
      for (const sink of this.sinks) sink.snapshot(entries);
    } else if ((message as { t?: unknown })?.t === 'history') {
      const seed = (message as { seed: HistorySeed }).seed;
      for (const sink of this.sinks) sink.history(seed);
    }
  }

  private apply(op: Op): void {
    for (const sink of this.sinks) {
      try {
        if (op.op === 'pub') sink.event(op.channel, op.event);
        else if (op.op === 'add') sink.add(op.entry);
        else sink.remove(op.id);
      } catch {
        // One failing handler must not keep later ops from this worker; the hub logs its own errors.
      }
    }
  }
}
