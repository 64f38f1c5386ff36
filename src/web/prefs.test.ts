import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrefs, savePrefs } from './prefs.js';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

test('nickname and room survive a round trip', () => {
  const s = memoryStorage();
  savePrefs(s, { name: 'alice', room: 'lobby' });
  assert.deepEqual(loadPrefs(s), { name: 'alice', room: 'lobby' });
});

test('missing, junk or throwing storage falls back to defaults', () => {
  assert.deepEqual(loadPrefs(undefined), { name: '', room: '1' });
  const junk = memoryStorage();
  junk.setItem('wirechat.prefs', '{not json');
  assert.deepEqual(loadPrefs(junk), { name: '', room: '1' });
  junk.setItem('wirechat.prefs', '{"name":42,"room":"  "}');
  assert.deepEqual(loadPrefs(junk), { name: '', room: '1' });
  const throwing = {
    getItem: () => {
      throw new Error('denied');
    },
    setItem: () => {
      throw new Error('quota');
    },
  };
  assert.deepEqual(loadPrefs(throwing), { name: '', room: '1' });
  assert.doesNotThrow(() => savePrefs(throwing, { name: 'a', room: 'b' }));
});
