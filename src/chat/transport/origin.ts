// `--allow-origin`: against cross-site WebSocket hijacking, upgrades whose Origin is not listed
// are refused with 403. Browsers always send Origin; other clients (bots, the original PHP
// clients' scripts) usually send none, and a missing Origin is let through, since only browsers
// carry a victim's cookies. Without the option, every origin is accepted (today's behaviour).
// Origins are compared exactly, as RFC 6454 defines them: scheme, host and port, nothing else.
// Parsing the header as a URL would read `https://evil.com@chat.example.com` as the origin
// `https://chat.example.com` (the part before @ being a user name), so the header is taken apart
// by hand and anything that is not scheme://host[:port] never matches.
import type { IncomingMessage } from 'node:http';
import { domainToASCII } from 'node:url';
import { UsageError } from '../../shared/errors.js';

const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

/**
 * `scheme://host[:port]` in its one serialisation (scheme and host lower case, no default port),
 * or undefined when `text` is not exactly that. `unicodeHosts` lets an allow-list entry name an
 * internationalised host, which becomes the punycode a browser sends.
 */
export function canonicalOrigin(text: string, unicodeHosts = false): string | undefined {
  const m =
    /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^/?#@\\\s:[\]]+)(?::([1-9][0-9]{0,4}))?$/.exec(text);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (!(scheme in DEFAULT_PORT)) return undefined;
  let host = m[2]!.toLowerCase();
  if (!host.startsWith('[')) {
    if (unicodeHosts) host = domainToASCII(host);
    if (!/^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/.test(host) || host.includes('..')) return undefined;
  }
  const port = m[3];
  if (port !== undefined && Number(port) > 65535) return undefined;
  const shown = port === undefined || port === DEFAULT_PORT[scheme] ? '' : `:${port}`;
  return `${scheme}://${host}${shown}`;
}

/** Parses "https://a.example, http://localhost:55151" into canonical origins; '*' means any. */
export function parseOriginList(list: string): string[] {
  const origins = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (origins.length === 0) throw new UsageError('--allow-origin needs at least one origin');
  return origins.map((origin) => {
    if (origin === '*') return origin;
    // A single trailing slash is how origins are often pasted from an address bar; it names no path.
    const canonical = canonicalOrigin(origin.replace(/(?<=\/\/[^/]*)\/$/, ''), true);
    if (canonical) return canonical;
    const why = /^[^:]+:\/\/[^/]*@/.test(origin)
      ? ' (a user name is not part of an origin)'
      : /^[^:]+:\/\/[^/]+[/?#]/.test(origin)
        ? ' (a path, query or fragment is not part of an origin)'
        : '';
    throw new UsageError(`--allow-origin: '${origin}' is not an origin like https://chat.example.com${why}`);
  });
}

type Verify = (
  info: { req: IncomingMessage },
  done: (ok: boolean, status?: number, reason?: string) => void,
) => void;

/** Whether an Origin header (undefined: none sent) may open a WebSocket under this allow-list. */
export function originAllowed(allowed: ReadonlySet<string>, origin: string | undefined): boolean {
  if (allowed.has('*') || origin === undefined) return true;
  const canonical = canonicalOrigin(origin);
  return canonical !== undefined && allowed.has(canonical);
}

/** The ws `verifyClient` check for a list of origins: refused upgrades are answered 403. */
export function originCheck(allowed: string[]): Verify {
  const set = new Set(allowed);
  return ({ req }, done) =>
    originAllowed(set, req.headers.origin) ? done(true) : done(false, 403, 'Forbidden');
}
