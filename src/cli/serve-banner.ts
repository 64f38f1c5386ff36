// The one readable line `wirechat serve` prints for a person at a terminal: where the page is.
// The JSON logs on stderr stay as they are for machines; the line is printed only when stderr is a
// terminal, so a log collector never sees a line that is not JSON.

/** A host as a browser URL takes it: the wildcard addresses become loopback, IPv6 is bracketed. */
export function browserHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function serveBanner(host: string, ports: { wsPort: number; webPort: number }): string {
  const h = browserHost(host);
  return `wirechat: open http://${h}:${ports.webPort}/ (chat WebSocket on ws://${h}:${ports.wsPort}/); Ctrl-C stops`;
}
