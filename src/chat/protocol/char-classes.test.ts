// Names, rooms and texts that cannot deceive: every refused input with its code, the real names
// and texts that must stay accepted, and the one canonical form of names and room ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCEPTED_NAMES,
  ACCEPTED_TEXTS,
  REFUSED_NAMES,
  REFUSED_ROOMS,
  REFUSED_TEXTS,
} from '../../testing/chat/text-cases.js';
import { isProtocolError } from './errors.js';
import {
  canonicalRoom,
  checkContent,
  checkName,
  checkRoom,
  checkUnicodeContent,
  checkUnicodeName,
} from './validate.js';

const limits = { maxName: 32, maxContent: 4000 };
const show = (s: string) =>
  JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
const codeOf = (value: unknown) => (isProtocolError(value) ? value.code : 'ACCEPTED');

test('refused names, each with its code', () => {
  for (const [name, code] of REFUSED_NAMES) {
    assert.equal(codeOf(checkName(name, 'name', limits)), code, show(name));
  }
});

test('real names in many scripts pass, in their NFKC form', () => {
  for (const [name, kept] of ACCEPTED_NAMES) assert.equal(checkName(name, 'name', limits), kept, show(name));
});

test('refused room ids, each with its code', () => {
  for (const [room, code] of REFUSED_ROOMS) {
    assert.equal(codeOf(checkRoom(room, 'room', false)), code, show(room));
  }
});

test('room ids: one canonical form (NFKC, trimmed, digits without leading zeros)', () => {
  for (const given of ['1', '01', '001', ' 1', '1 ', '\uff11', '\uff10\uff11', '\u30001']) {
    assert.equal(checkRoom(given, 'room', false), '1', show(given));
  }
  assert.equal(checkRoom(1, 'room_id', true), '1');
  assert.equal(checkRoom(1.0, 'room_id', true), '1');
  assert.equal(checkRoom('0', 'room', false), '0');
  assert.equal(checkRoom('000', 'room', false), '0');
  assert.equal(checkRoom('10', 'room', false), '10');
  assert.equal(checkRoom(' Lobby ', 'room', false), 'Lobby');
  assert.equal(checkRoom('\uff2c\uff4f\uff42\uff42\uff59', 'room', false), 'Lobby');
  // Only a room made of digits loses its zeros: these are names, kept as given.
  assert.equal(canonicalRoom('01a'), '01a');
  assert.equal(canonicalRoom('-01'), '-01');
  assert.equal(canonicalRoom('1.0'), '1.0');
  // A long run of zeros is one room id, not past the length bound.
  assert.equal(checkRoom('0'.repeat(100) + '7', 'room', false), '7');
});

test('refused texts, each with its code', () => {
  for (const [text, code] of REFUSED_TEXTS) {
    assert.equal(codeOf(checkContent(text, 'text', limits)), code, show(text));
  }
});

test('texts with emoji sequences, line breaks and right-to-left scripts pass unchanged', () => {
  for (const text of ACCEPTED_TEXTS) assert.equal(checkContent(text, 'text', limits), text, show(text));
});

test('plain ASCII names and texts take a short path that agrees with every rule', () => {
  const tight = { maxName: 8, maxContent: 12 };
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = ' \t\nab Z09~!<>&"\'\\/';
  const samples = ['', ' ', '  x  ', 'alice', ' alice ', 'a'.repeat(8), 'a'.repeat(9), ' '.repeat(20) + 'b'];
  for (let i = 0; i < 2000; i++) {
    samples.push(
      Array.from(
        { length: Math.floor(random() * 16) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join(''),
    );
  }
  for (const s of samples) {
    for (const limit of [limits, tight]) {
      assert.deepEqual(checkName(s, 'name', limit), checkUnicodeName(s, limit), show(s));
      assert.deepEqual(checkContent(s, 'text', limit), checkUnicodeContent(s, limit), show(s));
    }
  }
});
