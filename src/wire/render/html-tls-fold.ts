// The HTML view's TLS rows: a connection's TLS lines folded into one row per group — the
// handshake messages (and alerts) in one, a run of records left encrypted in another — whose
// label names what is inside and whose detail lists every line, so the diagram stays about the
// conversation and the TLS story is one click away. The text and tcpdump views show each line.
import type { TlsEvent } from '../tls/tls-events.js';
import type { LadderRow } from './html-ladder-types.js';

/** Lines kept in one folded row's detail; the rest are counted. */
export const MAX_FOLDED_LINES = 200;

export interface TlsFoldEnv {
  /** A new row for the event (lanes, times, its explanation in `x`). */
  row(ev: TlsEvent): LadderRow;
  push(row: LadderRow): void;
  /** Whether the row is not serialised yet (it can still take more lines). */
  open(row: LadderRow): boolean;
  explain(ev: TlsEvent): string[];
}

interface Group {
  row: LadderRow;
  kind: 'handshake' | 'records';
  names: string[];
  events: number;
  records: number;
  bytes: number;
  more: number;
}

const nameOf = (ev: TlsEvent): string => {
  switch (ev.event) {
    case 'tls.client-hello':
      return 'ClientHello';
    case 'tls.server-hello':
      return ev.helloRetry ? 'HelloRetryRequest' : 'ServerHello';
    case 'tls.certificate':
      return 'Certificate';
    case 'tls.alert':
      return `alert ${ev.description}`;
    case 'tls.handshake':
      return ev.message;
    case 'tls.encrypted':
      return 'encrypted';
  }
};

/** Names in order, a repeat in a row said once with its count ("NewSessionTicket ×2"). */
function collapseRepeats(names: readonly string[]): string[] {
  const parts: string[] = [];
  let last = '';
  let times = 0;
  const flush = (): void => {
    if (last) parts.push(times > 1 ? `${last} ×${times}` : last);
  };
  for (const name of names) {
    if (name === last) times++;
    else {
      flush();
      last = name;
      times = 1;
    }
  }
  flush();
  return parts;
}

/** The group's row says what it holds: its label on the arrow, its caption under it. */
function label(g: Group): void {
  const parts = collapseRepeats(g.names);
  if (g.kind === 'records') {
    const also = parts.length ? ` · ${parts.join(' · ')}` : '';
    const text = `TLS: ${g.records} encrypted record${g.records === 1 ? '' : 's'}, ${g.bytes} bytes${also}`;
    g.row.l = text.length > 80 ? text.slice(0, 79) + '…' : text;
    g.row.cap = 'not decrypted · click for each record';
    return;
  }
  const text = `TLS ${parts.join(' · ')}`;
  g.row.l = text.length > 80 ? text.slice(0, 79) + '…' : text;
  g.row.cap = `${g.events} TLS line${g.events === 1 ? '' : 's'} folded · click to unfold`;
}

export function createTlsFolder(env: TlsFoldEnv): { add(ev: TlsEvent): void; forget(conn: number): void } {
  const groups = new Map<number, Group>();

  return {
    add(ev) {
      const conn = ev.conn ?? -1;
      let g = groups.get(conn);
      // A run of encrypted records also takes the handshake lines between them (the peer's
      // ChangeCipherSpec, a ticket): the records start a new row, the rest joins the open one.
      const fresh = ev.event === 'tls.client-hello' || ev.event === 'tls.server-hello';
      const kind = ev.event === 'tls.encrypted' ? 'records' : fresh ? 'handshake' : (g?.kind ?? 'handshake');
      if (!g || g.kind !== kind || !env.open(g.row)) {
        const row = env.row(ev);
        row.k = 'tls';
        row.x = [];
        delete row.f;
        g = { row, kind, names: [], events: 0, records: 0, bytes: 0, more: 0 };
        groups.set(conn, g);
        env.push(row);
      }
      g.events++;
      if (ev.event === 'tls.encrypted') {
        g.records++;
        g.bytes += ev.bytes;
      } else if (g.names.length < MAX_FOLDED_LINES) g.names.push(nameOf(ev));
      const lines = env.explain(ev);
      if (g.row.x.length < MAX_FOLDED_LINES) g.row.x.push(...lines);
      else {
        g.more += lines.length;
        g.row.x[MAX_FOLDED_LINES] = `… ${g.more} more TLS lines`;
      }
      label(g);
    },
    /** The connection is over: its groups are closed. */
    forget(conn) {
      groups.delete(conn);
    },
  };
}
