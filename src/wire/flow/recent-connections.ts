// The connections of the last few packets, found again by endpoint before the flow table builds
// and hashes a flow-key string: a chat server's packets interleave a handful of connections, and
// the key was the table's largest cost on a capture of many small messages.
import type { Endpoint } from '../events.js';
import type { Connection } from './connection.js';

/** How many connections are looked at before the key is built. */
const SLOTS = 8;

/** Whether a packet from srcIp:srcPort to dstIp:dstPort belongs to connection c (either direction). */
function isConnectionOf(
  c: Connection,
  srcIp: string,
  srcPort: number,
  dstIp: string,
  dstPort: number,
): boolean {
  const client = c.clientEp;
  const server = c.serverEp;
  return client.port === srcPort
    ? server.port === dstPort && client.ip === srcIp && server.ip === dstIp
    : client.port === dstPort && server.port === srcPort && client.ip === dstIp && server.ip === srcIp;
}

export class RecentConnections {
  /** The connection of the last packet (most packets follow one of their own). */
  private last: Connection | null = null;
  private readonly slots: Array<Connection | null> = new Array<Connection | null>(SLOTS).fill(null);
  private next = 0;

  /** A remembered connection of src→dst, or null (then look it up by key). */
  find(src: Endpoint, dst: Endpoint): Connection | null {
    return this.findAddr(src.ip, src.port, dst.ip, dst.port);
  }

  /** find() of the addresses as text and numbers. */
  findAddr(srcIp: string, srcPort: number, dstIp: string, dstPort: number): Connection | null {
    const l = this.last;
    if (l !== null && isConnectionOf(l, srcIp, srcPort, dstIp, dstPort)) return l;
    const slots = this.slots;
    for (let i = 0; i < SLOTS; i++) {
      const c = slots[i]!;
      if (c !== null && isConnectionOf(c, srcIp, srcPort, dstIp, dstPort)) {
        this.last = c;
        return c;
      }
    }
    return null;
  }

  /** c is the connection of the current packet. */
  remember(c: Connection): void {
    this.last = c;
    this.slots[this.next] = c;
    this.next = (this.next + 1) % SLOTS;
  }

  /** c was released: it must not be found again. */
  forget(c: Connection): void {
    if (this.last === c) this.last = null;
    const slots = this.slots;
    for (let i = 0; i < SLOTS; i++) if (slots[i] === c) slots[i] = null;
  }

  clear(): void {
    this.last = null;
    this.slots.fill(null);
  }
}
