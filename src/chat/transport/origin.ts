// `--allow-origin`: against cross-site WebSocket hijacking, upgrades whose Origin is not listed
// are refused with 403. Browsers always send Origin; other clients (bots, the original PHP
// clients' scripts) usually send none, and a missing Origin is let through, since only browsers
// carry a victim's cookies. Without the option, every origin is accepted (today's behaviour).
import type { IncomingMessage } from 'node:http';
import { UsageError } from '../../shared/errors.js';

/** Parses "https://a.example, http://localhost:55151" into normalised origins; '*' means any. */
export function parseOriginList(list: string): string[] {
  const origins = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (origins.length === 0) throw new UsageError('--allow-origin needs at least one origin');
  return origins.map((origin) => {
    if (origin === '*') return origin;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new UsageError(`--allow-origin: '${origin}' is not an origin like https://chat.example.com`);
    }
    if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
      throw new UsageError(`--allow-origin: '${origin}' is not an origin like https://chat.example.com`);
    }
    return url.origin;
  });
}

type Verify = (
  info: { req: IncomingMessage },
  done: (ok: boolean, status?: number, reason?: string) => void,
) => void;

/** The ws `verifyClient` check for a list of origins: refused upgrades are answered 403. */
export function originCheck(allowed: string[]): Verify {
  const any = allowed.includes('*');
  const set = new Set(allowed);
  const ok = (origin: string | undefined) => {
    if (any || origin === undefined) return true;
    try {
      return set.has(new URL(origin).origin);
    } catch {
      return false;
    }
  };
  return ({ req }, done) => (ok(req.headers.origin) ? done(true) : done(false, 403, 'Forbidden'));
}
