import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { WIRE_PROBLEM_CODES, WIRE_PROBLEMS } from './problem-codes.js';

/** The rows of docs/jsonl.md's "Problem codes" table: code → severity. */
function documentedCodes(): Map<string, string> {
  const doc = readFileSync(join(projectRoot, 'docs', 'jsonl.md'), 'utf8');
  const start = doc.indexOf('\n## Problem codes\n');
  assert.ok(start >= 0, 'docs/jsonl.md has a "Problem codes" section');
  const end = doc.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of doc.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (m) {
      assert.ok(!rows.has(m[1]!), `${m[1]} listed twice in docs/jsonl.md`);
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

test('every problem code is in docs/jsonl.md with its severity, and the doc lists no other', () => {
  const documented = documentedCodes();
  for (const code of WIRE_PROBLEM_CODES) {
    assert.ok(documented.has(code), `${code} is missing from docs/jsonl.md's problem codes`);
    assert.equal(documented.get(code), WIRE_PROBLEMS[code].severity, `severity of ${code}`);
  }
  for (const code of documented.keys()) {
    assert.ok(code in WIRE_PROBLEMS, `docs/jsonl.md lists ${code}, which no problem carries`);
  }
});

test('problem codes are SNAKE_CASE, each with a condition of its own', () => {
  const conditions = new Set<string>();
  for (const code of WIRE_PROBLEM_CODES) {
    assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    const { condition } = WIRE_PROBLEMS[code];
    assert.ok(condition.length > 10, `${code} names its condition`);
    assert.ok(!conditions.has(condition), `${code} shares its condition with another code`);
    conditions.add(condition);
  }
});
