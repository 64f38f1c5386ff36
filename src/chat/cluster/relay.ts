// The primary's part of the cluster bus, without processes: it relays each worker's batches to
// every other worker unchanged and in arrival order, and keeps its own copy of presence so that a
// replacement worker starts with everyone already online and so that the users of a worker that
// died are announced as gone (their logout broadcast) instead of lingering in every user list.
// It also keeps a bounded copy of the rooms' recent public messages (history-copy.ts), which a
// joining worker gets first: a replacement worker then answers history and resumes like the others.
import type { ChatEvent } from '../protocol/events.js';
import { roomChannel } from '../broker/broker.js';
import { MemoryPresence } from '../store/memory-presence.js';
import type { RoomLogLimits } from '../store/room-logs.js';
import { HistoryCopy } from './history-copy.js';
import { isOpsMessage, type Op, type PrimaryMessage } from './messages.js';

export interface RelayPort {
  send(message: PrimaryMessage): void;
}

export class Relay {
  private readonly ports = new Map<number, RelayPort>();
  private readonly presence = new MemoryPresence();
  private readonly history: HistoryCopy;

  constructor(
    private readonly now: () => number = Date.now,
    /** The workers' history bounds (historyLimits in history-copy.ts), kept alike here. */
    history: Partial<RoomLogLimits> = {},
  ) {
    this.history = new HistoryCopy(history, now);
  }

  /** Forgets the history of rooms that expired and that nobody in the cluster is in. */
  expireHistory(): number {
    return this.history.expire((room) => this.presence.occupied(room));
  }

  /**
   * A worker joins: it gets the rooms' history and the current presence first, then every batch
   * relayed from now on (synchronously after the copy was taken, so each message reaches it
   * exactly once: in the history or in a batch).
   */
  join(id: number, port: RelayPort): void {
    port.send({ t: 'history', seed: this.history.seed() });
    port.send({ t: 'snapshot', entries: [...this.presence.entries()] });
    this.ports.set(id, port);
  }

  /** One message from worker `id`; anything but a batch of ops is not the relay's business. */
  receive(id: number, message: unknown): void {
    if (!isOpsMessage(message) || !this.ports.has(id)) return;
    for (const op of message.ops) {
      if (op.op === 'add') this.presence.add(op.entry);
      else if (op.op === 'rm') this.presence.remove(op.id);
      else this.history.relayed(op.channel, op.event);
    }
    for (const [other, port] of this.ports) if (other !== id) port.send(message);
  }

  /**
   * Worker `id` is gone. With `nodeId` (it died rather than shut down), its users leave: their
   * presence entries are removed everywhere and their rooms hear a logout.
   */
  leave(id: number, nodeId?: string): void {
    this.ports.delete(id);
    if (nodeId === undefined) return;
    const ops: Op[] = [];
    const ts = this.now();
    for (const entry of this.presence.entries()) {
      if (entry.node !== nodeId) continue;
      this.presence.remove(entry.user.id);
      const event: ChatEvent = { type: 'leave', room: entry.room, user: entry.user, ts, reason: 'close' };
      ops.push({ op: 'rm', id: entry.user.id }, { op: 'pub', channel: roomChannel(entry.room), event });
    }
    if (ops.length === 0) return;
    for (const port of this.ports.values()) port.send({ t: 'ops', ops });
  }

  get online(): number {
    return this.presence.size;
  }
}
