import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../shared/errors.js';
import { parseNodeOptions } from './serve-options.js';

const parse = (extra: Record<string, string>) =>
  parseNodeOptions({ history: '100', 'metrics-min-interval': '1', ...extra });

test('--public-ws-url takes ws:// and wss:// URLs only, one clear line otherwise', () => {
  assert.equal(parse({ 'public-ws-url': 'ws://127.0.0.1:7273' }).publicWsUrl, 'ws://127.0.0.1:7273/');
  assert.equal(
    parse({ 'public-ws-url': 'wss://chat.example.com/ws' }).publicWsUrl,
    'wss://chat.example.com/ws',
  );
  assert.equal(parse({}).publicWsUrl, undefined);
  for (const bad of [
    'http://127.0.0.1:7273/',
    'javascript:alert(1)',
    '127.0.0.1:7273',
    'ws://u:p@h/',
    'ws://h/#x',
    'ws://h/#',
  ]) {
    assert.throws(
      () => parse({ 'public-ws-url': bad }),
      (err: unknown) =>
        err instanceof UsageError && /--public-ws-url/.test(err.message) && !err.message.includes('\n'),
      bad,
    );
  }
});
