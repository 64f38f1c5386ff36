// Rooms cannot be a memory weapon, end to end: the history of a room nobody is in any more
// expires (a short configured expiry) in SQLite (`--data`) and in every worker of a cluster, while
// an occupied room keeps its history; history requests over a real connection have a budget past
// which the client is told so and can go on chatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveCluster } from '../testing/chat/serve-cluster.js';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

async function joinRoom(port: number, name: string, room: string) {
  const client = await openClient(port, name);
  client.send({ type: 'join', name, room });
  await client.nextOfType('welcome');
  return client;
}

async function historyTexts(port: number, room: string): Promise<string[]> {
  const client = await joinRoom(port, 'reader', room);
  client.send({ type: 'history' });
  const answer = await client.nextOfType('history');
  client.send({ type: 'leave' });
  await client.close();
  return (answer.messages as { text: string }[]).map((m) => m.text);
}

/** Leaves one room with a message and nobody in it, one with a message and a user who stays. */
async function leaveAndStay(port: number) {
  const leaver = await joinRoom(port, 'leaver', 'gone');
  leaver.send({ type: 'send', to: 'all', text: 'bye' });
  await leaver.nextOfType('message');
  leaver.send({ type: 'leave' }); // leaves for good (a dropped connection would be held for a return)
  await leaver.close();
  const stayer = await joinRoom(port, 'stayer', 'kept');
  stayer.send({ type: 'send', to: 'all', text: 'still here' });
  await stayer.nextOfType('message');
  return stayer;
}

test('SQLite: an empty room’s history is deleted after the expiry; an occupied room keeps it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-expiry-'));
  const server = await startTestServer({ dataDir: dir, roomExpiry: 0.4 });
  try {
    const stayer = await leaveAndStay(server.wsPort);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.deepEqual(await historyTexts(server.wsPort, 'gone'), []);
    assert.deepEqual(await historyTexts(server.wsPort, 'kept'), ['still here']);
    await stayer.close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two workers: an empty room’s history expires in every worker; an occupied room keeps it', async () => {
  const server = await serveCluster(2, { WIRECHAT_ROOM_EXPIRY: '0.4' });
  try {
    const stayer = await leaveAndStay(server.wsPort);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // Readers land on both workers in turn: each worker's copy is asked.
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await historyTexts(server.wsPort, 'gone'), [], `reader ${i}`);
      assert.deepEqual(await historyTexts(server.wsPort, 'kept'), ['still here'], `reader ${i}`);
    }
    await stayer.close();
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
});

test('over a real connection the 6th history request at once gets HISTORY_RATE_LIMITED, and chat goes on', async () => {
  const server = await startTestServer();
  try {
    const client = await joinRoom(server.wsPort, 'asker', 'r');
    for (let i = 0; i < 6; i++) client.send({ type: 'history' });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await client.nextJson());
    assert.deepEqual(
      answers.map((a) => a.type),
      ['history', 'history', 'history', 'history', 'history', 'error'],
    );
    assert.equal(answers[5]!.code, 'HISTORY_RATE_LIMITED');
    client.send({ type: 'send', to: 'all', text: 'still talking' });
    assert.equal((await client.nextOfType('message')).text, 'still talking');
    await client.close();
  } finally {
    await server.close();
  }
});
