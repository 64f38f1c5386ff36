// How much memory each kind of decoder state really holds, for the charges of the memory
// budget (flow-costs.ts, connection-decoder.ts): N connections of one kind are decoded with an
// unlimited budget and nothing released, and the growth of the heap and of memory outside it
// after full collections is divided by N.
//
//   node --expose-gc dist/bench/hostile-captures/measure-state.js [N]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaptureDecoder } from '../../wire/decode-capture.js';
import { HOSTILE_CASES } from './cases.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function used(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const n = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'wirechat-measure-'));
const kinds: Array<[string, number, number]> = [
  ['SYN-only flow', 1, 1_000_000],
  ['flow with 5 bytes', 0, 1_000_000],
  ['WebSocket connection mid-frame', 3, 100_000],
  ['WebSocket connection mid-frame, deflate', 2, 100_000],
];
for (const [label, index, full] of kinds) {
  const file = join(dir, `${index}.pcap`);
  HOSTILE_CASES[index]!.write!(file, n / full);
  const bytes = readFileSync(file);
  const before = used();
  const decoder = createCaptureDecoder({ maxMemory: Number.MAX_SAFE_INTEGER, chat: true }, () => undefined);
  for (let off = 0; off < bytes.length; off += 1 << 20) decoder.push(bytes.subarray(off, off + (1 << 20)));
  const after = used();
  const charged = decoder.budget.used;
  process.stdout.write(
    `${label}: ${Math.round((after - before) / n)} bytes each measured, ${Math.round(charged / n)} charged\n`,
  );
  decoder.end();
}
rmSync(dir, { recursive: true, force: true });
