import { test } from 'node:test';
import assert from 'node:assert/strict';
import { politeError } from './server-errors.js';

test('known codes get the page own sentence, unknown ones the server message', () => {
  assert.match(politeError('RATE_LIMITED', 'rate limit exceeded'), /too fast/);
  assert.equal(politeError('SOMETHING_NEW', ' the reason '), 'Sorry, that did not work: the reason');
  assert.equal(politeError('SOMETHING_NEW', ''), 'Sorry, that did not work (SOMETHING_NEW).');
});

test('codes that name Object properties are not mistaken for known codes', () => {
  assert.equal(politeError('constructor', ''), 'Sorry, that did not work (constructor).');
  assert.equal(politeError('__proto__', 'x'), 'Sorry, that did not work: x');
});

test('the codes for invisible, look-alike and control characters each get a sentence of their own', () => {
  const codes = [
    'NAME_INVISIBLE',
    'NAME_MIXED_SCRIPTS',
    'NAME_LOOKALIKE',
    'ROOM_INVISIBLE',
    'CONTENT_INVALID',
    'CONTENT_INVISIBLE',
  ];
  const sentences = codes.map((code) => politeError(code, 'server wording'));
  for (const [i, sentence] of sentences.entries()) {
    assert.doesNotMatch(sentence, /server wording|Sorry/, codes[i]);
  }
  assert.equal(new Set(sentences).size, codes.length);
  assert.match(politeError('NAME_MIXED_SCRIPTS', ''), /one alphabet/);
  assert.match(politeError('CONTENT_INVISIBLE', ''), /nothing visible/);
});
