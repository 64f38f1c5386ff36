// `npm start` / `wirechat serve` at a terminal says where the page is, in one readable line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../shared/free-port.js';
import { projectRoot } from '../shared/paths.js';
import { browserHost, serveBanner } from './serve-banner.js';

const haveScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

test('the banner names the page and the WebSocket with a host a browser can open', () => {
  assert.equal(
    serveBanner('0.0.0.0', { wsPort: 7272, webPort: 55151 }),
    'wirechat: open http://127.0.0.1:55151/ (chat WebSocket on ws://127.0.0.1:7272/); Ctrl-C stops',
  );
  assert.equal(browserHost('::1'), '[::1]');
  assert.equal(browserHost('10.0.0.5'), '10.0.0.5');
});

test(
  'serve on a terminal prints the page URL line next to its JSON logs',
  { skip: !haveScript && 'needs script(1) from util-linux for a terminal' },
  async () => {
    const [wsPort, webPort] = [await freePort(), await freePort()];
    const cmd = [
      process.execPath,
      join(projectRoot, 'bin', 'wirechat.js'),
      'serve',
      '--host',
      '127.0.0.1',
      '--ws-port',
      String(wsPort),
      '--web-port',
      String(webPort),
      '--workers',
      '1',
    ].join(' ');
    // script(1) gives the server a terminal, as `npm start` in a shell has.
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL line within 20 s: ${out}`)), 20_000);
      child.stdout.on('data', (s: string) => {
        out += s;
        if (out.includes('Ctrl-C stops')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    try {
      await seen;
      assert.ok(
        out.includes(
          `wirechat: open http://127.0.0.1:${webPort}/ (chat WebSocket on ws://127.0.0.1:${wsPort}/)`,
        ),
        out,
      );
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  },
);
