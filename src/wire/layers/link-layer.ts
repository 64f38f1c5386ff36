// Link layers: where the network-layer header starts and what it is.
// Results go into a reused scratch object so decoding a packet allocates nothing here.

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW_OLD_A = 12;
export const LINKTYPE_RAW_OLD_B = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export interface LinkResult {
  /** 'ok': network header at `offset`, kind in `etherType`; 'short': header cut; 'unknown': link type unsupported. */
  status: 'ok' | 'short' | 'unknown';
  offset: number;
  /** ETHERTYPE_IPV4, ETHERTYPE_IPV6, or anything else (then the packet is not IP). */
  etherType: number;
}

/** BSD address families seen in NULL/LOOP headers: 2 is IPv4; 24, 28, 30 are IPv6 on the BSDs and macOS. */
function familyToEtherType(af: number): number {
  if (af === 2) return ETHERTYPE_IPV4;
  if (af === 24 || af === 28 || af === 30 || af === 10) return ETHERTYPE_IPV6;
  return -1;
}

function rawVersion(data: Buffer, offset: number, end: number): number {
  if (end <= offset) return -1;
  const v = data[offset]! >> 4;
  return v === 4 ? ETHERTYPE_IPV4 : v === 6 ? ETHERTYPE_IPV6 : -1;
}

const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;

/** Skips 802.1Q / 802.1ad tags after an EtherType field at `typeOffset`. */
function skipVlanTags(data: Buffer, typeOffset: number, end: number, out: LinkResult): LinkResult {
  let t = typeOffset;
  for (;;) {
    if (end < t + 2) {
      out.status = 'short';
      return out;
    }
    const type = u16(data, t);
    if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
      t += 4;
      continue;
    }
    out.status = 'ok';
    out.etherType = type;
    out.offset = t + 2;
    return out;
  }
}

/**
 * The link header of the packet at `data[start, end)` (default: all of `data`); `out.offset` is
 * where the network header starts in `data`.
 */
export function decodeLink(
  linkType: number,
  data: Buffer,
  out: LinkResult,
  start = 0,
  end = data.length,
): LinkResult {
  out.status = 'ok';
  out.offset = start;
  out.etherType = -1;
  const len = end - start;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (len < 14) break;
      return skipVlanTags(data, start + 12, end, out);
    case LINKTYPE_LINUX_SLL:
      // 16 bytes: packet type, ARPHRD type, address length, 8 address bytes, protocol.
      if (len < 16) break;
      return skipVlanTags(data, start + 14, end, out);
    case LINKTYPE_LINUX_SLL2:
      // 20 bytes: protocol first, then reserved, interface index, ARPHRD type, packet type, address.
      if (len < 20) break;
      out.etherType = u16(data, start);
      out.offset = start + 20;
      if (out.etherType === ETHERTYPE_VLAN) return skipVlanTags(data, start + 20 - 2 + 4, end, out);
      return out;
    case LINKTYPE_NULL: {
      if (len < 4) break;
      // Host byte order of the capturing machine: read little-endian, and if that is not a
      // small number, the writer was big-endian.
      let af = data.readUInt32LE(start);
      if (af > 0xffff) af = data.readUInt32BE(start);
      out.etherType = familyToEtherType(af);
      out.offset = start + 4;
      return out;
    }
    case LINKTYPE_LOOP:
      if (len < 4) break;
      out.etherType = familyToEtherType(data.readUInt32BE(start));
      out.offset = start + 4;
      return out;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD_A:
    case LINKTYPE_RAW_OLD_B:
      out.etherType = rawVersion(data, start, end);
      if (out.etherType < 0 && len === 0) break;
      return out;
    case LINKTYPE_IPV4:
      out.etherType = ETHERTYPE_IPV4;
      return out;
    case LINKTYPE_IPV6:
      out.etherType = ETHERTYPE_IPV6;
      return out;
    default:
      out.status = 'unknown';
      return out;
  }
  out.status = 'short';
  return out;
}
