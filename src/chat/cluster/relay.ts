// The primary's part of the cluster bus, without processes: it relays each worker's batches to
// every other worker unchanged and in arrival order, and keeps its own copy of presence so that a
// replacement worker starts with everyone already online and so that the users of a worker that
// died are announced as gone (their logout broadcast) instead of lingering in every user list.
import type { ChatEvent } from '../protocol/events.js';
import { roomChannel } from '../broker/broker.js';
import type { PresenceEntry } from '../store/presence.js';
import { isOpsMessage, type Op, type PrimaryMessage } from './messages.js';

export interface RelayPort {
  send(message: PrimaryMessage): void;
}

export class Relay {
  private readonly ports = new Map<number, RelayPort>();
  private readonly presence = new Map<number, PresenceEntry>();
  /** One string per node id (each IPC message brings its own copy). */
  private readonly nodes = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A worker joins: it gets the current presence first, then every batch relayed from now on. */
  join(id: number, port: RelayPort): void {
    port.send({ t: 'snapshot', entries: [...this.presence.values()] });
    this.ports.set(id, port);
  }

  /** One message from worker `id`; anything but a batch of ops is not the relay's business. */
  receive(id: number, message: unknown): void {
    if (!isOpsMessage(message) || !this.ports.has(id)) return;
    for (const op of message.ops) {
      if (op.op === 'add') {
        const { user, room } = op.entry;
        let node = this.nodes.get(op.entry.node);
        if (node === undefined) this.nodes.set(op.entry.node, (node = op.entry.node));
        this.presence.set(user.id, { user: { id: user.id, name: user.name }, room, node });
      } else if (op.op === 'rm') this.presence.delete(op.id);
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
    for (const entry of this.presence.values()) {
      if (entry.node !== nodeId) continue;
      this.presence.delete(entry.user.id);
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
