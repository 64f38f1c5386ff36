// SIGTERM under load on `wirechat serve --workers 2` (the real process): 600 clients in one room,
// each sending 5 messages per second. Every client gets its 1001 (counted), none 1008 or a reset,
// and the server exits 0 before the primary's hard kill (shutdown timeout + 5 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runShutdownLoad } from './shutdown-load.js';

test('SIGTERM with 600 busy clients: every client gets 1001, none 1008, exit 0 within the deadline', async () => {
  const clients = 600;
  const shutdownTimeout = 3;
  const result = await runShutdownLoad({
    clients,
    rate: 5,
    roomSize: clients,
    workers: 2,
    shutdownTimeout,
    loadMs: 2000,
  });
  assert.ok(result.sent > clients, `the clients were busy: ${result.sent} messages`);
  assert.deepEqual(result.codes, { 1001: clients });
  assert.equal(result.exitCode, 0);
  assert.ok(result.stopMs < (shutdownTimeout + 5) * 1000, `exited before the hard kill: ${result.stopMs} ms`);
});
