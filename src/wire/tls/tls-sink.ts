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
  const endpoint: Record<Side, string> = {
    client: formatEndpoint(info.client),
    server: formatEndpoint(info.server),
  };
  const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');
  let mode: 'detect' | 'held' | 'tls' | 'clear' | 'dead' = 'detect';
  const sniffed: Record<Side, Buffer[]> = { client: [], server: [] };
  let tls: TlsConnection | undefined;
  let held: HeldCall[] = [];
  let wait: KeyWait | undefined;
  let heldRandom: Buffer | undefined;
  let heldBytes = 0;
  /** The flow table let the connection go while it was held: let go once it is decoded. */
  let gone = false;
  let helloLabel: Side = 'client';
  const account = new BudgetAccount(budget);

  /** Sets this connection's charge to what its TLS state holds now. */
  function charge(): void {
    if (mode === 'tls') account.set(TLS_CONNECTION_COST + (tls?.pendingBytes ?? 0));
    else if (mode === 'held') account.set(TLS_CONNECTION_COST + heldBytes);
    else account.clear();
  }

  function base(label: Side, meta: StreamMeta): EventBase {
    return {
      ts: meta.ts,
      src: endpoint[label],
      dst: endpoint[other(label)],
      conn: info.conn,
      packet: meta.packet,
    };
  }

  function problem(
    label: Side,
    code: WireProblemCode,
    message: string,
    severity: 'warning' | 'error',
    meta: StreamMeta,
  ): void {
    emit({ event: 'decode.problem', ...base(label, meta), code, message, severity });
  }

  function passOn(label: Side, bytes: Buffer, meta: StreamMeta): void {
    inner.data(label, bytes, meta);
  }

  /** Decides from the first bytes of one side; replays what was held back. */
  function detect(label: Side, bytes: Buffer, meta: StreamMeta, force: boolean): void {
    sniffed[label].push(bytes);
    const head = Buffer.concat(sniffed[label]);
    const verdict = sniffTls(head);
    if (verdict === 'maybe' && !force) return;
    const otherHead = Buffer.concat(sniffed[other(label)]);
    sniffed.client = sniffed.server = [];
    if (verdict === 'tls') {
      const random = head.length >= RANDOM_END ? head.subarray(RANDOM_START, RANDOM_END) : undefined;
      const waiter = options.waiter;
      if (waiter && random && !waiter.known(random)) {
        mode = 'held';
        heldRandom = Buffer.from(random);
        helloLabel = label;
        wait = waiter.wait(heldRandom, release);
        if (otherHead.length) hold({ kind: 'data', label: other(label), bytes: otherHead, meta });
        hold({ kind: 'data', label, bytes: head, meta });
        return;
      }
      startTls(label, head, otherHead, meta);
      return;
    }
    if (verdict === 'mid-stream' && !info.handshakeSeen) {
      mode = 'dead';
      problem(
        label,
        'TLS_MID_STREAM',
        'TLS records without their handshake (the capture began mid-connection): not decoded',
        'warning',
        meta,
      );
      return;
    }
    mode = 'clear';
    if (otherHead.length) passOn(other(label), otherHead, meta);
    if (head.length) passOn(label, head, meta);
  }

  function startTls(label: Side, head: Buffer, otherHead: Buffer, meta: StreamMeta): void {
    mode = 'tls';
    // Whoever sends the ClientHello is the TLS client, whatever the flow table guessed.
    tls = createTlsConnection(
      {
        base,
        emit: (event) => emit(event as unknown as WireEvent),
        problem,
        plaintext: passOn,
      },
      label,
      options,
    );
    if (otherHead.length) tls.data(other(label), otherHead, meta);
    if (head.length) tls.data(label, head, meta);
  }

  /** Keeps one call of a held connection; past the waiter's byte bound, stops waiting. */
  function hold(call: HeldCall): void {
    if (mode !== 'held') return feed(call); // released while its first bytes were being held
    const bytes = call.kind === 'data' ? call.bytes.length : 0;
    // Copied: the reassembler may reuse what it handed over.
    held.push(call.kind === 'data' ? { ...call, bytes: Buffer.from(call.bytes) } : call);
    heldBytes += bytes;
    if (!wait?.take(bytes)) release();
  }

  /** Stops waiting: the connection is decoded from its ClientHello with what the store knows now. */
  function release(): void {
    if (mode !== 'held') return;
    wait?.done();
    wait = undefined;
    const calls = held;
    held = [];
    heldBytes = 0;
    startTls(helloLabel, Buffer.alloc(0), Buffer.alloc(0), calls[0]!.meta);
    for (const call of calls) feed(call);
    charge();
    if (gone) letGo();
  }

  /** The flow table is done with this connection: every charge goes back. */
  function letGo(): void {
    inner.release?.();
    account.clear();
  }

  function feed(call: HeldCall): void {
    if (call.kind === 'data') tls?.data(call.label, call.bytes, call.meta);
    else if (call.kind === 'gap') tls?.gap(call.label, call.meta);
    else inner.end(call.label, call.meta);
  }

  return {
    data(label, bytes, meta) {
      if (bytes.length === 0) return;
      if (mode === 'clear') return inner.data(label, bytes, meta);
      if (mode === 'tls') tls?.data(label, bytes, meta);
      else if (mode === 'held') {
        hold({ kind: 'data', label, bytes, meta });
        // Secrets that arrived since: no need to wait for the next check.
        if (mode === 'held' && options.waiter?.known(heldRandom!)) release();
      } else if (mode === 'detect') detect(label, bytes, meta, false);
      charge();
    },
    gap(label, missing, meta) {
      if (mode === 'held') hold({ kind: 'gap', label, meta });
      else if (mode === 'tls') tls?.gap(label, meta);
      else if (mode === 'clear') inner.gap(label, missing, meta);
      else if (mode === 'detect') {
        // The start of this side is lost: it cannot be told to be TLS any more.
        detect(label, Buffer.alloc(0), meta, true);
        if ((mode as string) === 'clear') inner.gap(label, missing, meta);
      }
      charge();
    },
    end(label, meta) {
      // A connection may be over before its secrets are written: it still waits for them.
      if (mode === 'held') {
        hold({ kind: 'end', label, meta });
        charge();
        return;
      }
      if (mode === 'detect' && sniffed[label].length) detect(label, Buffer.alloc(0), meta, true);
      if (mode === 'clear' || mode === 'tls') inner.end(label, meta);
      charge();
    },
    // The memory budget's questions are about the clear-text state, which the inner sink holds.
    shed: (meta) => inner.shed?.(meta),
    get isWebSocket() {
      return inner.isWebSocket === true;
    },
    release: () => {
      // A connection may be over (or evicted) before its secrets are written: it still waits for
      // them, within the waiter's bounds on time and bytes, and lets go once it is decoded.
      if (mode === 'held') gone = true;
      else letGo();
    },
  };
}
