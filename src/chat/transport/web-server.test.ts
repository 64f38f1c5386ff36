// The page's web server on a temporary folder: files with their types, config.json with the
// WebSocket port, security headers, and no way out of the folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../../testing/chat/chat-client.js';

function get(port: number, path: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      // node:http sends the path as given (no normalisation), as a hostile client would.
      const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

test('serves the page folder with types, config.json and security headers, and nothing outside it', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'wirechat-web-'));
  const root = join(parent, 'web');
  mkdirSync(join(root, 'css'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>chat</title>');
  writeFileSync(join(root, 'app.js'), 'export {};');
  writeFileSync(join(root, 'css', 'page.css'), 'body{}');
  writeFileSync(join(parent, 'secret.txt'), 'do not serve');
  const server = await startTestServer({ webRoot: root });
  try {
    const index = await get(server.webPort, '/');
    assert.equal(index.status, 200);
    assert.equal(index.body, '<!doctype html><title>chat</title>');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    const csp = String(index.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self' ws: wss:/);

    assert.equal(
      (await get(server.webPort, '/app.js')).headers['content-type'],
      'text/javascript; charset=utf-8',
    );
    assert.equal(
      (await get(server.webPort, '/css/page.css')).headers['content-type'],
      'text/css; charset=utf-8',
    );
    const config = await get(server.webPort, '/config.json');
    assert.deepEqual(JSON.parse(config.body), { wsPort: server.wsPort });
    assert.match(String(config.headers['content-type']), /^application\/json/);

    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/css/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const res = await get(server.webPort, path);
      assert.equal(res.status, 404, path);
      assert.ok(!res.body.includes('do not serve'), path);
    }
    assert.equal((await get(server.webPort, '/missing.html')).status, 404);
    assert.equal((await get(server.webPort, '/css')).status, 404);
    assert.equal((await get(server.webPort, '/%00')).status, 404);
    assert.equal((await get(server.webPort, '/%zz')).status, 400);
    assert.equal((await get(server.webPort, '/', 'POST')).status, 405);
    const head = await get(server.webPort, '/app.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  } finally {
    await server.close();
  }
});

test('the WebSocket port answers plain HTTP with 426 Upgrade Required', async () => {
  const server = await startTestServer();
  try {
    assert.equal((await get(server.wsPort, '/')).status, 426);
  } finally {
    await server.close();
  }
});
