import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initial, shortTime, userHue } from './format.js';

test('times show the hour for today and the day otherwise', () => {
  const now = new Date(2024, 2, 3, 18, 0).getTime();
  assert.equal(shortTime(new Date(2024, 2, 3, 9, 5).getTime(), now), '09:05');
  assert.match(shortTime(new Date(2024, 2, 1, 23, 59).getTime(), now), /^1 \S+ 23:59$/);
});

test('initials keep whole characters and never come out empty', () => {
  assert.equal(initial('alice'), 'A');
  assert.equal(initial('  bob'), 'B');
  assert.equal(initial('😀 smile'), '😀');
  assert.equal(initial('   '), '?');
});

test('a user keeps one colour, and colours spread', () => {
  assert.equal(userHue('123'), userHue('123'));
  const hues = new Set(['1', '2', '3', '4', '5', '6', '7', '8'].map(userHue));
  assert.ok(hues.size >= 6);
  for (const h of hues) assert.ok(h >= 0 && h < 360);
});
