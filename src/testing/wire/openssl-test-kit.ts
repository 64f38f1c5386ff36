// Test support: OpenSSL's own s_server and s_client (which can send KeyUpdate and 0-RTT data,
// which node cannot), through the recording relay, with their -keylogfile.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../shared/free-port.js';
import { startRecordingRelay, type Chunk, type TestCertificate } from './tls-test-kit.js';

export interface OpensslLab {
  dir: string;
  /** The relay in front of s_server: connect clients here. */
  port: number;
  chunks: Chunk[];
  /** Runs s_client with `args`; `input` steps are text to type or milliseconds to wait. */
  client(args: string[], input: Array<string | number>): Promise<void>;
  /** The key log both programs wrote. */
  keylog(): string;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startOpensslLab(cert: TestCertificate, serverArgs: string[]): Promise<OpensslLab> {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-openssl-'));
  writeFileSync(join(dir, 'cert.pem'), cert.cert);
  writeFileSync(join(dir, 'key.pem'), cert.key);
  const port = await freePort();
  const server: ChildProcess = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      String(port),
      '-cert',
      'cert.pem',
      '-key',
      'key.pem',
      '-keylogfile',
      'server.keys',
    ].concat(['-quiet', ...serverArgs]),
    { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  server.stdout?.resume();
  server.stderr?.resume();
  // Wait until it accepts connections (the probe is a connection it drops at once).
  for (let i = 0; i < 100 && !(await accepts(port)); i++) await sleep(50);
  const relay = await startRecordingRelay(port);
  return {
    dir,
    port: relay.port,
    chunks: relay.chunks,
    async client(args, input) {
      const child = spawn(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${relay.port}`, '-keylogfile', 'client.keys', ...args],
        {
          cwd: dir,
          stdio: ['pipe', 'ignore', 'ignore'],
        },
      );
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      for (const step of input) {
        if (typeof step === 'number') await sleep(step);
        else child.stdin?.write(step);
      }
      child.stdin?.end();
      await Promise.race([closed, sleep(5000)]);
      child.kill();
      await sleep(50);
    },
    keylog() {
      return ['server.keys', 'client.keys']
        .map((f) => join(dir, f))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    },
    stop() {
      server.kill();
      relay.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True once a TCP connection to the port opens (it is closed at once). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
