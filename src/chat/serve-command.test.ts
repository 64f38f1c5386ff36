// `wirechat serve` as a user runs it: a real process, SIGTERM closes every client with 1001 and
// exits 0; a port in use or a bad option is one line on stderr and exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../shared/free-port.js';
import { projectRoot } from '../shared/paths.js';
import { openClient } from '../testing/chat/chat-client.js';

const BIN = join(projectRoot, 'bin', 'wirechat.js');

function serve(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WIRECHAT_LOG_LEVEL: '' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const listening = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('wirechat listening')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, listening, exited, stderr: () => stderr };
}

test('SIGTERM closes every client with 1001 and exits 0; logs are JSON lines on stderr', async () => {
  const [wsPort, webPort] = [await freePort(), await freePort()];
  const server = serve(['--ws-port', String(wsPort), '--web-port', String(webPort)]);
  try {
    await Promise.race([server.listening, server.exited]);
    const a = await openClient(wsPort, 'a');
    a.send({ type: 'login', client_name: 'ann', room_id: 1 });
    await a.nextJson();
    const b = await openClient(wsPort, 'b');
    b.send({ type: 'join', name: 'bob', room: '1' });
    await b.nextJson();
    server.child.kill('SIGTERM');
    assert.equal((await a.closed).code, 1001);
    assert.equal((await b.closed).code, 1001);
    assert.equal(await server.exited, 0);
    for (const line of server.stderr().trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.match(server.stderr(), /"msg":"login"/);
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('a port in use is one clear line and exit code 2', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as { port: number }).port;
  try {
    const server = serve(['--ws-port', String(busy), '--web-port', '0']);
    assert.equal(await server.exited, 2);
    const lines = server.stderr().trim().split('\n');
    assert.equal(lines.length, 1, server.stderr());
    assert.match(lines[0]!, new RegExp(`^wirechat serve: .*port ${busy} is already in use`));
  } finally {
    blocker.close();
  }
});

test('a bad option or value is one line and exit code 2', async () => {
  const cases = [
    ['--nope'],
    ['--ws-port', 'x'],
    ['--rate', '0'],
    ['--log-level', 'loud'],
    ['--max-connections', '0'],
    ['--login-timeout', 'soon'],
    ['--address-rate=-1'],
    ['--header-timeout', '0'],
  ];
  for (const args of cases) {
    const server = serve(args);
    assert.equal(await server.exited, 2, args.join(' '));
    assert.equal(server.stderr().trim().split('\n').length, 1, server.stderr());
    assert.doesNotMatch(server.stderr(), /\n\s+at /);
  }
});
