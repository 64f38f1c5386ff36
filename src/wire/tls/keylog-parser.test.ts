// The NSS key log: every label is read into the KeyStore by client random; bad lines are
// reported with their line number and skipped; the limits hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_LABELS, KeyStore } from './key-store.js';
import { parseKeyLog } from './keylog-parser.js';

const RANDOM = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

test('all eight labels are stored under their client random; comments and blank lines are skipped', () => {
  const lines = KEY_LABELS.map(
    (label, i) =>
      `${label} ${RANDOM} ${(i + 1)
        .toString(16)
        .padStart(2, '0')
        .repeat(label === 'CLIENT_RANDOM' ? 48 : 32)}`,
  );
  const text = ['# SSL/TLS secrets log file', '', ...lines, `CLIENT_RANDOM ${OTHER} ${'ee'.repeat(48)}`].join(
    '\r\n',
  );
  const store = new KeyStore();
  const result = parseKeyLog(text, store, 'keys.log');
  assert.equal(result.secrets, 9);
  assert.deepEqual(result.problems, []);
  const secrets = store.get(Buffer.from(RANDOM, 'hex'));
  assert.deepEqual(Object.keys(secrets ?? {}).sort(), [...KEY_LABELS].sort());
  assert.equal(secrets?.SERVER_TRAFFIC_SECRET_0?.toString('hex'), '06'.repeat(32));
  assert.equal(store.get(Buffer.from(OTHER, 'hex'))?.CLIENT_RANDOM?.length, 48);
  assert.equal(store.get(Buffer.alloc(32)), undefined);
});

test('bad lines are reported with their number and skipped; the good ones still count', () => {
  const text = [
    `CLIENT_RANDOM ${RANDOM} ${'11'.repeat(48)}`,
    'NOT_A_LABEL 00 11',
    `CLIENT_TRAFFIC_SECRET_0 ${RANDOM.slice(2)} ${'22'.repeat(32)}`,
    `SERVER_TRAFFIC_SECRET_0 ${RANDOM} xyz`,
    `CLIENT_RANDOM ${RANDOM} ${'11'.repeat(32)}`,
    'just words',
    `SERVER_TRAFFIC_SECRET_0 ${OTHER} ${'33'.repeat(32)}`,
  ].join('\n');
  const store = new KeyStore();
  const result = parseKeyLog(text, store, 'keys.log');
  assert.equal(result.secrets, 2);
  assert.equal(result.badLines, 5);
  assert.deepEqual(
    result.problems.map((p) => [p.code, p.line]),
    [
      ['KEYLOG_BAD_LINE', 2],
      ['KEYLOG_BAD_LINE', 3],
      ['KEYLOG_BAD_LINE', 4],
      ['KEYLOG_BAD_LINE', 5],
      ['KEYLOG_BAD_LINE', 6],
    ],
  );
  assert.match(result.problems[0]!.message, /^keys\.log line 2: unknown label/);
});

test('limits: long lines, the line count, reported problems and the sessions kept are bounded', () => {
  const store = new KeyStore(2);
  const many = Array.from(
    { length: 5 },
    (_, i) => `CLIENT_RANDOM ${i.toString(16).padStart(64, '0')} ${'11'.repeat(48)}`,
  );
  const text = ['x'.repeat(2000), ...Array.from({ length: 30 }, () => 'bad'), ...many].join('\n');
  const result = parseKeyLog(text, store, 'k', { maxLineBytes: 1024, maxReportedProblems: 3 });
  assert.equal(result.badLines, 31);
  assert.match(result.problems[0]!.message, /longer than 1024 bytes/);
  assert.equal(result.problems.filter((p) => p.line > 0).length, 3);
  assert.ok(result.problems.some((p) => /28 more bad lines/.test(p.message)));
  assert.equal(store.size, 2);
  assert.ok(result.problems.some((p) => p.code === 'KEYLOG_LIMIT' && /3 secrets dropped/.test(p.message)));
  const capped = parseKeyLog(many.join('\n'), new KeyStore(), 'k', { maxLines: 2 });
  assert.equal(capped.secrets, 2);
  assert.equal(capped.problems[0]?.code, 'KEYLOG_LIMIT');
});
