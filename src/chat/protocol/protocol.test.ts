// Pure pieces of the dialects: PHP-style JSON, HTML escaping, times, ids, dialect detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUserId } from '../hub/ids.js';
import { detectDialect, parseFrame } from './dialects.js';
import { htmlContent } from './html.js';
import { phpJson } from './php-json.js';
import { formatPhpTime } from './time.js';

test('phpJson escapes / and non-ASCII like PHP json_encode, astral characters as surrogate pairs', () => {
  assert.equal(phpJson({ name: '猪猪', c: '</b>' }), '{"name":"\\u732a\\u732a","c":"<\\/b>"}');
  assert.equal(phpJson('😀'), '"\\ud83d\\ude00"');
  assert.equal(JSON.parse(phpJson({ s: 'a/é😀"\\' })).s, 'a/é😀"\\');
});

test('content is escaped like htmlspecialchars(ENT_QUOTES) + nl2br', () => {
  assert.equal(
    htmlContent(`<a href="x">'&'</a>\nb\r\nc`),
    '&lt;a href=&quot;x&quot;&gt;&#039;&amp;&#039;&lt;/a&gt;<br />\nb<br />\r\nc',
  );
});

test('times are complete Y-m-d H:i:s in local time', () => {
  const t = new Date(2014, 7, 12, 7, 5, 3).getTime();
  assert.equal(formatPhpTime(t), '2014-08-12 07:05:03');
});

test('user ids are 16-digit safe integers and differ', () => {
  const ids = new Set(Array.from({ length: 1000 }, randomUserId));
  assert.equal(ids.size, 1000);
  for (const id of ids) {
    assert.ok(Number.isSafeInteger(id));
    assert.match(String(id), /^\d{16}$/);
  }
});

test('the first login chooses the dialect', () => {
  const detect = (text: string) => detectDialect(parseFrame(text) as Record<string, unknown>)?.dialect;
  assert.equal(detect('{"type":"login","name":"a"}'), 'seed');
  assert.equal(detect('{"type":"login","client_name":"a","room_id":1}'), 'workerman');
  assert.equal(detect('{"type":"join","name":"a","room":"1"}'), 'native');
  assert.equal(detect('{"type":"say"}'), undefined);
  assert.equal(detect('{"type":"login"}'), undefined);
});
