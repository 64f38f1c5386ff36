// Writes pcapng (the format of Wireshark's dumpcap): one Section Header Block, one Interface
// Description Block per link type as it first appears, then one Enhanced Packet Block per packet,
// and Decryption Secrets Blocks (TLS key log lines) where the caller puts them.
// Blocks are returned as Buffers so the caller decides where they go (a file, the decoder, both).
// Layout per the pcapng specification (draft-ietf-opsawg-pcapng): every block is
// type, total length, body padded to 4 bytes, total length again; little-endian here.
// tshark and our reader accept several link types in one file; tcpdump (libpcap) only reads files
// whose interfaces all share one link type, which is what the tap writes (LINKTYPE_RAW only).
import {
  OPT_ENDOFOPT,
  OPT_IF_TSRESOL,
  OPT_SHB_USERAPPL,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_DSB,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_SHB,
} from './pcapng-codes.js';

/** A packet to write. `tsNanos` (nanoseconds since the epoch) wins over `ts` when given. */
export interface PcapngPacket {
  ts: number;
  tsNanos?: bigint;
  linkType: number;
  data: Buffer;
  /** Length on the wire when `data` was cut; defaults to data.length. */
  origLen?: number;
}

export interface PcapngWriterOptions {
  /** Timestamp resolution written in each interface's if_tsresol (default 'ns'). */
  resolution?: 'ns' | 'us';
  /** Snap length recorded for each interface (default 262144, tcpdump's). */
  snaplen?: number;
  /** Written as shb_userappl. */
  application?: string;
}

export interface PcapngWriter {
  /** The Section Header Block: write it first, once. */
  header(): Buffer;
  /** An IDB when this link type is new, then the packet's EPB. */
  packet(packet: PcapngPacket): Buffer;
  /** A Decryption Secrets Block (e.g. DSB_TLS_KEY_LOG with key log lines): readers use it for the packets after it. */
  secrets(secretsType: number, data: Buffer): Buffer;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Encodes options as code/length/value padded to 4 bytes, closed by opt_endofopt. */
function encodeOptions(options: Array<[number, Buffer]>): Buffer {
  if (options.length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const [code, value] of options) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(value.length, 2);
    parts.push(head, value, Buffer.alloc(pad4(value.length) - value.length));
  }
  parts.push(Buffer.from([OPT_ENDOFOPT, 0, 0, 0]));
  return Buffer.concat(parts);
}

/** Wraps a body in type + length … length. The body must already be a multiple of 4. */
function block(type: number, body: Buffer): Buffer {
  const total = body.length + 12;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

export function createPcapngWriter(options: PcapngWriterOptions = {}): PcapngWriter {
  const resolution = options.resolution ?? 'ns';
  const snaplen = options.snaplen ?? 262144;
  const interfaces = new Map<number, number>();

  function interfaceBlock(linkType: number): Buffer {
    const fixed = Buffer.alloc(8);
    fixed.writeUInt16LE(linkType, 0);
    fixed.writeUInt32LE(snaplen, 4);
    // if_tsresol: a power of ten, so 9 = nanoseconds, 6 = microseconds.
    const opts = encodeOptions([[OPT_IF_TSRESOL, Buffer.from([resolution === 'ns' ? 9 : 6])]]);
    return block(PCAPNG_IDB, Buffer.concat([fixed, opts]));
  }

  return {
    header(): Buffer {
      const fixed = Buffer.alloc(16);
      fixed.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, 0);
      fixed.writeUInt16LE(1, 4);
      fixed.writeUInt16LE(0, 6);
      // Section length -1: "not specified", so the file can be streamed.
      fixed.writeBigInt64LE(-1n, 8);
      const opts = options.application
        ? encodeOptions([[OPT_SHB_USERAPPL, Buffer.from(options.application, 'utf8')]])
        : Buffer.alloc(0);
      return block(PCAPNG_SHB, Buffer.concat([fixed, opts]));
    },

    packet(packet: PcapngPacket): Buffer {
      const parts: Buffer[] = [];
      let id = interfaces.get(packet.linkType);
      if (id === undefined) {
        id = interfaces.size;
        interfaces.set(packet.linkType, id);
        parts.push(interfaceBlock(packet.linkType));
      }
      const nanos = packet.tsNanos ?? BigInt(Math.round(packet.ts * 1e6)) * 1000n;
      const units = resolution === 'ns' ? nanos : nanos / 1000n;
      const captured = Math.min(packet.data.length, snaplen);
      const body = Buffer.alloc(20 + pad4(captured));
      body.writeUInt32LE(id, 0);
      body.writeUInt32LE(Number(units >> 32n) >>> 0, 4);
      body.writeUInt32LE(Number(units & 0xffffffffn) >>> 0, 8);
      body.writeUInt32LE(captured, 12);
      body.writeUInt32LE(Math.max(packet.origLen ?? packet.data.length, captured), 16);
      packet.data.copy(body, 20, 0, captured);
      parts.push(block(PCAPNG_EPB, body));
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    },

    secrets(secretsType: number, data: Buffer): Buffer {
      const body = Buffer.alloc(8 + pad4(data.length));
      body.writeUInt32LE(secretsType, 0);
      body.writeUInt32LE(data.length, 4);
      data.copy(body, 8);
      return block(PCAPNG_DSB, body);
    },
  };
}
