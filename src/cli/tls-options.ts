// The TLS options of the decoding commands: key logs that decrypt wss:// and https://, and the
// TLS layer's bounds.
import { delimiter } from 'node:path';
import { intOption, type OptionSpec, type ParsedArgs } from '../shared/args.js';
import { DEFAULT_KEYLOG_MAX_BYTES, loadKeyLogFiles } from '../wire/tls/keylog-file.js';
import type { TlsOptions } from '../wire/tls/tls-connection.js';
import { DEFAULT_MAX_HANDSHAKE_BYTES } from '../wire/tls/handshake-reassembler.js';

export const tlsReadOptions: Record<string, OptionSpec> = {
  keylog: {
    type: 'string',
    value: 'FILE',
    multiple: true,
    env: 'WIRECHAT_KEYLOG',
    description: `TLS key log that decrypts TLS (NSS format, as SSLKEYLOGFILE writes; repeatable; the env var: a '${delimiter}'-separated list)`,
  },
  'keylog-max-bytes': {
    type: 'string',
    value: 'BYTES',
    description: 'read at most this much of each key log',
    default: String(DEFAULT_KEYLOG_MAX_BYTES),
  },
  'tls-max-handshake-bytes': {
    type: 'string',
    value: 'BYTES',
    description: 'largest TLS handshake message reassembled (certificate chains)',
    default: String(DEFAULT_MAX_HANDSHAKE_BYTES),
  },
};

/** The TLS layer's options from the command line; key log problems are warned about on stderr. */
export function loadTlsOptions(values: ParsedArgs['values'], quiet: boolean): TlsOptions {
  const options: TlsOptions = {
    maxHandshakeBytes: intOption(values, 'tls-max-handshake-bytes', 16 * 1024, 16 * 1024 * 1024),
  };
  const raw = values.keylog;
  // Given on the command line: one file per option; from the environment: a list.
  const paths = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(delimiter) : []).filter(
    (p) => p !== '',
  );
  if (paths.length === 0) return options;
  const maxBytes = intOption(values, 'keylog-max-bytes', 1024, 2 ** 32);
  const loaded = loadKeyLogFiles(paths, maxBytes);
  if (!quiet) {
    for (const p of loaded.problems) process.stderr.write(`warning ${p.code}: ${p.message}\n`);
  }
  options.keys = loaded.store;
  return options;
}
