// The tcp.segment and tcp.close events of flow-table.ts: sequence numbers made relative the way
// tcpdump shows them, the segment's role, and its options as text.
import type {
  DecodeProblemEvent,
  Side,
  TcpCloseEvent,
  TcpOpenEvent,
  TcpPacket,
  TcpSegmentEvent,
} from '../events.js';
import { DecodedTcpPacket } from '../layers/tcp-segment.js';
import { formatTcpFlags, TH_ACK, TH_FIN, TH_RST, TH_SYN } from '../layers/tcp-flags.js';
import { SegmentClass } from '../reassembly/stream-reassembler.js';
import type { Connection, Tombstone } from './connection.js';
import { sameEndpoint } from './flow-key.js';

/** The event for one packet of `c` sent by `side` (the first one is shown with absolute numbers). */
export function segmentEvent(
  c: Connection,
  p: TcpPacket,
  bits: number,
  side: Side,
  cls: SegmentClass,
  handshakeAck: boolean,
): TcpSegmentEvent {
  const d = c.dir(side);
  const o = side === 'client' ? c.server : c.client;
  const syn = (bits & TH_SYN) !== 0;
  // tcpdump prints a connection's first packet with absolute numbers whatever it is.
  const absolute = syn || c.firstSegment;
  c.firstSegment = false;
  const seq = absolute || !d.baseKnown ? p.seq : (p.seq - d.base) >>> 0;
  let ack: number | null = null;
  if (bits & TH_ACK) ack = absolute || !o.baseKnown ? p.ack : (p.ack - o.base) >>> 0;
  let role: TcpSegmentEvent['role'];
  if (bits & TH_RST) role = 'rst';
  else if (syn) role = bits & TH_ACK ? 'syn-ack' : 'syn';
  else if (bits & TH_FIN) role = 'fin';
  else if (cls === SegmentClass.Retransmission) role = 'retransmission';
  else if (cls === SegmentClass.KeepAlive) role = 'keepalive';
  else if (p.payloadLength > 0) role = 'data';
  else if (handshakeAck) role = 'handshake-ack';
  else role = 'ack';
  return {
    event: 'tcp.segment',
    ts: p.ts,
    src: c.textOf(side),
    dst: c.otherText(side),
    conn: c.conn,
    packet: p.index,
    from: side,
    flags: formatTcpFlags(bits),
    seq,
    seqEnd: (seq + p.payloadLength) >>> 0,
    ack,
    win: p.window,
    len: p.payloadLength,
    options: optionsText(p, o.baseKnown && !syn ? o.base : 0),
    role,
    raw: p.raw,
  };
}

/** SACK blocks relative to the other side's ISN, like tcpdump. */
export function optionsText(p: TcpPacket, sackBase: number): string {
  return p instanceof DecodedTcpPacket ? p.optionsRelativeTo(sackBase) : p.options;
}

export function closeEvent(
  c: Connection,
  side: Side,
  how: TcpCloseEvent['how'],
  ts: number,
  packet: number,
): TcpCloseEvent {
  return {
    event: 'tcp.close',
    ts,
    src: c.textOf(side),
    dst: c.otherText(side),
    conn: c.conn,
    packet,
    from: side,
    how,
  };
}

/** A packet of a connection already closed: numbered and described, not reassembled. */
export function strayEvent(p: TcpPacket, bits: number, t: Tombstone): TcpSegmentEvent {
  const side: Side = sameEndpoint(p.src, t.clientEp) ? 'client' : 'server';
  const base = side === 'client' ? t.clientBase : t.serverBase;
  const otherBase = side === 'client' ? t.serverBase : t.clientBase;
  const seq = (p.seq - base) >>> 0;
  const role: TcpSegmentEvent['role'] =
    bits & TH_RST ? 'rst' : bits & TH_FIN ? 'fin' : p.payloadLength > 0 ? 'retransmission' : 'ack';
  return {
    event: 'tcp.segment',
    ts: p.ts,
    src: side === 'client' ? t.clientText : t.serverText,
    dst: side === 'client' ? t.serverText : t.clientText,
    conn: t.conn,
    packet: p.index,
    from: side,
    flags: formatTcpFlags(bits),
    seq,
    seqEnd: (seq + p.payloadLength) >>> 0,
    ack: bits & TH_ACK ? (p.ack - otherBase) >>> 0 : null,
    win: p.window,
    len: p.payloadLength,
    options: optionsText(p, otherBase),
    role,
    raw: p.raw,
  };
}

export function openEvent(c: Connection, p: TcpPacket): TcpOpenEvent {
  return {
    event: 'tcp.open',
    ts: p.ts,
    src: c.clientText,
    dst: c.serverText,
    conn: c.conn,
    packet: p.index,
    handshakeSeen: c.handshakeSeen,
    client: c.clientText,
    server: c.serverText,
  };
}

/** A packet cut short by the capture's snaplen: reported once per direction. */
export function snaplenProblem(c: Connection, p: TcpPacket, side: Side): DecodeProblemEvent {
  return {
    event: 'decode.problem',
    ts: p.ts,
    src: c.textOf(side),
    dst: c.otherText(side),
    conn: c.conn,
    packet: p.index,
    code: 'SNAPLEN_CUT',
    message: `packet ${p.index} holds ${p.payload.length} of its ${p.payloadLength} payload bytes (capture snaplen too small); the rest is a gap`,
    severity: 'warning',
  };
}
