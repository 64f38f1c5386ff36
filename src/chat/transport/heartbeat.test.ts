// The heartbeat's clock on a table: with an injected clock, the login deadline is kept (a
// connection that has not logged in is closed before its timeout has passed, never after, and
// not earlier than one tick before it), and the tick never exceeds a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heartbeat } from './heartbeat.js';
import type { Connection } from './connection.js';

function fakeConnection(openedAt: number, loggedIn: boolean): Connection {
  return {
    openedAt,
    lastSeen: openedAt,
    lastPing: openedAt,
    closingSince: 0,
    session: { user: loggedIn ? { id: 'u' } : undefined },
  } as unknown as Connection;
}

test('heartbeat: the login deadline is kept to within one tick before it, never after', () => {
  let now = 0;
  const expired: number[] = [];
  // Opened between two ticks, as connections are.
  const opened = 300;
  const waiting = fakeConnection(opened, false);
  const loggedIn = fakeConnection(0, true);
  const beat = new Heartbeat({
    pingIntervalMs: 10_000,
    idleTimeoutMs: 30_000,
    loginTimeoutMs: 15_000,
    connections: [waiting, loggedIn],
    ping: () => undefined,
    evict: () => undefined,
    loginExpired: (conn) => expired.push(conn === waiting ? now : -1),
    now: () => now,
  });
  try {
    assert.equal(beat.tickMs, 1000, 'a quarter of 10 s would be 2.5 s: capped at one second');
    // Ticks at every multiple of the tick: the first one at or past (deadline - tick) closes it.
    for (now = 0; now <= 16_000 && expired.length === 0; now += beat.tickMs) beat.tick();
    assert.equal(expired.length, 1, 'closed once, only the connection that never logged in');
    const age = expired[0]! - opened;
    assert.ok(age <= 15_000, `closed ${age} ms after it opened, past the 15 s deadline`);
    assert.ok(age >= 15_000 - beat.tickMs, `closed ${age} ms after it opened, more than a tick early`);
  } finally {
    beat.stop();
  }
});

test('heartbeat: short periods keep a quarter-period tick (not less than 20 ms)', () => {
  const make = (ping: number, login: number) =>
    new Heartbeat({
      pingIntervalMs: ping,
      idleTimeoutMs: 30_000,
      loginTimeoutMs: login,
      connections: [],
      ping: () => undefined,
      evict: () => undefined,
    });
  const cases: [number, number, number][] = [
    [200, 0, 50],
    [10_000, 400, 100],
    [40, 0, 20],
  ];
  for (const [ping, login, tick] of cases) {
    const beat = make(ping, login || Infinity);
    assert.equal(beat.tickMs, tick, `ping ${ping} ms, login ${login} ms`);
    beat.stop();
  }
});
