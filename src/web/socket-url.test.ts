import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSocketUrl, socketFromConfig, socketFromQuery } from './socket-url.js';

test('only ws:// and wss:// URLs with a host, no credentials and no fragment are taken', () => {
  assert.equal(parseSocketUrl('ws://127.0.0.1:7273/'), 'ws://127.0.0.1:7273/');
  assert.equal(parseSocketUrl('wss://chat.example.com/ws?x=1'), 'wss://chat.example.com/ws?x=1');
  assert.equal(parseSocketUrl('WS://Example.COM:80'), 'ws://example.com/');
  for (const bad of [
    'javascript:alert(1)',
    'http://127.0.0.1:7272/',
    'https://example.com/',
    'data:text/html,<b>x</b>',
    'file:///etc/passwd',
    '//127.0.0.1:7272/',
    '127.0.0.1:7272',
    'ws://user:pw@example.com/',
    'ws://example.com/#x',
    'ws://example.com/#',
    'ws://',
    'ws://' + 'a'.repeat(3000),
    '',
  ]) {
    assert.equal(parseSocketUrl(bad), undefined, bad);
  }
});

test('?ws= chooses the address; a bad one is reported, never used', () => {
  assert.deepEqual(socketFromQuery('?ws=ws%3A%2F%2F127.0.0.1%3A7273%2F'), {
    kind: 'param',
    url: 'ws://127.0.0.1:7273/',
  });
  assert.deepEqual(socketFromQuery('?ws=javascript:alert(1)'), {
    kind: 'bad-param',
    given: 'javascript:alert(1)',
  });
  assert.deepEqual(socketFromQuery(''), { kind: 'server' });
  assert.deepEqual(socketFromQuery('?room=1&ws='), { kind: 'server' });
});

test("config.json: the advertised URL wins, else the port on the page's host", () => {
  const page = { protocol: 'http:', hostname: '127.0.0.1' };
  assert.equal(socketFromConfig({ wsPort: 7272 }, page), 'ws://127.0.0.1:7272/');
  assert.equal(
    socketFromConfig({ wsPort: 7272 }, { protocol: 'https:', hostname: 'a.b' }),
    'wss://a.b:7272/',
  );
  assert.equal(
    socketFromConfig({ wsPort: 7272 }, { protocol: 'http:', hostname: '::1' }),
    'ws://[::1]:7272/',
  );
  assert.equal(
    socketFromConfig({ wsPort: 7272, wsUrl: 'ws://127.0.0.1:7273/' }, page),
    'ws://127.0.0.1:7273/',
  );
  assert.throws(() => socketFromConfig({ wsPort: 7272, wsUrl: 'http://evil/' }, page), /wsUrl/);
  assert.throws(() => socketFromConfig({ wsPort: 0 }, page), /wsPort/);
  assert.throws(() => socketFromConfig(null, page), /wsPort/);
});
