// tcpdump 4.99's first column for Linux cooked v2 captures (`tcpdump -i any`): the interface name
// and the packet's direction, "lo    In  ", printed as its print-sll.c does ("%-5s %-4s"). The
// name comes from the interface index in the header, looked up on this machine as tcpdump's
// if_indextoname() does ("?" when there is no such interface here).
import { readdirSync, readFileSync } from 'node:fs';

/** LINKTYPE_LINUX_SLL2. */
const LINUX_SLL2 = 276;
/** Linux cooked v2 header: protocol 2, reserved 2, interface index 4, ARPHRD 2, packet type 1, … */
const SLL2_HEADER = 20;
/** tcpdump's names for the packet types (sll_pkttype_values). */
const PACKET_TYPES: Record<number, string> = { 0: 'In', 1: 'B', 2: 'M', 3: 'P', 4: 'Out' };

let names: Map<number, string> | undefined;

/** Interface index → name on this machine (Linux /sys; empty elsewhere). */
function interfaceNames(sysNet = '/sys/class/net'): Map<number, string> {
  if (names) return names;
  names = new Map();
  try {
    for (const name of readdirSync(sysNet)) {
      try {
        names.set(Number(readFileSync(`${sysNet}/${name}/ifindex`, 'utf8').trim()), name);
      } catch {
        // an entry without an index: not an interface
      }
    }
  } catch {
    // no /sys: every index prints as "?"
  }
  return names;
}

/** The column to print before "IP" for this packet, or '' when its link type has none. */
export function interfaceColumn(linkType: number, data: Buffer, lookup = interfaceNames): string {
  if (linkType !== LINUX_SLL2 || data.length < SLL2_HEADER) return '';
  const name = lookup().get(data.readUInt32BE(4)) ?? '?';
  const direction = PACKET_TYPES[data[10]!] ?? 'Unknown';
  return `${name.padEnd(5)} ${direction.padEnd(4)}`;
}
