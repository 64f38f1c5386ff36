// Where `wirechat read --format jsonl` spends its time, stage by stage: each stage runs in a
// fresh process (so one stage's compiled code and heap do not help the next) and adds one layer
// of the pipeline to the previous one. Used by read-bench.ts (--stages); also runnable alone:
//   node dist/bench/read-stages.js STAGE FILE      (STAGE: read, decode, chat, jsonl)
// Prints one JSON line: { stage, ms, cpuMs, maxRssMB, events, outputBytes }.
import { closeSync, openSync, readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { ByteOutput } from '../wire/render/byte-output.js';
import { writeJsonl } from '../wire/render/jsonl.js';

export const STAGES = ['read', 'decode', 'chat', 'jsonl'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_WORDS: Record<Stage, string> = {
  read: 'read the file in 1 MiB chunks, nothing else',
  decode: '+ pcap, IP, TCP reassembly, HTTP, WebSocket frames and messages (inflate, UTF-8)',
  chat: '+ chat meaning of every JSON text (the `chat` field)',
  jsonl: '+ jsonl encoding of every event into output blocks (not written)',
};

export interface StageResult {
  stage: Stage;
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  events: number;
  outputBytes: number;
}

export function runStage(stage: Stage, file: string): StageResult {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let events = 0;
  let outputBytes = 0;
  const out = new ByteOutput(
    (block) => (outputBytes += block.length),
    1 << 20,
    () => true,
  );
  const decoder =
    stage === 'read'
      ? undefined
      : createCaptureDecoder({ chat: stage !== 'decode' }, (batch) => {
          events += batch.length;
          if (stage === 'jsonl') for (let i = 0; i < batch.length; i++) writeJsonl(out, batch[i]!);
        });
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk, as a read stream gives: packets are views into it.
      const chunk = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      decoder?.push(chunk.subarray(0, n));
      out.flush();
    }
  } finally {
    closeSync(fd);
  }
  if (decoder) {
    const summary = decoder.end();
    if (stage === 'jsonl') writeJsonl(out, summary);
    out.flush();
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    stage,
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    events,
    outputBytes,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [stage, file] = process.argv.slice(2);
  if (!STAGES.includes(stage as Stage) || !file) {
    console.error(`usage: read-stages ${STAGES.join('|')} FILE`);
    process.exitCode = 2;
  } else {
    console.log(JSON.stringify(runStage(stage as Stage, file)));
  }
}
