// Fuzzing the whole decoder with mutated real captures (bit flips, truncations, splices, odd
// chunkings) for a bounded time: no exception, no hang, bounded output.
//
// Every input that ever broke it joins the golden table, for ever: saveCrasher() writes it to
// test-data/fixtures/crashers/<sha256 prefix>.pcap and appends its row to test-data/golden/TESTLIST
// (expected output crashers/<same>.jsonl). Commit both; once the crash is fixed, record the
// output with WIRECHAT_UPDATE_GOLDEN=1 (golden.test.ts), and from then on the golden test holds
// it. This test also replays every kept crasher first, in every view and at odd chunkings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { decodeBytes, fixture } from '../testing/wire/e2e-test-kit.js';
import { createTextRenderer } from './render/text.js';
import { createTcpdumpRenderer } from './render/tcpdump.js';
import { renderJsonl } from './render/jsonl.js';
import { WIRE_PROBLEMS } from './problem-codes.js';

const crashersDir = join(projectRoot, 'test-data', 'fixtures', 'crashers');
const testList = join(projectRoot, 'test-data', 'golden', 'TESTLIST');
/** Fuzzing time per run; WIRECHAT_FUZZ_SECONDS raises it for a long hunt. */
const BUDGET_MS = Number(process.env.WIRECHAT_FUZZ_SECONDS ?? 15) * 1000;

const seeds = [
  'workerman-2014-seed-session.pcap',
  'workerman-current-session.pcap',
  'ws-midstream-deflate.pcap',
  'ws-midstream-plain.pcap',
  'ws-echo-lo.pcap',
  'ws-echo-any-dumpcap.pcapng',
].map((n) => readFileSync(fixture(n)));

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mutate(r: () => number): Buffer {
  const pick = (): Buffer => seeds[Math.floor(r() * seeds.length)]!;
  const base = Buffer.from(pick());
  const kind = Math.floor(r() * 5);
  if (kind === 0 || kind === 4) {
    // Bit flips, some in the first bytes where the headers are.
    const flips = 1 + Math.floor(r() * 16);
    for (let i = 0; i < flips; i++) {
      const at = r() < 0.3 ? Math.floor(r() * Math.min(200, base.length)) : Math.floor(r() * base.length);
      base[at]! ^= 1 << Math.floor(r() * 8);
    }
  }
  if (kind === 1) return base.subarray(0, Math.floor(r() * base.length));
  if (kind === 2) {
    const other = pick();
    const from = Math.floor(r() * other.length);
    const at = Math.floor(r() * base.length);
    return Buffer.concat([
      base.subarray(0, at),
      other.subarray(from, from + Math.floor(r() * 4096)),
      base.subarray(at),
    ]);
  }
  if (kind === 3) {
    // Overwrite a run with one byte value (0x00 / 0xff lengths are the classic trouble).
    const at = Math.floor(r() * base.length);
    base.fill(r() < 0.5 ? 0xff : 0x00, at, Math.min(base.length, at + 1 + Math.floor(r() * 8)));
  }
  return base;
}

/** Decodes and renders one input in every view; throws what the decoder throws. */
function exercise(input: Buffer, chunk: number): void {
  const decoded = decodeBytes(input, { includeFramePayloads: true, maxMessageBytes: 1 << 20 }, chunk);
  // Output stays proportional to the input (no runaway event streams).
  assert.ok(
    decoded.events.length <= input.length + 100,
    `${decoded.events.length} events from ${input.length} bytes`,
  );
  assert.ok(decoded.summary.packets >= 0 && decoded.summary.problems >= 0);
  for (const e of decoded.events) {
    // Each problem code has one severity (problem-codes.ts), whatever the input.
    if (e.event === 'decode.problem') assert.equal(e.severity, WIRE_PROBLEMS[e.code].severity, e.code);
  }
  createTextRenderer({ utc: true }).render(decoded.events);
  createTcpdumpRenderer({ dump: 'X', utc: true }).render(decoded.events);
  renderJsonl(decoded.events);
}

/** Keeps a crashing input as a golden case (see the top of this file); returns its path. */
function saveCrasher(input: Buffer): string {
  mkdirSync(crashersDir, { recursive: true });
  const name = createHash('sha256').update(input).digest('hex').slice(0, 16);
  const path = join(crashersDir, `${name}.pcap`);
  if (existsSync(path)) return path;
  writeFileSync(path, input);
  appendFileSync(testList, `crasher-${name} crashers/${name}.pcap crashers/${name}.jsonl --format jsonl\n`);
  return path;
}

test('fuzz: every kept crasher decodes without an exception', () => {
  if (!existsSync(crashersDir)) return;
  for (const name of readdirSync(crashersDir).filter((n) => n.endsWith('.pcap'))) {
    const input = readFileSync(join(crashersDir, name));
    for (const chunk of [1 << 20, 13]) exercise(input, chunk);
  }
});

test('fuzz: mutated real captures never throw, hang or flood', { timeout: BUDGET_MS + 120_000 }, (t) => {
  const seed = Number(process.env.WIRECHAT_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const r = rng(seed);
  const deadline = Date.now() + BUDGET_MS;
  let cases = 0;
  while (Date.now() < deadline) {
    const input = mutate(r);
    const chunk = r() < 0.2 ? 1 + Math.floor(r() * 64) : 65536;
    try {
      exercise(input, chunk);
    } catch (err) {
      const path = saveCrasher(input);
      assert.fail(
        `seed ${seed}, case ${cases}: ${(err as Error).stack ?? String(err)}\n(input kept in ${path} and its row added to test-data/golden/TESTLIST; commit both)`,
      );
    }
    cases++;
  }
  t.diagnostic(`${cases} mutated captures, seed ${seed}`);
  assert.ok(cases > 10, `only ${cases} cases ran`);
});
