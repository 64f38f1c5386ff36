// Reading chat frames off the wire with the chat's own codecs: every frame a codec writes reads
// back as its dialect, type and fields; client frames read the way the server decodes them,
// refusals included; texts that are not chat are not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codecs } from './dialects.js';
import { encodeError, protocolError } from './errors.js';
import { DIALECTS, type Dialect, type MessageEvent, type UserRef } from './events.js';
import { readFrame } from './frame-reader.js';
import type { ClientFrame, ServerFrame, UnknownFrame } from './frames.js';
import { DEFAULT_INPUT_LIMITS } from './limits.js';

const alice: UserRef = { id: 1234567890123456, name: 'alice' };
const bob: UserRef = { id: 2234567890123456, name: 'bob <b>' };
const ts = Date.UTC(2024, 0, 2, 3, 4, 5);
const message = (to: UserRef | null, text = 'hi / 猪猪'): MessageEvent => ({
  type: 'message',
  id: '42',
  room: '1',
  from: alice,
  to,
  text,
  ts,
});

/** A server frame read on a connection of its own dialect, and with no dialect known. */
function readServer(text: string, dialect: Dialect): ServerFrame {
  const f = readFrame(text, 'server', dialect);
  assert.ok(f && f.direction === 'server' && f.dialect !== undefined, text);
  return f;
}

test('every frame each codec writes reads back as that dialect and type', () => {
  for (const dialect of DIALECTS) {
    const codec = codecs[dialect];
    const written: [string | undefined, string][] = [
      ...codec
        .welcome(alice, '1', [bob, alice], ts, { session: 'tok', grace: 20000 })
        .map((text): [string, string] => [
          text,
          { seed: 'user_list', workerman: 'login', native: 'welcome' }[dialect],
        ]),
      [
        codec.join({ type: 'join', room: '1', user: bob, ts }),
        { seed: 'login', workerman: 'login', native: 'joined' }[dialect],
      ],
      [
        codec.leave({ type: 'leave', room: '1', user: bob, ts, reason: 'close' }),
        { seed: 'logout', workerman: 'logout', native: 'left' }[dialect],
      ],
      [codec.publicMessage(message(null)), dialect === 'native' ? 'message' : 'say'],
      [codec.privateMessage(message(bob), false), dialect === 'native' ? 'message' : 'say'],
      [codec.privateMessage(message(bob), true), dialect === 'native' ? 'message' : 'say'],
      [codec.history('1', [message(null)], false), 'history'],
      [codec.typing?.({ type: 'typing', room: '1', user: bob, ts }), 'typing'],
      [codec.ping(), 'ping'],
      [codec.pong(), 'pong'],
      [encodeError(protocolError('NAME_TAKEN', 'taken')), 'error'],
    ];
    for (const [text, type] of written) {
      if (text === undefined) continue; // the dialect has no such frame
      const f = readServer(text, dialect);
      assert.equal(f.dialect, dialect, text);
      assert.equal(f.type, type, text);
      // Frames with a shape of their own are known without knowing the connection's dialect.
      if (!['error', 'ping', 'pong', 'history'].includes(type)) {
        assert.equal(readFrame(text, 'server')?.dialect, dialect, text);
      }
    }
  }
});

test('server frames give their fields as the frame holds them', () => {
  const seedList = readServer(codecs.seed.welcome(alice, '1', [bob, alice], ts)[0]!, 'seed');
  assert.deepEqual(seedList.type === 'user_list' && seedList.users, [
    { id: String(bob.id), name: 'bob &lt;b&gt;' },
    { id: String(alice.id), name: 'alice' },
  ]);
  const welcome = readServer(codecs.workerman.welcome(alice, '1', [bob, alice], ts)[0]!, 'workerman');
  assert.ok(welcome.type === 'login' && welcome.users);
  assert.deepEqual(welcome.user, { id: String(alice.id), name: 'alice' });
  assert.deepEqual(
    welcome.users.map((u) => u.id),
    [String(bob.id), String(alice.id)],
  );
  const said = readServer(codecs.workerman.privateMessage(message(bob), false)!, 'workerman');
  assert.ok(said.type === 'say');
  assert.deepEqual(said.from, { id: String(alice.id), name: 'alice' });
  assert.deepEqual(said.to, { id: String(bob.id), name: undefined });
  assert.equal(said.content, '<b>对你说: </b>hi / 猪猪');
  const native = readServer(codecs.native.privateMessage(message(bob), false)!, 'native');
  assert.ok(native.type === 'message');
  assert.deepEqual(native.to, { id: String(bob.id), name: 'bob <b>' });
  assert.equal(native.text, 'hi / 猪猪');
  const history = readServer(codecs.native.history('1', [message(null), message(null)], false)!, 'native');
  assert.deepEqual(history, {
    direction: 'server',
    dialect: 'native',
    type: 'history',
    messages: 2,
    complete: false,
  });
  const error = readServer(encodeError(protocolError('RATE_LIMITED', 'slow down')), 'seed');
  assert.deepEqual(error, {
    direction: 'server',
    dialect: 'seed',
    type: 'error',
    code: 'RATE_LIMITED',
    message: 'slow down',
  });
});

test('a frame several dialects write alike is the connection’s dialect, else a fixed default', () => {
  const error = encodeError(protocolError('NOT_LOGGED_IN', 'log in first'));
  assert.equal(readFrame(error, 'server', 'workerman')?.dialect, 'workerman');
  assert.equal(readFrame(error, 'server')?.dialect, 'native');
  assert.equal(readFrame('{"type":"ping"}', 'server', 'native')?.dialect, 'native');
  assert.equal(readFrame('{"type":"ping"}', 'server')?.dialect, 'workerman');
  // The seed dialect has no ping: on a seed connection it is still today's heartbeat.
  assert.equal(readFrame('{"type":"ping"}', 'server', 'seed')?.dialect, 'workerman');
  assert.equal(
    readFrame('{"type":"history","messages":[],"complete":true}', 'server', 'seed')?.dialect,
    'seed',
  );
  // A key of its own beats the connection's dialect.
  assert.equal(
    readFrame('{"type":"history","room_id":"1","messages":[]}', 'server', 'seed')?.dialect,
    'workerman',
  );
  assert.equal(
    readFrame('{"type":"say","from_client_id":"1","content":"x"}', 'server', 'seed')?.dialect,
    'workerman',
  );
});

test('client frames read the way the server decodes them', () => {
  const cases: [string, Dialect, string][] = [
    ['{"type":"login","name":"mynick"}', 'seed', 'login'],
    ['{"type":"say","to_uid":"all","content":"hi, all !"}', 'seed', 'say'],
    ['{"type":"login","client_name":"alice","room_id":1}', 'workerman', 'login'],
    ['{"type":"say","to_client_id":"all","to_client_name":"x","content":"hi"}', 'workerman', 'say'],
    ['{"type":"join","name":"carol","room":"lobby","after":"7"}', 'native', 'join'],
    ['{"type":"send","to":"all","text":"yo"}', 'native', 'send'],
    ['{"type":"typing"}', 'native', 'typing'],
    ['{"type":"leave"}', 'native', 'leave'],
    ['{"type":"history","limit":5}', 'native', 'history'],
    ['{"type":"ping"}', 'native', 'ping'],
    ['{"type":"pong"}', 'workerman', 'pong'],
  ];
  for (const [text, dialect, type] of cases) {
    const f = readFrame(text, 'client') as ClientFrame;
    assert.equal(f.dialect, dialect, text);
    assert.equal(f.type, type, text);
    assert.deepEqual(f.read, codecs[dialect].decode(JSON.parse(text), DEFAULT_INPUT_LIMITS), text);
  }
  const login = readFrame(
    '{"type":"login","client_name":" ａｌｉｃｅ ","room_id":"01"}',
    'client',
  ) as ClientFrame;
  assert.deepEqual(login.read, { type: 'login', name: 'alice', room: '1' });
  assert.ok(login.type === 'login');
  assert.equal(
    login.name,
    ' ａｌｉｃｅ ',
    'fields are what the frame says, the command what the server keeps',
  );
});

test('what the server would refuse is read as its error', () => {
  const refused = (text: string, connection?: Dialect) => {
    const f = readFrame(text, 'client', connection) as ClientFrame | UnknownFrame | undefined;
    return f?.read && 'code' in f.read ? f.read.code : 'ACCEPTED';
  };
  assert.equal(refused('{"type":"login","name":"  "}'), 'NAME_EMPTY');
  assert.equal(refused('{"type":"login","name":"аӏісе"}'), 'NAME_LOOKALIKE');
  assert.equal(refused('{"type":"say","to_uid":"all","content":"\\u001b[31mred"}'), 'CONTENT_INVALID');
  assert.equal(refused('{"type":"send","to":"all"}'), 'MISSING_FIELD');
  assert.equal(refused('{"type":"history","limit":0}'), 'INVALID_FIELD');
  // The connection's codec reads it: a seed connection does not know wirechat's `join`.
  assert.equal(refused('{"type":"join","name":"a","room":"1"}', 'seed'), 'UNKNOWN_TYPE');
  assert.equal(refused('{"type":"join","name":"a","room":"1"}'), 'ACCEPTED');
  const unknown = readFrame('{"type":"bogus"}', 'client') as UnknownFrame | undefined;
  assert.equal(unknown?.dialect, undefined);
  assert.equal(unknown?.read && 'code' in unknown.read && unknown.read.code, 'UNKNOWN_TYPE');
  assert.deepEqual(readFrame('{"type":"bogus"}', 'server'), {
    direction: 'server',
    dialect: undefined,
    type: 'bogus',
  });
});

test('texts that are not chat frames are not read; the server’s JSON rules decide', () => {
  for (const text of [
    '',
    'hi',
    '{',
    '[1,2]',
    '{"no":"type"}',
    '{"type":1}',
    '"{\\"type\\":\\"x\\"}"',
    'null',
  ]) {
    assert.equal(readFrame(text, 'client'), undefined, text);
    assert.equal(readFrame(text, 'server'), undefined, text);
  }
  // JSON allows white space before the object and escapes in keys, and so does the server.
  assert.equal(readFrame(' \n{"type":"ping"}', 'client')?.type, 'ping');
  assert.equal(readFrame('{"\\u0074ype":"ping"}', 'client')?.type, 'ping');
});

test('a text read again (a broadcast seen once per recipient) reads the same, by direction and dialect', () => {
  const say = '{"type":"say","to_client_id":"all","content":"hi"}';
  const ping = '{"type":"ping"}';
  /** The same text as another string object, as each recipient's copy is decoded on its own. */
  const copy = (text: string): string => (' ' + text).slice(1);
  const firstSeed = readFrame(say, 'client', 'seed');
  for (let round = 0; round < 3; round++) {
    assert.equal(readFrame(copy(say), 'client', 'workerman')?.direction, 'client');
    assert.equal(readFrame(copy(say), 'server', 'workerman')?.direction, 'server');
    assert.equal(readFrame(copy(ping), 'server', 'native')?.dialect, 'native');
    assert.equal(readFrame(copy(ping), 'server')?.dialect, 'workerman');
    assert.equal(readFrame(copy(ping), 'client')?.type, 'ping');
    // On a seed connection the server refuses workerman's keys; on a workerman one it does not.
    assert.deepEqual(readFrame(copy(say), 'client', 'seed'), firstSeed);
    assert.notDeepEqual(readFrame(copy(say), 'client', 'seed'), readFrame(copy(say), 'client', 'workerman'));
    // More distinct texts than are remembered, interleaved as connections interleave on the wire.
    for (let i = 0; i < 12; i++) {
      const other = `{"type":"say","to_client_id":"all","content":"${i}"}`;
      assert.equal(readFrame(other, 'client', 'workerman')?.dialect, 'workerman');
    }
  }
});
