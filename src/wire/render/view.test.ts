// The View: one output pipeline for every command that decodes (read, capture, tap, demo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fixturesDir } from '../../shared/paths.js';
import { createCaptureDecoder } from '../decode-capture.js';
import type { SummaryEvent, WireEvent } from '../events.js';
import { createEventFilter } from './event-filter.js';
import { renderJsonl } from './jsonl.js';
import { View, type ViewSettings } from './view.js';

/** A fixture decoded into its batches of events and its summary. */
function decode(name: string, payloads = false): { batches: WireEvent[][]; summary: SummaryEvent } {
  const batches: WireEvent[][] = [];
  const decoder = createCaptureDecoder({ includeFramePayloads: payloads }, (events) =>
    batches.push([...events]),
  );
  decoder.push(readFileSync(join(fixturesDir, name)));
  return { batches, summary: decoder.end() };
}

/** A stream that keeps what it is given; `hold` keeps each write pending until release(). */
class Sink extends Writable {
  chunks: Buffer[] = [];
  held: Array<() => void> = [];
  constructor(
    private readonly hold = false,
    highWaterMark = 16 * 1024,
    readonly isTTY = false,
  ) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.hold) this.held.push(() => done());
    else done();
  }
  release(): void {
    for (const done of this.held.splice(0)) done();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const view = (settings: Partial<ViewSettings> & Pick<ViewSettings, 'format'>, stdout: Writable): View =>
  new View({ stdout, stderr: new Sink(), env: {}, ...settings });

test('jsonl goes through the one encoder; the event filter keeps what it names, the summary ends it', async () => {
  const { batches, summary } = decode('ws-echo-lo.pcap');
  const filter = createEventFilter(['ws.message']);
  assert.equal(filter.kind, 'ok');
  const out = new Sink();
  const v = view({ format: 'jsonl', keepEvent: filter.kind === 'ok' ? filter.keep : undefined }, out);
  for (const batch of batches) v.write(batch);
  await v.end(summary);
  const kept = batches.flat().filter((e) => e.event === 'ws.message');
  assert.ok(kept.length > 0);
  assert.equal(out.text, renderJsonl([...kept, summary]));
  const names = out.text
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { event: string }).event);
  assert.deepEqual(new Set(names), new Set(['ws.message', 'summary']));
  assert.equal(names.at(-1), 'summary');
});

test("with flush 'manual', jsonl waits for flush() (a file's chunk), then goes out whole", () => {
  const { batches } = decode('ws-echo-lo.pcap');
  const out = new Sink();
  const v = view({ format: 'jsonl', flush: 'manual' }, out);
  for (const batch of batches) v.write(batch);
  assert.equal(out.chunks.length, 0);
  v.flush();
  assert.equal(out.text, renderJsonl(batches.flat()));
});

test('a reader that went away (EPIPE) ends the view quietly: told once, nothing more written', async () => {
  const { batches, summary } = decode('ws-echo-lo.pcap');
  let writes = 0;
  const out = new Writable({
    write(_chunk, _enc, done) {
      writes++;
      done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
  });
  const stderr = new Sink();
  let gone = 0;
  const v = new View({ format: 'text', stdout: out, stderr, env: {}, onReaderGone: () => gone++ });
  v.write(batches[0]!);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(v.readerGone, true);
  for (const batch of batches) v.write(batch);
  await v.end(summary);
  assert.equal(gone, 1);
  assert.equal(writes, 1);
  assert.equal(stderr.text, '', 'no summary for a reader that is gone');
});

test('past the output buffer the source is paused, and resumed once the output drained', async () => {
  const { batches } = decode('ws-echo-lo.pcap');
  const out = new Sink(true, 64);
  const calls: boolean[] = [];
  const v = view({ format: 'text', outputBuffer: 1000, onBackpressure: (p) => calls.push(p) }, out);
  v.write(batches[0]!);
  let i = 1;
  while (!v.blocked && i < batches.length) v.write(batches[i++]!);
  assert.equal(v.blocked, true, 'the held output passed the buffer');
  assert.ok(out.writableLength >= 1000);
  assert.deepEqual(calls, [true]);
  let drained = false;
  const waiting = v.drained().then(() => (drained = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(drained, false, 'still waiting for its reader');
  while (out.held.length > 0) {
    out.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await waiting;
  assert.equal(v.blocked, false);
  assert.equal(v.pausedOnce, true);
  assert.deepEqual(calls, [true, false]);
});

test('colours only on a terminal, and never with NO_COLOR, TERM=dumb or --no-color', () => {
  const { batches } = decode('ws-echo-lo.pcap');
  const colored = (stdout: Sink, settings: Partial<ViewSettings> = {}): boolean => {
    view({ format: 'text', ...settings }, stdout).write(batches[0]!);
    return stdout.text.includes('\x1b[');
  };
  assert.equal(colored(new Sink(false, 16384, true)), true);
  assert.equal(colored(new Sink(false, 16384, false)), false);
  assert.equal(colored(new Sink(false, 16384, true), { env: { NO_COLOR: '1' } }), false);
  assert.equal(colored(new Sink(false, 16384, true), { env: { TERM: 'dumb' } }), false);
  assert.equal(colored(new Sink(false, 16384, true), { noColor: true }), false);
  assert.equal(colored(new Sink(false, 16384, true), { format: 'tcpdump' }), false);
});

test('-o: the file is replaced only when the view is closed; a discarded view leaves it', async () => {
  const { batches, summary } = decode('ws-echo-lo.pcap', true);
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-view-'));
  const target = join(dir, 'page.html');
  writeFileSync(target, 'old');
  const stdout = new Sink();
  const kept = view({ format: 'html', output: target }, stdout);
  for (const batch of batches) kept.write(batch);
  await kept.end(summary);
  assert.equal(stdout.chunks.length, 0, 'nothing on stdout');
  assert.match(readFileSync(target, 'utf8'), /^<!doctype html>[^]*<\/html>\n$/);

  writeFileSync(target, 'old');
  const dropped = view({ format: 'html', output: target }, stdout);
  for (const batch of batches) dropped.write(batch);
  dropped.finish(summary);
  dropped.discard();
  assert.equal(readFileSync(target, 'utf8'), 'old');
});
