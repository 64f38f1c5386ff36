// The live paths lose nothing: the seed session 20 times through `demo` and through `capture`, and
// a burst of 5,000 messages through `capture`: tcpdump reports no kernel drop, the decoder no
// problem, and every message is decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { createChatServer } from '../chat/server.js';
import { playSeedSession } from '../demo/seed-session.js';
import { startChildCommand } from '../testing/child-command.js';
import { ownLoopbackTraffic } from '../testing/loopback-filter.js';

const root = process.getuid?.() === 0;
const skip = !root && 'needs root for tcpdump';
const RUNS = 20;
const BURST = 5000;

interface JsonEvent {
  event: string;
  from?: string;
  text?: string;
  [key: string]: unknown;
}

const parseJsonl = (text: string): JsonEvent[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonEvent);

/** The kernel drop count from the "tcpdump: …" statistics line (fails when the line is missing). */
function droppedByKernel(stderr: string): number {
  const m = /^tcpdump: .*?(\d+) packets? dropped by kernel/m.exec(stderr);
  assert.ok(m, `tcpdump's statistics on stderr: ${stderr}`);
  return Number(m[1]);
}

test(
  `demo live, ${RUNS} times: no drop, no problem, the three client messages each time`,
  { skip },
  async () => {
    for (let run = 0; run < RUNS; run++) {
      const demo = startChildCommand('demo', ['--mode', 'live', '--format', 'jsonl']);
      assert.equal(await demo.exited, 0, demo.stderr());
      const events = parseJsonl(demo.stdout());
      const summary = events.at(-1)!;
      assert.equal(summary.event, 'summary');
      assert.equal(summary.problems, 0, `run ${run}: ${JSON.stringify(summary.problemsByCode)}`);
      assert.deepEqual(summary.messages, { client: 3, server: 8 }, `run ${run}`);
      assert.equal(droppedByKernel(demo.stderr()), 0, `run ${run}`);
    }
  },
);

test(`capture: the seed session ${RUNS} times in a row, every message decoded`, { skip }, async () => {
  const server = await createChatServer({ host: '127.0.0.1', wsPort: 0, webPort: 0, logLevel: 'silent' });
  const capture = startChildCommand('capture', [
    '-i',
    'lo',
    '--format',
    'jsonl',
    ...ownLoopbackTraffic(server.wsPort),
  ]);
  try {
    await capture.waitFor(/listening on lo/);
    for (let run = 0; run < RUNS; run++) await playSeedSession(`ws://127.0.0.1:${server.wsPort}/`, 0);
    // Every connection seen closing both ways (its last packets), then Ctrl-C.
    await capture.waitFor((out) => out.split('"how":"both-fin"').length > 2 * RUNS, 'stdout');
    capture.interrupt();
    assert.equal(await capture.exited, 0, capture.stderr());
    const summary = parseJsonl(capture.stdout()).at(-1)!;
    assert.equal(summary.problems, 0, JSON.stringify(summary.problemsByCode));
    assert.equal(summary.connections, 2 * RUNS);
    assert.equal(summary.websocketConnections, 2 * RUNS);
    assert.deepEqual(summary.messages, { client: 3 * RUNS, server: 8 * RUNS });
    assert.equal(droppedByKernel(capture.stderr()), 0);
  } finally {
    capture.child.kill('SIGKILL');
    await server.close();
  }
});

test(`capture: a burst of ${BURST} messages, none lost`, { skip }, async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  let received = 0;
  const allIn = new Promise<void>((resolve) =>
    wss.on('connection', (ws) =>
      ws.on('message', () => {
        if (++received === BURST) resolve();
      }),
    ),
  );
  const capture = startChildCommand('capture', [
    '-i',
    'lo',
    '--format',
    'jsonl',
    ...ownLoopbackTraffic(port),
  ]);
  try {
    await capture.waitFor(/listening on lo/);
    const client = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    await once(client, 'open');
    // All at once: the sends queue in the socket and leave in as few, as full segments as TCP makes.
    for (let i = 0; i < BURST; i++)
      client.send(JSON.stringify({ type: 'say', to_uid: 'all', content: `burst ${i}` }));
    await allIn;
    client.close();
    await capture.waitFor((out) => out.includes('"how":"both-fin"'), 'stdout');
    capture.interrupt();
    assert.equal(await capture.exited, 0, capture.stderr());
    const events = parseJsonl(capture.stdout());
    const summary = events.at(-1)!;
    assert.equal(summary.problems, 0, JSON.stringify(summary.problemsByCode));
    assert.deepEqual(summary.messages, { client: BURST, server: 0 });
    const texts = events.filter((e) => e.event === 'ws.message' && e.from === 'client').map((e) => e.text);
    assert.equal(texts.length, BURST);
    assert.equal(
      texts[BURST - 1],
      JSON.stringify({ type: 'say', to_uid: 'all', content: `burst ${BURST - 1}` }),
    );
    assert.equal(droppedByKernel(capture.stderr()), 0);
  } finally {
    capture.child.kill('SIGKILL');
    wss.close();
  }
});
