// The snaplen a live capture needs: the largest packet the interface can carry (its MTU) plus room
// for the link-layer header, so no packet is cut and libpcap's ring slots are no larger than needed.
import { readdirSync, readFileSync } from 'node:fs';

/** Room for the largest link header tcpdump may prepend (Linux cooked v2 is 20 bytes, Ethernet + VLANs 22). */
const LINK_HEADER_ROOM = 64;
/** When the MTU cannot be read (not Linux, an odd name): tcpdump's own default, which cuts nothing. */
export const FALLBACK_SNAPLEN = 262144;

/** The MTU of one interface, or undefined when /sys does not say. */
export function interfaceMtu(iface: string, sysNet = '/sys/class/net'): number | undefined {
  if (!/^[\w.:@-]+$/.test(iface)) return undefined; // never a path outside sysNet
  try {
    const mtu = Number(readFileSync(`${sysNet}/${iface}/mtu`, 'utf8').trim());
    return Number.isInteger(mtu) && mtu > 0 ? mtu : undefined;
  } catch {
    return undefined;
  }
}

/** The snaplen for `-i IFACE`: its MTU plus header room; for 'any', the largest of all interfaces. */
export function snaplenFor(iface: string, sysNet = '/sys/class/net'): number {
  let mtu: number | undefined;
  if (iface === 'any') {
    let names: string[] = [];
    try {
      names = readdirSync(sysNet);
    } catch {
      return FALLBACK_SNAPLEN;
    }
    for (const name of names) {
      const m = interfaceMtu(name, sysNet);
      if (m !== undefined && (mtu === undefined || m > mtu)) mtu = m;
    }
  } else mtu = interfaceMtu(iface, sysNet);
  return mtu === undefined ? FALLBACK_SNAPLEN : Math.min(mtu + LINK_HEADER_ROOM, FALLBACK_SNAPLEN);
}
