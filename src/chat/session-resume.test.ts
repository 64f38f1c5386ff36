// Session tokens and the reconnect grace period in one process, with real clients: a page user who
// drops and returns with their token keeps their identity and nobody is told anything; one who
// stays away past the grace period leaves once; a token presented twice moves the identity to the
// newest connection; names are unique per room in wirechat's dialect only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer, type ChatClient } from '../testing/chat/chat-client.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function join(port: number, name: string, extra: Record<string, unknown> = {}) {
  const client = await openClient(port, name);
  client.send({ type: 'join', name, room: 'lobby', ...extra });
  const welcome = await client.nextOfType('welcome');
  return { client, welcome };
}

/** Proves nothing was sent to `observer` before `marker`: the next frame it gets is that message. */
async function nextIsMessage(observer: ChatClient, text: string): Promise<void> {
  const next = await observer.nextJson();
  assert.equal(next.type, 'message', `expected '${text}', got ${JSON.stringify(next)}`);
  assert.equal(next.text, text);
}

test('a drop and a return with the token within the grace period: same identity, nothing announced, missed messages replayed', async () => {
  const server = await startTestServer({ reconnectGrace: 5 });
  try {
    const { client: ann, welcome } = await join(server.wsPort, 'ann');
    const token = welcome.session as string;
    assert.match(token, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(welcome.grace, 5000);
    const you = welcome.you as { id: string };
    const { client: bob } = await join(server.wsPort, 'bob');
    assert.equal((await ann.nextJson()).type, 'joined');
    bob.send({ type: 'send', to: 'all', text: 'seen' });
    const seen = await ann.nextOfType('message');
    await bob.nextOfType('message');

    ann.ws.terminate();
    await ann.closed;
    bob.send({ type: 'send', to: 'all', text: 'missed' });
    await nextIsMessage(bob, 'missed');

    const back = await openClient(server.wsPort, 'ann again');
    back.send({ type: 'join', name: 'ann', room: 'lobby', session: token, after: seen.id });
    const again = await back.nextJson();
    assert.equal(again.type, 'welcome');
    assert.equal(again.resumed, true);
    assert.equal(again.session, undefined, 'the token is never sent twice');
    assert.deepEqual(again.you, you);
    assert.deepEqual(
      (again.users as { name: string }[]).map((u) => u.name),
      ['ann', 'bob'],
    );
    const replay = await back.nextJson();
    assert.equal(replay.type, 'history');
    assert.deepEqual(
      (replay.messages as { text: string }[]).map((m) => m.text),
      ['missed'],
    );
    back.send({ type: 'send', to: 'all', text: 'back' });
    await nextIsMessage(bob, 'back');
    const mine = await back.nextOfType('message');
    assert.deepEqual(mine.from, you);
    await back.close();
    await bob.close();
  } finally {
    await server.close();
  }
});

test('past the grace period: one left, the token opens nothing, and the return is a new join', async () => {
  const server = await startTestServer({ reconnectGrace: 0.3 });
  try {
    const { client: ann, welcome } = await join(server.wsPort, 'ann');
    const { client: bob } = await join(server.wsPort, 'bob');
    await ann.nextJson();
    ann.ws.terminate();
    const left = await bob.nextJson();
    assert.equal(left.type, 'left');
    assert.deepEqual(left.user, welcome.you);

    const { client: back, welcome: fresh } = await join(server.wsPort, 'ann', { session: welcome.session });
    assert.notEqual(fresh.resumed, true);
    assert.notDeepEqual(fresh.you, welcome.you);
    assert.match(fresh.session as string, /^[A-Za-z0-9_-]{22}$/);
    const joined = await bob.nextJson();
    assert.equal(joined.type, 'joined');
    assert.deepEqual(joined.user, fresh.you);
    await sleep(400);
    assert.deepEqual(bob.pending(), [], 'exactly one left and one joined');
    await back.close();
    await bob.close();
  } finally {
    await server.close();
  }
});

test('a token presented twice: the newest connection has the identity, the older is closed 4409, nobody is told', async () => {
  const server = await startTestServer({ reconnectGrace: 5 });
  try {
    const { client: first, welcome } = await join(server.wsPort, 'ann');
    const { client: bob } = await join(server.wsPort, 'bob');
    await first.nextJson();
    const { client: second, welcome: again } = await join(server.wsPort, 'ann', { session: welcome.session });
    assert.equal(again.resumed, true);
    assert.deepEqual(again.you, welcome.you);
    const closed = await first.closed;
    assert.equal(closed.code, 4409);
    second.send({ type: 'send', to: 'all', text: 'from the new tab' });
    await nextIsMessage(bob, 'from the new tab');
    // The older connection's close must not start a grace period or a departure.
    await sleep(200);
    assert.deepEqual(bob.pending(), []);
    await second.close();
    await bob.close();
  } finally {
    await server.close();
  }
});

test('Leave ends the identity at once: left is announced and the token opens nothing', async () => {
  const server = await startTestServer({ reconnectGrace: 30 });
  try {
    const { client: ann, welcome } = await join(server.wsPort, 'ann');
    const { client: bob } = await join(server.wsPort, 'bob');
    await ann.nextJson();
    ann.send({ type: 'leave' });
    const left = await bob.nextJson();
    assert.equal(left.type, 'left');
    await ann.close();
    const { client: back, welcome: fresh } = await join(server.wsPort, 'ann', { session: welcome.session });
    assert.notDeepEqual(fresh.you, welcome.you);
    assert.equal((await bob.nextJson()).type, 'joined');
    await back.close();
    await bob.close();
  } finally {
    await server.close();
  }
});

test('a return with a token is never refused by the room-switch budget', async () => {
  const server = await startTestServer({ reconnectGrace: 5, roomSwitchRate: 0.001, roomSwitchBurst: 1 });
  try {
    const first = await join(server.wsPort, 'ann');
    const welcome = first.welcome;
    let client = first.client;
    for (let i = 0; i < 3; i++) {
      client.ws.terminate();
      const back = await openClient(server.wsPort, `ann ${i}`);
      back.send({ type: 'join', name: 'ann', room: 'lobby', session: welcome.session });
      const again = await back.nextJson();
      assert.equal(again.type, 'welcome', JSON.stringify(again));
      assert.equal(again.resumed, true);
      client = back;
    }
    // The resume left the connection's budget (one switch) whole; a real switch spends it.
    client.send({ type: 'join', name: 'ann', room: 'other' });
    assert.equal((await client.nextJson()).type, 'welcome');
    client.send({ type: 'join', name: 'ann', room: 'third' });
    assert.equal((await client.nextJson()).code, 'ROOM_SWITCH_RATE_LIMITED');
    await client.close();
  } finally {
    await server.close();
  }
});

test('names are unique per room in wirechat dialect, folding case and width; workerman keeps its leniency', async () => {
  const server = await startTestServer();
  try {
    const { client: carol } = await join(server.wsPort, 'Carol');
    for (const [i, name] of ['carol', 'ｃａｒｏｌ', ' CAROL '].entries()) {
      const other = await openClient(server.wsPort, name);
      other.send({ type: 'join', name, room: 'lobby' });
      const refused = await other.nextJson();
      assert.equal(refused.code, 'NAME_TAKEN', name);
      other.send({ type: 'join', name, room: `elsewhere ${i}` });
      const elsewhere = await other.nextJson();
      assert.equal(elsewhere.type, 'welcome', JSON.stringify(elsewhere));
      await other.close();
    }
    const wm = await openClient(server.wsPort, 'wm');
    wm.send({ type: 'login', client_name: 'carol', room_id: 'lobby' });
    const list = await wm.nextJson();
    assert.equal(list.type, 'login');
    assert.equal(list.session, undefined, 'workerman clients get no token');
    await wm.close();
    await carol.close();
  } finally {
    await server.close();
  }
});
