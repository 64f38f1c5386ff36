// Origins compared exactly (scheme, host, port): a table of Origin headers against an allow-list,
// allow-list entries normalised or refused with one clear line, and the user-name trick refused
// with 403 by a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { UsageError } from '../../shared/errors.js';
import { startTestServer } from '../../testing/chat/chat-client.js';
import { originAllowed, parseOriginList } from './origin.js';

const ALLOWED = new Set(
  parseOriginList('https://chat.example.com, http://localhost:55151, http://[::1]:8080'),
);

const HEADERS: [string | undefined, boolean][] = [
  ['https://chat.example.com', true],
  ['https://chat.example.com:443', true], // default port
  ['HTTPS://CHAT.EXAMPLE.COM', true], // scheme and host are case-insensitive
  ['http://localhost:55151', true],
  ['http://[::1]:8080', true],
  [undefined, true], // no Origin: not a browser, carries no victim's cookies
  ['https://evil.com@chat.example.com', false], // user-name trick
  ['https://chat.example.com@evil.com', false],
  ['https://chat.example.com.evil.com', false],
  ['https://evil.chat.example.com', false],
  ['https://chat.example.com.', false], // trailing dot: another host name
  ['http://chat.example.com', false], // scheme
  ['https://chat.example.com:8443', false], // port
  ['https://chat.example.com:0443', false], // not a serialised origin
  ['http://localhost', false],
  ['http://localhost:55152', false],
  ['https://chat.example.com/', false], // an Origin header has no path
  ['https://chat.example.com/path', false],
  ['https://chat.example.com?x=1', false],
  ['https://chat.example.com#x', false],
  ['https://chat.example.com\\@evil.com', false],
  ['https://chat.example.com %20', false],
  ['null', false],
  ['', false],
  ['chat.example.com', false],
  ['ws://chat.example.com', false],
];

test('Origin headers against an allow-list: exact scheme, host and port', () => {
  for (const [origin, ok] of HEADERS) assert.equal(originAllowed(ALLOWED, origin), ok, String(origin));
  assert.equal(originAllowed(new Set(['*']), 'https://evil.com'), true);
});

test('allow-list entries are normalised; paths and user names are refused with one clear line', () => {
  assert.deepEqual(
    parseOriginList('HTTPS://Chat.Example.COM:443/, http://a.example:80, https://b.example:8443, *'),
    ['https://chat.example.com', 'http://a.example', 'https://b.example:8443', '*'],
  );
  assert.deepEqual(parseOriginList('https://bücher.example'), ['https://xn--bcher-kva.example']);
  const refused: [string, RegExp][] = [
    ['https://user@chat.example.com', /user name is not part of an origin/],
    ['https://user:pw@chat.example.com', /user name/],
    ['https://chat.example.com/app', /path, query or fragment/],
    ['https://chat.example.com?x', /path, query or fragment/],
    ['ftp://chat.example.com', /not an origin like https:\/\/chat\.example\.com/],
    ['chat.example.com', /not an origin/],
    ['https://chat.example.com:99999', /not an origin/],
    [' , ', /needs at least one origin/],
  ];
  for (const [entry, message] of refused) {
    assert.throws(
      () => parseOriginList(entry),
      (err: unknown) => err instanceof UsageError && message.test(err.message) && !err.message.includes('\n'),
      entry,
    );
  }
});

test('a real server refuses the user-name trick with 403 and lets the listed origin in', async () => {
  const server = await startTestServer({ allowOrigins: parseOriginList('https://chat.example.com') });
  try {
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}/`, { origin });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('error', () => {});
      });
    assert.equal(await status('https://evil.com@chat.example.com'), 403);
    assert.equal(await status('https://chat.example.com:443'), 101);
    assert.equal(await status('https://chat.example.com'), 101);
  } finally {
    await server.close();
  }
});
