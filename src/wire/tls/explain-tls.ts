// TLS events in the seed document's manner: one line saying who does what, for the text and
// html views.
import type { TlsEvent } from './tls-events.js';

export function explainTls(ev: TlsEvent): string[] {
  switch (ev.event) {
    case 'tls.client-hello':
      return [
        `TLS client hello: ${ev.summary.replace(/^ClientHello /, '')}${ev.keysKnown ? '; keys found in the key log' : ''}`,
      ];
    case 'tls.server-hello':
      return [
        `TLS server ${ev.helloRetry ? 'hello retry' : 'hello'}: ${ev.summary.replace(/^(ServerHello|HelloRetryRequest): /, '')}`,
      ];
    case 'tls.certificate':
      return [`TLS ${ev.from} certificate: ${ev.summary.replace(/^Certificate /, '')}`];
    case 'tls.alert':
      return [
        `TLS ${ev.level} alert from the ${ev.from}${ev.encrypted ? ' (decrypted)' : ''}: ${ev.meaning}`,
      ];
    case 'tls.handshake':
      return [`TLS ${ev.from}: ${ev.summary}`];
    case 'tls.encrypted':
      return [`TLS ${ev.from}: ${ev.summary}`];
  }
}
