import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mentionsMe, splitText } from './rich-text.js';

test('http and https URLs become links, with trailing punctuation left out', () => {
  assert.deepEqual(splitText('see https://example.org/a?b=1, then http://x.test.'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
    { kind: 'text', text: ', then ' },
    { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
    { kind: 'text', text: '.' },
  ]);
});

test('no other scheme becomes a link, and markup stays text', () => {
  for (const text of [
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    'ftp://x.test/f',
    '<a href="x">y</a>',
  ]) {
    assert.ok(
      splitText(text).every((p) => p.kind === 'text'),
      text,
    );
    assert.equal(
      splitText(text)
        .map((p) => p.text)
        .join(''),
      text,
    );
  }
});

test('@name mentions the reader, case-insensitively, never inside a longer word or address', () => {
  assert.equal(mentionsMe('hi @Carol!', 'carol'), true);
  assert.equal(mentionsMe('hi @carolyn', 'carol'), false);
  assert.equal(mentionsMe('mail carol@carol.test', 'carol'), false);
  assert.equal(mentionsMe('hi @carol', undefined), false);
  assert.deepEqual(splitText('@carol look', 'Carol'), [
    { kind: 'mention', text: '@carol' },
    { kind: 'text', text: ' look' },
  ]);
});
