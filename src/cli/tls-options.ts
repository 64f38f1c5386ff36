// The TLS options of the decoding commands: key logs that decrypt wss:// and https://, and the
// TLS layer's bounds; live (capture, tap), key logs followed as they grow.
import { delimiter } from 'node:path';
import { intOption, type OptionSpec, type ParsedArgs } from '../shared/args.js';
import { DEFAULT_KEYLOG_MAX_BYTES, loadKeyLogFiles } from '../wire/tls/keylog-file.js';
import type { TlsOptions } from '../wire/tls/tls-connection.js';
import { DEFAULT_MAX_HANDSHAKE_BYTES } from '../wire/tls/handshake-reassembler.js';
import { DEFAULT_KEY_WAIT_BYTES, DEFAULT_KEY_WAIT_MS, KeyWaiter } from '../wire/tls/key-waiter.js';
import { followKeyLogs, type KeyLogFollower } from '../wire/tls/keylog-follower.js';
import type { KeyLogProblem } from '../wire/tls/keylog-parser.js';
import { safeLine } from '../shared/terminal-text.js';

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
  'keylog-wait': {
    type: 'string',
    value: 'MS',
    description:
      'a new TLS connection whose secrets are not in the key log yet is held this long for them (capture, tap: the key log is re-read every 200 ms; a pcapng file whose secrets follow the handshake: by capture time)',
    default: String(DEFAULT_KEY_WAIT_MS),
  },
  'keylog-wait-bytes': {
    type: 'string',
    value: 'BYTES',
    description: 'bytes held for all the TLS connections waiting for their secrets',
    default: String(DEFAULT_KEY_WAIT_BYTES),
  },
};

/** The TLS layer's options from the command line; key log problems are warned about on stderr. */
export function loadTlsOptions(values: ParsedArgs['values'], quiet: boolean): TlsOptions {
  const options: TlsOptions = {
    maxHandshakeBytes: intOption(values, 'tls-max-handshake-bytes', 16 * 1024, 16 * 1024 * 1024),
    keyWait: keyWaitOptions(values),
  };
  const paths = keylogPaths(values);
  if (paths.length === 0) return options;
  const maxBytes = intOption(values, 'keylog-max-bytes', 1024, 2 ** 32);
  const loaded = loadKeyLogFiles(paths, maxBytes);
  if (!quiet) {
    for (const p of loaded.problems) process.stderr.write(`warning ${p.code}: ${p.message}\n`);
  }
  options.keys = loaded.store;
  return options;
}

function keyWaitOptions(values: ParsedArgs['values']): { maxWaitMs: number; maxBytes: number } {
  return {
    maxWaitMs: intOption(values, 'keylog-wait', 0, 10 * 60 * 1000),
    maxBytes: intOption(values, 'keylog-wait-bytes', 0, 2 ** 32),
  };
}

/** Given on the command line: one file per option; from the environment: a list. */
function keylogPaths(values: ParsedArgs['values']): string[] {
  const raw = values.keylog;
  return (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(delimiter) : []).filter(
    (p) => p !== '',
  );
}

/** The live commands (capture, tap) take the same options. */
export const tlsLiveOptions = tlsReadOptions;

export interface LiveTls {
  /** The TLS layer's options (with the waiter when a key log is followed). */
  tls: TlsOptions;
  /**
   * The key log lines known at start ('' without --keylog), for the first Decryption Secrets
   * Block; given once, then forgotten (a key log may be tens of MB).
   */
  takeInitialLines(): string;
  /** Whether a connection waits for its secrets now. */
  waiting(): boolean;
  /**
   * Starts following the key logs: `onChange(lines)` after each look, with the new lines (maybe
   * ''), once waiting connections that could be were released (hand the decoder's events on).
   */
  follow(onChange: (lines: string) => void): void;
  /** A last look at the key logs, then no more; connections still waiting are released. */
  stop(): void;
}

/** --keylog for capture and tap: loaded at start, then followed as it grows. */
export function loadLiveTlsOptions(values: ParsedArgs['values'], quiet: boolean): LiveTls {
  const keyWait = keyWaitOptions(values);
  const tls: TlsOptions = {
    maxHandshakeBytes: intOption(values, 'tls-max-handshake-bytes', 16 * 1024, 16 * 1024 * 1024),
    keyWait,
  };
  const paths = keylogPaths(values);
  const warn = (p: KeyLogProblem): void => {
    if (!quiet) process.stderr.write(safeLine(`warning ${p.code}: ${p.message}`) + '\n');
  };
  if (paths.length === 0) {
    return {
      tls,
      takeInitialLines: () => '',
      waiting: () => false,
      follow: () => undefined,
      stop: () => undefined,
    };
  }
  const maxBytes = intOption(values, 'keylog-max-bytes', 1024, 2 ** 32);
  const loaded = loadKeyLogFiles(paths, maxBytes, true);
  loaded.problems.forEach(warn);
  const store = loaded.store;
  tls.keys = store;
  const waiter = new KeyWaiter((random) => store.get(random) !== undefined, keyWait);
  tls.waiter = waiter;
  let follower: KeyLogFollower | undefined;
  let onChange = (lines: string): void => void lines;
  return {
    tls,
    takeInitialLines() {
      const lines = loaded.texts.join('');
      loaded.texts = [];
      return lines;
    },
    waiting: () => waiter.size > 0,
    follow(callback) {
      onChange = callback;
      follower = followKeyLogs(paths, store, loaded.offsets, {
        maxBytes,
        onProblem: warn,
        onLines: (lines) => {
          waiter.check();
          onChange(lines);
        },
      });
    },
    stop() {
      follower?.poll();
      follower?.stop();
      follower = undefined;
      // Over: connections still waiting are decoded with what is known (TLS_NO_KEYS otherwise).
      waiter.releaseAll();
    },
  };
}
