// The client processes' phase protocol against a real limit server: once armed, a process counts
// the phase's messages even when they arrive before its own start command (a loaded machine can
// run the senders' process well before the coordinator's start reaches the others).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLimitServer } from './baselines/limit-server.js';
import { nowMicros } from './bench-message.js';
import { WorkerPool } from './worker-pool.js';
import type { ArmedEvent, ConnectedEvent, ResultEvent, SentEvent, StartCommand } from './worker-protocol.js';

const RECEIVERS = 10;
/** Guards against a hang only; nothing here is timed. */
const HANG_GUARD_MS = 60_000;

const startOneMessage: StartCommand = {
  cmd: 'start',
  inflight: 1,
  rate: 0,
  durationMs: HANG_GUARD_MS,
  maxPerSender: 1,
  drainMs: HANG_GUARD_MS,
};

async function until(what: string, done: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + HANG_GUARD_MS;
  while (!done()) {
    if (Date.now() > giveUpAt) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('an armed process counts messages that reach it before its start command', async () => {
  const server = await startLimitServer({ host: '127.0.0.1', port: 0 });
  const pool = new WorkerPool(2);
  try {
    const url = `ws://127.0.0.1:${server.port}/`;
    const connected = await pool.all<ConnectedEvent>(
      (i) => ({
        cmd: 'connect',
        url,
        dialect: 'workerman',
        receivers: RECEIVERS,
        rooms: 1,
        firstReceiver: i * RECEIVERS,
        // The only sender lives in process 0; process 1 only receives.
        senders: i === 0 ? [0] : [],
        totalSenders: 1,
        namePrefix: `p${i}`,
        timeoutMs: HANG_GUARD_MS,
        concurrency: 4,
      }),
      'connected',
    );
    assert.deepEqual(
      connected.map((e) => e.opened),
      [RECEIVERS + 1, RECEIVERS],
    );
    await pool.all<ArmedEvent>(() => ({ cmd: 'arm', startMicros: nowMicros() }), 'armed');
    const [senders, receivers] = pool.workers;
    const sent = await senders!.request<SentEvent>(startOneMessage, 'sent');
    assert.equal(sent.sent, 1);
    assert.equal(sent.unanswered, 0);
    // Process 1 has every copy before it hears that the phase started (the order that once lost
    // such copies as leftovers of an earlier phase); its ticks report what it counted.
    await until('process 1 counts its copies', () => receivers!.lastTick.delivered === RECEIVERS);
    await receivers!.request<SentEvent>(startOneMessage, 'sent');
    const results = await pool.all<ResultEvent>(
      () => ({ cmd: 'collect', expected: 1, timeoutMs: HANG_GUARD_MS, idleMs: HANG_GUARD_MS }),
      'result',
    );
    assert.deepEqual(
      results.map((r) => [r.complete, r.missing, r.extra]),
      [
        [RECEIVERS, 0, 0],
        [RECEIVERS, 0, 0],
      ],
    );
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a message stamped before the phase was armed is not counted in it', async () => {
  const server = await startLimitServer({ host: '127.0.0.1', port: 0 });
  const pool = new WorkerPool(1);
  try {
    const url = `ws://127.0.0.1:${server.port}/`;
    await pool.all<ConnectedEvent>(
      () => ({
        cmd: 'connect',
        url,
        dialect: 'workerman',
        receivers: RECEIVERS,
        rooms: 1,
        firstReceiver: 0,
        senders: [0],
        totalSenders: 1,
        namePrefix: 'p',
        timeoutMs: HANG_GUARD_MS,
        concurrency: 4,
      }),
      'connected',
    );
    // Armed for a phase that starts in an hour: this message is a leftover of an earlier one.
    await pool.all<ArmedEvent>(() => ({ cmd: 'arm', startMicros: nowMicros() + 3600e6 }), 'armed');
    const sent = await pool.workers[0]!.request<SentEvent>(
      { ...startOneMessage, durationMs: 100, drainMs: 400 },
      'sent',
    );
    assert.equal(sent.sent, 1);
    // Its own copy came back but was not taken for this phase's.
    assert.equal(sent.unanswered, 1);
    const [result] = await pool.all<ResultEvent>(
      () => ({ cmd: 'collect', expected: 0, timeoutMs: HANG_GUARD_MS, idleMs: HANG_GUARD_MS }),
      'result',
    );
    assert.equal(result!.delivered, 0);
    assert.equal(result!.complete, RECEIVERS);
  } finally {
    await pool.close();
    await server.close();
  }
});
