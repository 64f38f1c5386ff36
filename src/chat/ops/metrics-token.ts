// `--metrics-token`: checked at startup, so a token that no scraper could send is one line and
// exit 2 rather than a /metrics that answers 401 for ever.
import { UsageError } from '../../shared/errors.js';

/** The characters of an RFC 6750 bearer token (b64token). */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

export function parseMetricsToken(token: string): string {
  if (!TOKEN.test(token)) {
    throw new UsageError('--metrics-token may hold only letters, digits and - . _ ~ + / (then = at the end)');
  }
  if (token.length < 16) throw new UsageError('--metrics-token must be at least 16 characters long');
  return token;
}
