// Shared by the one-process attack scripts: `wirechat serve` on 127.0.0.1 and two free ports, with
// the given number of workers and otherwise its defaults (extra options through the environment).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../dist/shared/free-port.js';

const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'wirechat.js');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server; resolves with the child process and its ports (it is ready a moment later). */
export async function startServer(workers) {
  const [wsPort, webPort] = [await freePort(), await freePort()];
  const args = ['serve', '--workers', String(workers), '--host', '127.0.0.1'];
  args.push('--ws-port', String(wsPort), '--web-port', String(webPort));
  const server = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  return { server, wsPort, webPort };
}
