// The seed document's session, replayed message for message against wirechat and compared with
// the frames the original 2014 server sent (test-data/fixtures/workerman-2014-seed-session).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayFixtureSession } from '../testing/chat/fixture-session.js';

// Where wirechat deliberately differs from the original: it answers bad input instead of ignoring it.
const ANSWERS: Record<string, string> = { 'not json': 'INVALID_JSON', '{"type":"bogus"}': 'UNKNOWN_TYPE' };

test('the seed session gets the original frames, in order, with complete times and 16-digit uids', async () => {
  await replayFixtureSession('workerman-2014-seed-session.frames.txt', {
    afterSend: async (client, sent) => {
      if (ANSWERS[sent]) assert.equal((await client.nextJson()).code, ANSWERS[sent]);
    },
    checkFrame: (frame) => {
      for (const [, uid] of frame.matchAll(/"uid":(\d+)/g)) assert.match(uid!, /^\d{16}$/);
    },
  });
});
