// Ctrl-C during `wirechat demo`: the session is cut short, what was captured is summed up, exit 130.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startChildCommand } from '../testing/child-command.js';

test('demo: the first SIGINT cuts the session short with the summary, exit 130', async () => {
  const demo = startChildCommand('demo', ['--mode', 'tap', '--no-color']);
  await demo.waitFor(/wirechat demo: chat on/);
  demo.interrupt();
  assert.equal(await demo.exited, 130, demo.stderr());
  assert.match(demo.stderr(), /summary: \d+ packets/);
  // Cut short: the seed session has three client messages, and not all of them were sent.
  assert.doesNotMatch(demo.stderr(), /messages: 3 from clients, 8 from servers/);
});
