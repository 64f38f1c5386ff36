// The seed document's session, replayed message for message against wirechat and compared with
// the frames the original 2014 server sent (test-data/fixtures/workerman-2014-seed-session).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise, openClient, startTestServer, type ChatClient } from './test-support/chat-client.js';
import { readFixtureSession, timesAreComplete, translateIds } from './test-support/fixture-session.js';

// Where wirechat deliberately differs from the original: it answers bad input instead of ignoring it.
const ANSWERS: Record<string, string> = { 'not json': 'INVALID_JSON', '{"type":"bogus"}': 'UNKNOWN_TYPE' };

test('the seed session gets the original frames, in order, with complete times and 16-digit uids', async () => {
  const server = await startTestServer();
  const { steps, names } = readFixtureSession('workerman-2014-seed-session.frames.txt');
  const clients = new Map<string, ChatClient>();
  for (const [label, nick] of names) clients.set(label, await openClient(server.wsPort, nick));
  const theirIds = new Map<string, string>();
  const ourIds = new Map<string, string>();
  try {
    for (const step of steps) {
      const client = clients.get(step.client)!;
      if (step.kind === 'send') {
        client.send(translateIds(step.text, theirIds, ourIds));
        if (ANSWERS[step.text]) assert.equal((await client.nextJson()).code, ANSWERS[step.text]);
      } else if (step.kind === 'receive') {
        const frame = await client.next();
        assert.ok(timesAreComplete(frame), `incomplete time in ${frame}`);
        for (const [, uid] of frame.matchAll(/"uid":(\d+)/g)) assert.match(uid!, /^\d{16}$/);
        assert.equal(normalise(frame, ourIds), normalise(step.text, theirIds), `${client.label} received`);
      } else {
        await client.close();
      }
    }
    for (const client of clients.values())
      assert.deepEqual(client.pending(), [], `${client.label}: extra frames`);
  } finally {
    await server.close();
  }
});
