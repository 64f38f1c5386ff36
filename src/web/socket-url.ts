// Where the page opens its WebSocket. By default the server's own WebSocket port on the page's
// host; the server can advertise another address (`serve --public-ws-url`, for a proxy, a load
// balancer or `wirechat tap`), and a person can send one page through another address with
// `?ws=ws://host:port/`. Only ws:// and wss:// URLs are taken: a page must never be talked
// into fetching or navigating anywhere else through its own address bar.

/** The URL as the page will use it, or undefined when it is not a usable ws/wss URL. */
export function parseSocketUrl(text: string): string | undefined {
  // A fragment, even an empty one ('#'), makes the WebSocket constructor throw.
  if (text.length > 2048 || text.includes('#')) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return undefined;
  // Credentials in a link would be sent to whoever the link names; a fragment means nothing here.
  if (!url.hostname || url.username || url.password || url.hash) return undefined;
  return url.href;
}

export type SocketChoice =
  { kind: 'param'; url: string } | { kind: 'bad-param'; given: string } | { kind: 'server' };

/** What the page's own address asks for (`?ws=`), before asking the server. */
export function socketFromQuery(search: string): SocketChoice {
  const given = new URLSearchParams(search).get('ws');
  if (given === null || given === '') return { kind: 'server' };
  const url = parseSocketUrl(given);
  return url ? { kind: 'param', url } : { kind: 'bad-param', given };
}

/** The server's answer (`/config.json`): its advertised URL, else its port on the page's host. */
export function socketFromConfig(config: unknown, page: { protocol: string; hostname: string }): string {
  const { wsUrl, wsPort } = (config ?? {}) as { wsUrl?: unknown; wsPort?: unknown };
  if (typeof wsUrl === 'string') {
    const url = parseSocketUrl(wsUrl);
    if (!url) throw new Error('config.json: wsUrl is not a ws:// or wss:// URL');
    return url;
  }
  if (typeof wsPort !== 'number' || !Number.isInteger(wsPort) || wsPort < 1 || wsPort > 65535) {
    throw new Error('config.json: no usable wsPort');
  }
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws';
  // An IPv6 host needs its brackets back in a URL.
  const host =
    page.hostname.includes(':') && !page.hostname.startsWith('[') ? `[${page.hostname}]` : page.hostname;
  return `${scheme}://${host}:${wsPort}/`;
}
