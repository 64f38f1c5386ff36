// `serve --tls-keylog FILE`: the server's TLS session secrets appended to FILE in the NSS key log
// format (Node's 'keylog' event gives whole lines), so an operator can decrypt their own wss://
// traffic with `wirechat read --keylog FILE`. The file is created readable by its owner only and
// never truncated; every line is one write to a file opened for appending, so processes sharing
// it (--workers) never cut each other's lines.
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import { UserError } from '../../shared/errors.js';

export interface TlsKeyLog {
  readonly path: string;
  /** true when the file existed with permissions for others than its owner. */
  readonly readableByOthers: boolean;
  write(line: Buffer): void;
  close(): void;
}

/** The warning logged at start: anyone who can read the file can decrypt the traffic. */
export const TLS_KEYLOG_WARNING =
  'TLS session secrets are written to the key log file: anyone who can read it can decrypt this server’s wss:// and https:// traffic; use it only to debug';

/** Opens (creates 0600) the key log; with a logger, warns that the file decrypts the traffic. */
export function openTlsKeyLog(path: string, log?: Logger): TlsKeyLog {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(
      `cannot open the TLS key log '${path}' for appending (${code})`,
      'TLS_KEYLOG_UNWRITABLE',
      2,
    );
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new UserError(`the TLS key log '${path}' is not a regular file`, 'TLS_KEYLOG_UNWRITABLE', 2);
  }
  const readableByOthers = (stat.mode & 0o077) !== 0;
  log?.warn({ tlsKeylog: path, readableByOthers }, TLS_KEYLOG_WARNING);
  let open = true;
  let failed = false;
  return {
    path,
    readableByOthers,
    write(line) {
      if (!open || failed) return;
      try {
        // Node's lines end with a newline; one write keeps a line whole among several writers.
        writeSync(fd, line[line.length - 1] === 10 ? line : Buffer.concat([line, Buffer.from('\n')]));
      } catch (err) {
        // A full disk must not take the server down; the log says the key log stopped.
        failed = true;
        const code = (err as NodeJS.ErrnoException).code;
        log?.error(
          { tlsKeylog: path, code },
          'cannot append to the TLS key log: no more secrets are written',
        );
      }
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
