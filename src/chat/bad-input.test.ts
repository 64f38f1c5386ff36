// Every bad input of docs/protocol.md §3, and one per limit: the sender gets an error code (or
// the close code the abuse calls for), and nobody else notices anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

const BEFORE_LOGIN: [string, string][] = [
  ['not json', 'INVALID_JSON'],
  ['{"type":"login","client_name":"x"', 'INVALID_JSON'],
  ['"a string"', 'NOT_AN_OBJECT'],
  ['[1,2]', 'NOT_AN_OBJECT'],
  ['null', 'NOT_AN_OBJECT'],
  ['{}', 'MISSING_TYPE'],
  ['{"type":5}', 'INVALID_FIELD'],
  ['{"type":"bogus"}', 'UNKNOWN_TYPE'],
  ['{"type":"say","to_client_id":"all","content":"hi"}', 'NOT_LOGGED_IN'],
  ['{"type":"say","to_uid":"all","content":"hi"}', 'NOT_LOGGED_IN'],
  ['{"type":"send","to":"all","text":"hi"}', 'NOT_LOGGED_IN'],
  ['{"type":"history"}', 'NOT_LOGGED_IN'],
  ['{"type":"login"}', 'MISSING_FIELD'],
  ['{"type":"login","client_name":"x"}', 'MISSING_FIELD'],
  ['{"type":"login","client_name":"x","room_id":true}', 'INVALID_FIELD'],
  ['{"type":"login","client_name":"x","room_id":""}', 'ROOM_INVALID'],
  ['{"type":"login","client_name":5,"room_id":1}', 'INVALID_FIELD'],
  ['{"type":"login","client_name":"  ","room_id":1}', 'NAME_EMPTY'],
  ['{"type":"login","client_name":"abcdefghi","room_id":1}', 'NAME_TOO_LONG'],
  ['{"type":"login","client_name":"a\\u0007b","room_id":1}', 'NAME_INVALID'],
  ['{"type":"login","client_name":"a\\nb","room_id":1}', 'NAME_INVALID'],
  ['{"type":"login","client_name":"\\u202eevil","room_id":1}', 'NAME_INVALID'],
  ['{"type":"login","name":""}', 'NAME_EMPTY'],
  ['{"type":"join","name":"x","room":1}', 'INVALID_FIELD'],
  ['{"type":"join","name":"x","room":""}', 'ROOM_INVALID'],
  [`{"type":"join","name":"x","room":"${'r'.repeat(65)}"}`, 'ROOM_INVALID'],
  ['{"type":"join","name":"x","room":"1","after":7}', 'INVALID_FIELD'],
];

const AFTER_LOGIN: [string, string][] = [
  ['{"type":"say","to_client_id":"all"}', 'MISSING_FIELD'],
  ['{"type":"say","content":"hi"}', 'MISSING_FIELD'],
  ['{"type":"say","to_client_id":"all","content":5}', 'INVALID_FIELD'],
  ['{"type":"say","to_client_id":"all","content":""}', 'CONTENT_EMPTY'],
  ['{"type":"say","to_client_id":"all","content":"  \\n "}', 'CONTENT_EMPTY'],
  [`{"type":"say","to_client_id":"all","content":"${'x'.repeat(51)}"}`, 'CONTENT_TOO_LONG'],
  ['{"type":"say","to_client_id":"1234567890123456","content":"hi"}', 'UNKNOWN_TARGET'],
  ['{"type":"say","to_client_id":"nobody","content":"hi"}', 'UNKNOWN_TARGET'],
  ['{"type":"say","to_client_id":{},"content":"hi"}', 'INVALID_FIELD'],
  ['{"type":"join","name":"x","room":"1"}', 'UNKNOWN_TYPE'],
  ['{"type":"login","client_name":"","room_id":2}', 'NAME_EMPTY'],
];

test('every bad message is answered with its code, to its sender only, and changes nothing', async () => {
  const server = await startTestServer({ maxName: 8, maxContent: 50, rate: 10_000 });
  try {
    const observer = await openClient(server.wsPort, 'observer');
    observer.send({ type: 'join', name: 'obs', room: '1' });
    await observer.nextJson();

    const stranger = await openClient(server.wsPort, 'stranger');
    for (const [input, code] of BEFORE_LOGIN) {
      stranger.send(input);
      assert.equal((await stranger.nextJson()).code, code, input);
    }
    stranger.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    assert.equal((await stranger.nextJson()).code, 'BINARY_NOT_SUPPORTED');

    const user = await openClient(server.wsPort, 'user');
    user.send({ type: 'login', client_name: 'usr', room_id: 1 });
    const welcome = await user.nextJson();
    assert.equal((await observer.nextJson()).type, 'joined');
    for (const [input, code] of AFTER_LOGIN) {
      user.send(input);
      assert.equal((await user.nextJson()).code, code, input);
    }
    user.send({ type: 'say', to_client_id: welcome.client_id, content: 'me' });
    assert.equal((await user.nextJson()).code, 'INVALID_TARGET');
    user.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await user.nextJson()).code, 'BINARY_NOT_SUPPORTED');

    // Error frames have exactly the documented shape.
    user.send('{"type":"bogus"}');
    assert.deepEqual(Object.keys(await user.nextJson()), ['type', 'code', 'message']);

    // Still connected and still logged in as before, and the observer saw nothing of all that.
    user.send({ type: 'say', to_client_id: 'all', content: 'still here' });
    assert.equal((await user.nextJson()).content, 'still here');
    const seen = await observer.nextJson();
    assert.equal(seen.type, 'message', 'the first thing the observer sees after the join is this message');
    assert.equal(seen.text, 'still here');
    assert.deepEqual(stranger.pending(), []);
    await Promise.all([observer.close(), stranger.close(), user.close()]);
  } finally {
    await server.close();
  }
});

test('an oversized frame closes with 1009 and flooding closes with 1008; nobody else notices', async () => {
  const server = await startTestServer({ maxFrame: 1024, rate: 5 });
  try {
    const observer = await openClient(server.wsPort, 'observer');
    observer.send({ type: 'join', name: 'obs', room: '1' });
    await observer.nextJson();
    const speaker = await openClient(server.wsPort, 'speaker');
    speaker.send({ type: 'login', client_name: 'spk', room_id: 1 });
    await speaker.nextJson();
    await observer.nextJson(); // joined

    const big = await openClient(server.wsPort, 'big');
    big.send({ type: 'login', client_name: 'x'.repeat(2000), room_id: 1 });
    assert.equal((await big.closed).code, 1009);

    const flood = await openClient(server.wsPort, 'flood');
    for (let i = 0; i < 40; i++) flood.send('{"type":"pong"}');
    assert.equal((await flood.nextJson()).code, 'RATE_LIMITED');
    assert.equal((await flood.closed).code, 1008);

    speaker.send({ type: 'say', to_client_id: 'all', content: 'after the abuse' });
    const seen = await observer.nextJson();
    assert.equal(seen.text, 'after the abuse');
    await Promise.all([observer.close(), speaker.close()]);
  } finally {
    await server.close();
  }
});
