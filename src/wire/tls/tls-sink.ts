// The TLS layer as a ConnectionSink between TCP reassembly and the clear-text decoders: a
// connection whose client opens with a TLS record carrying a ClientHello (on any port) is decoded
// as TLS, and its decrypted application data goes to the inner sink as if it had been sent in
// clear; anything else goes to the inner sink untouched. While live with a growing key log (a
// KeyWaiter in the options), a connection whose secrets are not known yet is held from its
// ClientHello on, then decoded from the start once they arrive or the wait is over.
import { formatEndpoint, type EventBase, type Side, type WireEvent } from '../events.js';
import type { ConnectionInfo, ConnectionSink, EmitEvent, StreamMeta } from '../stream.js';
import { createTlsConnection, type TlsConnection, type TlsOptions } from './tls-connection.js';
import { CONTENT_HANDSHAKE, checkRecordHeader, RECORD_HEADER_BYTES } from './record-parser.js';
import type { KeyWait } from './key-waiter.js';
import type { WireProblemCode } from '../problem-codes.js';
import { BudgetAccount, type MemoryBudget } from '../budget/memory-budget.js';

/**
 * What a TLS connection's own state costs beyond the flow and the decoder inside it (charged
 * once it is decoded as TLS or held for its secrets): two directions with their record parsers
 * and handshake reassemblers, the hello facts, the session's secrets and the record ciphers'
 * keys. Measured like flow-costs.ts (heap + external after a full collection, 20,000
 * connections, Node 20): a connection that sent a 367-byte TLS 1.3 ClientHello keeps 14.4 KB,
 * 5.8 KB more than one that sent 5 clear bytes.
 * Bytes of unfinished records and handshake messages, and a held connection's bytes, are
 * charged on top as they come.
 */
export const TLS_CONNECTION_COST = 6 * 1024;

/** Bytes needed to recognise a ClientHello: record header and handshake type. */
const SNIFF_BYTES = RECORD_HEADER_BYTES + 1;
const CLIENT_HELLO = 1;
/** Where the ClientHello's 32 random bytes are: record header, handshake header, version. */
const RANDOM_START = RECORD_HEADER_BYTES + 4 + 2;
const RANDOM_END = RANDOM_START + 32;

/** What a held connection was given, in order, replayed when it is released. */
type HeldCall =
  | { kind: 'data'; label: Side; bytes: Buffer; meta: StreamMeta }
  | { kind: 'gap'; label: Side; meta: StreamMeta }
  | { kind: 'end'; label: Side; meta: StreamMeta };

/** 'tls' when the bytes open a TLS connection, 'mid-stream' for TLS records without a hello. */
export function sniffTls(bytes: Buffer): 'tls' | 'mid-stream' | 'no' | 'maybe' {
  if (bytes.length < SNIFF_BYTES) {
    // A TLS record starts with a content type 20..23 and major version 3.
    if (bytes.length >= 1 && (bytes[0]! < 20 || bytes[0]! > 23)) return 'no';
    if (bytes.length >= 2 && bytes[1] !== 3) return 'no';
    return 'maybe';
  }
  if (checkRecordHeader(bytes[0]!, bytes[1]!, bytes.readUInt16BE(3)) !== undefined) return 'no';
  if (bytes[2]! > 4 || bytes.readUInt16BE(3) === 0) return 'no';
  if (bytes[0] === CONTENT_HANDSHAKE && bytes[5] === CLIENT_HELLO) return 'tls';
  return 'mid-stream';
}

export function createTlsAwareSink(
  info: ConnectionInfo,
  emit: EmitEvent,
  inner: ConnectionSink,
  options: TlsOptions = {},
  /** The run's memory budget: TLS state, unfinished records and held bytes are charged. */
  budget?: MemoryBudget,
): ConnectionSink {
  return new TlsAwareSink(info, emit, inner, options, budget);
}

const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

/**
 * One connection's sink, in one of five states: `detect` (the first bytes of each side are
 * sniffed), `held` (a ClientHello whose secrets are not known yet: calls are kept for replay),
 * `tls` (decoded by a TlsConnection), `clear` (handed on untouched) and `dead` (TLS that cannot
 * be followed, or a held connection let go).
 */
class TlsAwareSink implements ConnectionSink {
  private mode: 'detect' | 'held' | 'tls' | 'clear' | 'dead' = 'detect';
  private readonly endpoint: Record<Side, string>;
  private sniffed: Record<Side, Buffer[]> = { client: [], server: [] };
  private tls: TlsConnection | undefined;
  private held: HeldCall[] = [];
  private wait: KeyWait | undefined;
  private heldRandom: Buffer | undefined;
  private heldBytes = 0;
  private helloLabel: Side = 'client';
  /** Released by the flow table while held: released for good once decoded. */
  private releaseWhenDecoded = false;
  private readonly account: BudgetAccount;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly emit: EmitEvent,
    private readonly inner: ConnectionSink,
    private readonly options: TlsOptions,
    budget: MemoryBudget | undefined,
  ) {
    this.endpoint = { client: formatEndpoint(info.client), server: formatEndpoint(info.server) };
    this.account = new BudgetAccount(budget);
  }

  // ---- the sink ----

  data(label: Side, bytes: Buffer, meta: StreamMeta): void {
    if (bytes.length === 0) return;
    const mode = this.mode;
    if (mode === 'clear') return this.inner.data(label, bytes, meta);
    if (mode === 'tls') this.tls?.data(label, bytes, meta);
    else if (mode === 'held') this.dataWhileHeld(label, bytes, meta);
    else if (mode === 'detect') this.detect(label, bytes, meta, false);
    this.charge();
  }

  gap(label: Side, missing: number, meta: StreamMeta): void {
    const mode = this.mode;
    if (mode === 'held') this.hold({ kind: 'gap', label, meta });
    else if (mode === 'tls') this.tls?.gap(label, meta);
    else if (mode === 'clear') this.inner.gap(label, missing, meta);
    else if (mode === 'detect') {
      // The start of this side is lost: it cannot be told to be TLS any more.
      this.detect(label, Buffer.alloc(0), meta, true);
      if (this.mode === 'clear') this.inner.gap(label, missing, meta);
    }
    this.charge();
  }

  end(label: Side, meta: StreamMeta): void {
    // A connection may be over before its secrets are written: it still waits for them.
    if (this.mode === 'held') this.hold({ kind: 'end', label, meta });
    else {
      if (this.mode === 'detect' && this.sniffed[label].length)
        this.detect(label, Buffer.alloc(0), meta, true);
      if (this.mode === 'clear' || this.mode === 'tls') this.inner.end(label, meta);
    }
    this.charge();
  }

  // The memory budget's questions are about the clear-text state, which the inner sink holds.
  shed(meta: StreamMeta): 'FRAGMENTS_DROPPED' | undefined {
    return this.inner.shed?.(meta);
  }

  get isWebSocket(): boolean {
    return this.inner.isWebSocket === true;
  }

  release(): void {
    this.account.clear();
    // A connection may be over before its secrets are written (a browser or node appends them
    // to the key log after the handshake): it still waits for them, within the waiter's bounds
    // of time and bytes, and is decoded then; what its decoders charge meanwhile is given back
    // once that is done.
    if (this.mode === 'held') this.releaseWhenDecoded = true;
    else this.inner.release?.();
  }

  // ---- detect ----

  /** Decides from the first bytes of one side; replays what was held back. */
  private detect(label: Side, bytes: Buffer, meta: StreamMeta, force: boolean): void {
    this.sniffed[label].push(bytes);
    const head = Buffer.concat(this.sniffed[label]);
    const verdict = sniffTls(head);
    if (verdict === 'maybe' && !force) return;
    const otherHead = Buffer.concat(this.sniffed[other(label)]);
    this.sniffed.client = this.sniffed.server = [];
    if (verdict === 'tls') this.onClientHello(label, head, otherHead, meta);
    else if (verdict === 'mid-stream' && !this.info.handshakeSeen) {
      this.mode = 'dead';
      const why = 'TLS records without their handshake (the capture began mid-connection): not decoded';
      this.problem(label, 'TLS_MID_STREAM', why, 'warning', meta);
    } else {
      this.mode = 'clear';
      if (otherHead.length) this.inner.data(other(label), otherHead, meta);
      if (head.length) this.inner.data(label, head, meta);
    }
  }

  /** A ClientHello: decoded now, or held while the live key log may still bring its secrets. */
  private onClientHello(label: Side, head: Buffer, otherHead: Buffer, meta: StreamMeta): void {
    const random = head.length >= RANDOM_END ? head.subarray(RANDOM_START, RANDOM_END) : undefined;
    const waiter = this.options.waiter;
    if (!waiter || !random || waiter.known(random)) return this.startTls(label, head, otherHead, meta);
    this.mode = 'held';
    this.heldRandom = Buffer.from(random);
    this.helloLabel = label;
    this.wait = waiter.wait(this.heldRandom, () => this.releaseHeld());
    if (otherHead.length) this.hold({ kind: 'data', label: other(label), bytes: otherHead, meta });
    this.hold({ kind: 'data', label, bytes: head, meta });
  }

  // ---- tls ----

  private startTls(label: Side, head: Buffer, otherHead: Buffer, meta: StreamMeta): void {
    this.mode = 'tls';
    // Whoever sends the ClientHello is the TLS client, whatever the flow table guessed.
    const tls = createTlsConnection(
      {
        base: (l, m) => this.base(l, m),
        emit: (event) => this.emit(event as unknown as WireEvent),
        problem: (l, code, message, severity, m) => this.problem(l, code, message, severity, m),
        plaintext: (l, bytes, m) => this.inner.data(l, bytes, m),
      },
      label,
      this.options,
    );
    this.tls = tls;
    if (otherHead.length) tls.data(other(label), otherHead, meta);
    if (head.length) tls.data(label, head, meta);
  }

  private base(label: Side, meta: StreamMeta): EventBase {
    return {
      ts: meta.ts,
      src: this.endpoint[label],
      dst: this.endpoint[other(label)],
      conn: this.info.conn,
      packet: meta.packet,
    };
  }

  private problem(
    label: Side,
    code: WireProblemCode,
    message: string,
    severity: 'warning' | 'error',
    meta: StreamMeta,
  ): void {
    this.emit({ event: 'decode.problem', ...this.base(label, meta), code, message, severity });
  }

  /** Sets this connection's charge to what its TLS state holds now. */
  private charge(): void {
    if (this.mode === 'tls') this.account.set(TLS_CONNECTION_COST + (this.tls?.pendingBytes ?? 0));
    else if (this.mode === 'held') this.account.set(TLS_CONNECTION_COST + this.heldBytes);
    else this.account.clear();
  }

  // ---- held ----

  private dataWhileHeld(label: Side, bytes: Buffer, meta: StreamMeta): void {
    this.hold({ kind: 'data', label, bytes, meta });
    // Secrets that arrived since: no need to wait for the next check.
    if (this.mode === 'held' && this.options.waiter?.known(this.heldRandom!)) this.releaseHeld();
  }

  /** Keeps one call of a held connection; past the waiter's byte bound, stops waiting. */
  private hold(call: HeldCall): void {
    if (this.mode !== 'held') return this.feed(call); // released while its first bytes were being held
    const bytes = call.kind === 'data' ? call.bytes.length : 0;
    // Copied: the reassembler may reuse what it handed over.
    this.held.push(call.kind === 'data' ? { ...call, bytes: Buffer.from(call.bytes) } : call);
    this.heldBytes += bytes;
    if (!this.wait?.take(bytes)) this.releaseHeld();
  }

  /** Stops waiting: the connection is decoded from its ClientHello with what the store knows now. */
  private releaseHeld(): void {
    if (this.mode !== 'held') return;
    const calls = this.held;
    this.stopWaiting();
    this.startTls(this.helloLabel, Buffer.alloc(0), Buffer.alloc(0), calls[0]!.meta);
    for (const call of calls) this.feed(call);
    if (!this.releaseWhenDecoded) return this.charge();
    this.inner.release?.();
    this.account.clear();
  }

  private stopWaiting(): void {
    this.wait?.done();
    this.wait = undefined;
    this.held = [];
    this.heldBytes = 0;
  }

  private feed(call: HeldCall): void {
    if (call.kind === 'data') this.tls?.data(call.label, call.bytes, call.meta);
    else if (call.kind === 'gap') this.tls?.gap(call.label, call.meta);
    else this.inner.end(call.label, call.meta);
  }
}
