// RawPacket → TcpPacket: link layer, IPv4 (options) or IPv6 (extension headers), TCP.
// Malformed input is data: a 'problem' result with a stable code, never an exception.
//
// IP fragments are reported (IP_FRAGMENT) and skipped rather than reassembled: TCP stacks
// avoid fragmentation (PMTU discovery, DF set), and loopback traffic never fragments, so a
// fragment in a WebSocket capture is an anomaly worth reporting, not data to rebuild.
import type { RawPacket, TcpPacket } from '../events.js';
import { CapturedPacket } from '../source/captured-packet.js';
import { decodeLink, ETHERTYPE_IPV4, ETHERTYPE_IPV6, type LinkResult } from './link-layer.js';
import { ipv4Text, ipv6Text } from './ip-text.js';
import { DecodedTcpPacket } from './tcp-segment.js';
import type { WireProblemCode } from '../problem-codes.js';

export type PacketDecodeResult = { kind: 'tcp'; packet: TcpPacket } | { kind: 'skip' } | PacketProblem;

/** A packet that cannot be decoded: a stable code and the reason. */
export interface PacketProblem {
  kind: 'problem';
  code: WireProblemCode;
  message: string;
}

const EMPTY_PAYLOAD = Buffer.alloc(0);
const BLANK_RAW: RawPacket = {
  index: 0,
  ts: 0,
  linkType: 0,
  data: EMPTY_PAYLOAD,
  origLen: 0,
  interfaceId: 0,
};
const SKIP: PacketDecodeResult = Object.freeze({ kind: 'skip' });
const link: LinkResult = { status: 'ok', offset: 0, etherType: 0 };

const IPPROTO_TCP = 6;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
const IPV6_NO_NEXT = 59;
const IPV6_DEST_OPTS = 60;

function problem(code: WireProblemCode, message: string): PacketProblem {
  return { kind: 'problem', code, message };
}

const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Buffer, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** A TCP packet object to be set() (or handed to decodeTcpPacket to be made over). */
export function blankTcpPacket(): DecodedTcpPacket {
  return new DecodedTcpPacket(BLANK_RAW, EMPTY_PAYLOAD, '', 0, '', 0, 4, 0, 0, 0, 0, 0, 0, EMPTY_PAYLOAD, 0);
}

export function decodePacket(raw: RawPacket): PacketDecodeResult {
  const r = decodeTcpPacket(raw);
  if (r === null) return SKIP;
  return r instanceof DecodedTcpPacket ? { kind: 'tcp', packet: r } : r;
}

/**
 * decodePacket without a result object around the packet: the TCP packet, a problem, or null
 * for a packet that is not TCP. A packet from the capture readers is read where it lies.
 */
export function decodeTcpPacket(
  raw: RawPacket,
  /** Made over for this packet instead of a new object (the caller keeps no packet past its use). */
  reuse?: DecodedTcpPacket,
): DecodedTcpPacket | PacketProblem | null {
  let data: Buffer;
  let start = 0;
  let end: number;
  if (raw instanceof CapturedPacket) {
    data = raw.bytes;
    start = raw.start;
    end = raw.end;
  } else {
    data = raw.data;
    end = data.length;
  }
  decodeLink(raw.linkType, data, link, start, end);
  if (link.status === 'unknown') {
    return problem('UNKNOWN_LINKTYPE', `link type ${raw.linkType} is not supported`);
  }
  if (link.status === 'short') return problem('TRUNCATED_PACKET', 'link-layer header cut short');
  if (link.etherType === ETHERTYPE_IPV4) return decodeIpv4(raw, data, link.offset, end, reuse);
  if (link.etherType === ETHERTYPE_IPV6) return decodeIpv6(raw, data, link.offset, end, reuse);
  return null;
}

type Decoded = DecodedTcpPacket | PacketProblem | null;

function decodeIpv4(
  raw: RawPacket,
  data: Buffer,
  off: number,
  end: number,
  reuse: DecodedTcpPacket | undefined,
): Decoded {
  if (end < off + 20) return problem('TRUNCATED_PACKET', 'IPv4 header cut short');
  const b0 = data[off]!;
  if (b0 >> 4 !== 4) return problem('BAD_IP_HEADER', `IP version ${b0 >> 4} in an IPv4 packet`);
  const ihl = (b0 & 0x0f) * 4;
  if (ihl < 20) return problem('BAD_IP_HEADER', `IPv4 header length ${ihl} is below 20`);
  if (end < off + ihl) return problem('TRUNCATED_PACKET', 'IPv4 options cut short');
  let totalLength = u16(data, off + 2);
  // Linux hands segmentation-offloaded packets to the capture with total length 0: the
  // captured length is then the only length there is.
  if (totalLength === 0) totalLength = end - off;
  if (totalLength < ihl) return problem('BAD_IP_HEADER', `IPv4 total length ${totalLength} < header ${ihl}`);
  const protocol = data[off + 9]!;
  const fragField = u16(data, off + 6);
  if ((fragField & 0x3fff) !== 0) {
    if (protocol !== IPPROTO_TCP) return null;
    return problem('IP_FRAGMENT', `IPv4 fragment (offset ${(fragField & 0x1fff) * 8}) skipped`);
  }
  if (protocol !== IPPROTO_TCP) return null;
  const src = ipv4Text(data, off + 12);
  const dst = ipv4Text(data, off + 16);
  // Bytes after total length are link padding (Ethernet minimum frame size): ignored.
  return decodeTcp(raw, data, off + ihl, end, totalLength - ihl, src, dst, 4, reuse);
}

function decodeIpv6(
  raw: RawPacket,
  data: Buffer,
  off: number,
  end: number,
  reuse: DecodedTcpPacket | undefined,
): Decoded {
  if (end < off + 40) return problem('TRUNCATED_PACKET', 'IPv6 header cut short');
  if (data[off]! >> 4 !== 6)
    return problem('BAD_IP_HEADER', `IP version ${data[off]! >> 4} in an IPv6 packet`);
  let payloadLength = u16(data, off + 4);
  // 0 means a jumbogram or an offloaded packet: take what was captured.
  if (payloadLength === 0) payloadLength = end - off - 40;
  let next = data[off + 6]!;
  const srcOff = off + 8;
  const dstOff = off + 24;
  let p = off + 40;
  let remaining = payloadLength;
  // Walk the extension headers; each has its next-header byte first.
  for (let guard = 0; next !== IPPROTO_TCP; guard++) {
    if (guard > 16) return problem('BAD_IP_HEADER', 'too many IPv6 extension headers');
    let len: number;
    if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DEST_OPTS) {
      if (end < p + 2) return problem('TRUNCATED_PACKET', 'IPv6 extension header cut short');
      len = (data[p + 1]! + 1) * 8;
    } else if (next === IPV6_FRAGMENT) {
      if (end < p + 8) return problem('TRUNCATED_PACKET', 'IPv6 fragment header cut short');
      const fragField = u16(data, p + 2);
      // An "atomic fragment" (offset 0, no more fragments) is a whole packet.
      if ((fragField & 0xfff9) !== 0) {
        if (!reachesTcp(data[p]!)) return null;
        return problem('IP_FRAGMENT', `IPv6 fragment (offset ${fragField & 0xfff8}) skipped`);
      }
      len = 8;
    } else if (next === IPV6_AH) {
      if (end < p + 2) return problem('TRUNCATED_PACKET', 'IPv6 AH header cut short');
      len = (data[p + 1]! + 2) * 4;
    } else if (next === IPV6_NO_NEXT) {
      return null;
    } else {
      return null; // UDP, ICMPv6, ESP, …: not TCP
    }
    if (len > remaining) return problem('BAD_IP_HEADER', 'IPv6 extension header longer than the payload');
    next = data[p]!;
    p += len;
    remaining -= len;
  }
  const src = ipv6Text(data, srcOff);
  return decodeTcp(raw, data, p, end, remaining, src, ipv6Text(data, dstOff), 6, reuse);
}

/** Whether a fragment's next header is TCP (for non-TCP fragments we stay silent). */
function reachesTcp(next: number): boolean {
  return next === IPPROTO_TCP;
}

function decodeTcp(
  raw: RawPacket,
  data: Buffer,
  off: number,
  end: number,
  tcpLength: number,
  srcIp: string,
  dstIp: string,
  ipVersion: 4 | 6,
  reuse: DecodedTcpPacket | undefined,
): Decoded {
  if (tcpLength < 20)
    return problem('BAD_TCP_HEADER', `TCP segment of ${tcpLength} bytes is shorter than a header`);
  if (end < off + 20) return problem('TRUNCATED_PACKET', 'TCP header cut short');
  const hl = (data[off + 12]! >> 4) * 4;
  if (hl < 20) return problem('BAD_TCP_HEADER', `TCP data offset ${hl} is below 20`);
  if (hl > tcpLength)
    return problem('BAD_TCP_HEADER', `TCP header length ${hl} exceeds the segment (${tcpLength})`);
  if (end < off + hl) return problem('TRUNCATED_PACKET', 'TCP options cut short');
  const flagBits = ((data[off + 12]! & 1) << 8) | data[off + 13]!;
  const payloadStart = off + hl;
  const payloadEnd = Math.min(off + tcpLength, end);
  return (reuse ?? blankTcpPacket()).set(
    raw,
    data,
    srcIp,
    u16(data, off),
    dstIp,
    u16(data, off + 2),
    ipVersion,
    u32(data, off + 4),
    u32(data, off + 8),
    flagBits,
    u16(data, off + 14),
    off + 20,
    payloadStart,
    // Most packets of a conversation are bare ACKs: they share one empty payload.
    payloadEnd > payloadStart ? data.subarray(payloadStart, payloadEnd) : EMPTY_PAYLOAD,
    tcpLength - hl,
  );
}
