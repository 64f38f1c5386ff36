// What may reach a terminal: every character that could drive it or disguise text is escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeLine, safeText } from './terminal-text.js';

test('safeText: controls, separators and bidi characters become visible escapes; text stays', () => {
  const table: Array<[string, string]> = [
    ['plain ünïcødé 猪猪 ✓', 'plain ünïcødé 猪猪 ✓'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
    ['\x1b]0;title\x07\x1b[2J', '\\x1b]0;title\\x07\\x1b[2J'],
    ['over\rwrite', 'over\\rwrite'],
    ['\x00\x08\x0b\x0c\x1f\x7f', '\\x00\\x08\\x0b\\x0c\\x1f\\x7f'],
    ['c1 \x85 \x9b[31m \x9f', 'c1 \\x85 \\x9b[31m \\x9f'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
    ['\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
  ];
  for (const [input, shown] of table) assert.equal(safeText(input), shown, JSON.stringify(input));
});

test('safeLine: one line, the newline escaped too', () => {
  assert.equal(safeLine('a\nb\x1b'), 'a\\nb\\x1b');
});
