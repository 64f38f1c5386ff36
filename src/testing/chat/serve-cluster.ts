// For tests: `wirechat serve --workers N` as a user starts it (the real binary, free ports on
// 127.0.0.1), with its JSON log lines collected so that tests can wait for one.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../shared/free-port.js';
import { projectRoot } from '../../shared/paths.js';

const BIN = join(projectRoot, 'bin', 'wirechat.js');
export type Json = Record<string, unknown>;

export async function serveCluster(workers: number, env: Record<string, string> = {}) {
  const [wsPort, webPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--ws-port', String(wsPort), '--web-port', String(webPort)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        WIRECHAT_WORKERS: String(workers),
        WIRECHAT_RATE: '100000',
        WIRECHAT_ADDRESS_RATE: '0',

        WIRECHAT_LOG_LEVEL: '',
        ...env,
      },
    },
  );
  const lines: Json[] = [];
  let buffered = '';
  let wake = () => {};
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) lines.push(JSON.parse(line) as Json);
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** The first log line matching, waiting for it (generous guard against hangs only). */
  const logLine = async (match: (line: Json) => boolean): Promise<Json> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = lines.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such log line in:\n${JSON.stringify(lines)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  await logLine((l) => l.msg === 'wirechat listening' && l.workers === workers);
  return { child, wsPort, webPort, lines, logLine, exited };
}
