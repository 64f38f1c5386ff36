import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChatContext } from './chat-meaning.js';

test('seed dialect: the seed session explained like the seed document', () => {
  const chat = createChatContext();
  // Connection 2 is mynick's browser, connection 1 the other browser (猪猪).
  assert.equal(chat.describe(2, 'client', '{"type":"login","name":"mynick"}')?.summary, 'mynick logs in');
  const list = chat.describe(
    2,
    'server',
    '{"type":"user_list","user_list":[{"uid":783654164,"name":"\\u732a\\u732a"},{"uid":783700053,"name":"mynick"}]}',
  );
  assert.deepEqual(list, {
    dialect: 'seed',
    type: 'user_list',
    summary: 'server sends the user list (2 users) to the newcomer',
  });
  const login = '{"type":"login","uid":783700053,"name":"mynick","time":"2014-08-12 17:50:30"}';
  assert.equal(
    chat.describe(2, 'server', login)?.summary,
    'server tells that mynick logged in (back to its sender)',
  );
  chat.describe(1, 'client', '{"type":"login","name":"猪猪"}');
  chat.describe(1, 'server', '{"type":"user_list","user_list":[{"uid":783654164,"name":"猪猪"}]}');
  assert.equal(
    chat.describe(1, 'server', login)?.summary,
    "server tells that mynick logged in (to another browser, 猪猪's)",
  );
  const say = chat.describe(2, 'client', '{"type":"say","to_uid":"all","content":"hi, all !"}');
  assert.equal(say?.summary, 'mynick says "hi, all !" to all');
  const fwd =
    '{"type":"say","from_uid":783700053,"to_uid":"all","content":"hi, all !","time":"2014-08-12 :51:02"}';
  assert.match(
    chat.describe(1, 'server', fwd)!.summary,
    /^server forwards the say from mynick to all \(to another browser/,
  );
  assert.match(chat.describe(2, 'server', fwd)!.summary, /\(back to its sender\)/);
  const priv = chat.describe(2, 'client', '{"type":"say","to_uid":783654164,"content":"psst"}');
  assert.equal(priv?.summary, 'mynick says "psst" privately to 猪猪');
  assert.equal(
    chat.describe(2, 'server', '{"type":"logout","uid":783654164,"time":"x"}')?.summary,
    'server tells that 猪猪 left',
  );
});

test("current workerman dialect and wirechat's own (native) dialect are told apart", () => {
  const chat = createChatContext();
  const login = chat.describe(5, 'client', '{"type":"login","client_name":"alice","room_id":1}');
  assert.deepEqual(login, { dialect: 'workerman', type: 'login', summary: 'alice logs in to room 1' });
  const welcome = chat.describe(
    5,
    'server',
    '{"type":"login","client_id":"a1","client_name":"alice","time":"t","client_list":{"b2":"bob","a1":"alice"}}',
  );
  assert.equal(welcome?.dialect, 'workerman');
  assert.match(welcome!.summary, /user list \(2 users\) to the newcomer/);
  const say = chat.describe(
    5,
    'client',
    '{"type":"say","to_client_id":"b2","to_client_name":"bob","content":"x"}',
  );
  assert.equal(say?.summary, 'alice says "x" privately to bob');
  assert.equal(chat.describe(5, 'server', '{"type":"ping"}')?.type, 'ping');
  const join = chat.describe(6, 'client', '{"type":"join","name":"carol","room":"lobby"}');
  assert.deepEqual(join, { dialect: 'native', type: 'join', summary: 'carol joins room lobby' });
  const msg = chat.describe(
    6,
    'server',
    '{"type":"message","id":"1","room":"lobby","from":{"id":"9","name":"dave"},"to":"all","text":"yo","ts":1}',
  );
  assert.equal(msg?.dialect, 'native');
  assert.match(msg!.summary, /^server delivers dave's message to all: "yo"$/);
});

test('non-chat text gets no meaning; unknown types are flagged; hostile text is neutralised', () => {
  const chat = createChatContext();
  assert.equal(chat.describe(1, 'client', 'not json'), undefined);
  assert.equal(chat.describe(1, 'client', '[1,2]'), undefined);
  assert.equal(chat.describe(1, 'client', '{"no":"type"}'), undefined);
  assert.equal(chat.describe(1, 'client', '{"type":"bogus"}')?.dialect, 'unknown');
  const evil = chat.describe(
    1,
    'client',
    JSON.stringify({ type: 'login', name: '\u001b[31mred' + 'x'.repeat(500) }),
  );
  assert.ok(!evil!.summary.includes('\u001b'));
  // The name is cut (60 characters and '…'); the refusal is noted after it.
  assert.ok(evil!.summary.length < 110);
  assert.match(evil!.summary, /x… logs in \(wirechat refuses it: NAME_TOO_LONG\)$/);
});

test("every frame of wirechat's own dialect is explained, typing and leaving included", () => {
  const chat = createChatContext();
  chat.describe(
    3,
    'server',
    '{"type":"welcome","you":{"id":"7","name":"eve"},"room":"1","users":[{"id":"7","name":"eve"}],"ts":1}',
  );
  assert.deepEqual(chat.describe(3, 'client', '{"type":"typing"}'), {
    dialect: 'native',
    type: 'typing',
    summary: 'eve is typing',
  });
  assert.equal(chat.describe(3, 'client', '{"type":"leave"}')?.summary, 'eve leaves the chat');
  const typing = '{"type":"typing","room":"1","user":{"id":"8","name":"fay"},"ts":2}';
  assert.equal(chat.describe(3, 'server', typing)?.summary, 'server tells that fay is typing in room 1');
  const left = '{"type":"left","room":"1","user":{"id":"8","name":"fay"},"ts":3,"moved":"2"}';
  assert.equal(chat.describe(3, 'server', left)?.summary, 'server tells that fay left room 1');
});

test("shared frames take the connection's dialect; refusals of wirechat are noted", () => {
  const chat = createChatContext();
  chat.describe(4, 'client', '{"type":"login","name":"mynick"}');
  const history = chat.describe(4, 'client', '{"type":"history","limit":5}');
  assert.deepEqual(history, {
    dialect: 'seed',
    type: 'history',
    summary: "mynick asks for the room's history (limit 5)",
  });
  const error = chat.describe(4, 'server', '{"type":"error","code":"RATE_LIMITED","message":"slow down"}');
  assert.deepEqual(error, {
    dialect: 'seed',
    type: 'error',
    summary: 'server reports an error: RATE_LIMITED "slow down"',
  });
  const ansi = chat.describe(
    4,
    'client',
    JSON.stringify({ type: 'say', to_uid: 'all', content: '\u001b[2J' }),
  );
  assert.equal(ansi?.summary, 'mynick says " [2J" to all (wirechat refuses it: CONTENT_INVALID)');
  // A seed connection speaks the seed dialect: wirechat's `join` is not part of it.
  const join = chat.describe(4, 'client', '{"type":"join","name":"x","room":"1"}');
  assert.equal(join?.summary, 'x joins room 1 (wirechat refuses it: UNKNOWN_TYPE)');
  // The original server's client ids are hex strings: no user of wirechat, but not the frame's fault.
  const original = chat.describe(
    5,
    'client',
    '{"type":"say","to_client_id":"7f0000010b5600000001","content":"x"}',
  );
  assert.equal(original?.summary, 'the client says "x" privately to user 7f0000010b5600000001');
});

test('frames of any type with fields of any kind are explained, never thrown on', () => {
  const types = ['login', 'say', 'logout', 'user_list', 'welcome', 'joined', 'left', 'typing', 'message'];
  const more = ['history', 'error', 'ping', 'pong', 'join', 'send', 'leave', '__proto__', 'constructor'];
  const values: unknown[] = [
    null,
    0,
    -1.5,
    '',
    'x'.repeat(200),
    'all',
    [],
    [1, null, {}],
    {},
    { id: 1 },
    true,
  ];
  const keys = ['name', 'uid', 'user_list', 'client_id', 'client_name', 'client_list', 'from_uid', 'to_uid'];
  keys.push('from_client_id', 'to_client_id', 'content', 'you', 'users', 'room', 'user', 'from', 'to');
  keys.push('text', 'messages', 'complete', 'code', 'message', 'room_id', 'limit', 'after');
  const chat = createChatContext();
  let n = 0;
  for (const type of [...types, ...more]) {
    for (let i = 0; i < values.length; i++) {
      const frame: Record<string, unknown> = { type };
      for (let k = 0; k < keys.length; k++) frame[keys[k]!] = values[(i + k) % values.length];
      for (const side of ['client', 'server'] as const) {
        const meaning = chat.describe(i % 3, side, JSON.stringify(frame));
        assert.equal(typeof meaning?.summary, 'string', `${side} ${JSON.stringify(frame)}`);
        assert.ok(meaning!.summary.length < 400);
        n++;
      }
    }
  }
  assert.equal(n, (types.length + more.length) * values.length * 2);
});

test('quotes: every control character becomes one space, the cut at 60 characters comes first', () => {
  const chat = createChatContext();
  const say = (content: string): string =>
    chat
      .describe(1, 'client', JSON.stringify({ type: 'say', to_uid: 'all', content }))!
      .summary.replace(/ \(wirechat refuses it: CONTENT_\w+\)$/, '');
  assert.equal(say('a\u0000b\u001fc\u007fd\u009fe\u00a0f'), 'the client says "a b c d e\u00a0f" to all');
  assert.equal(say('\n\t'), 'the client says "  " to all');
  // A control character past the cut is not scanned; one just before it is replaced.
  assert.equal(
    say('y'.repeat(59) + '\u0001' + '\u0002'.repeat(10)),
    `the client says "${'y'.repeat(59)} …" to all`,
  );
});

test('one broadcast read once per recipient: the same quote, each with its own audience', () => {
  const chat = createChatContext();
  const bcast = '{"type":"say","from_uid":1,"to_uid":"all","content":"hi\\u0007 there","time":"t"}';
  chat.describe(
    1,
    'server',
    '{"type":"user_list","user_list":[{"uid":2,"name":"bob"},{"uid":1,"name":"al"}]}',
  );
  chat.describe(
    2,
    'server',
    '{"type":"user_list","user_list":[{"uid":1,"name":"al"},{"uid":2,"name":"bob"}]}',
  );
  const other = '{"type":"say","from_uid":2,"to_uid":"all","content":"other","time":"t"}';
  assert.equal(
    chat.describe(1, 'server', bcast)!.summary,
    'server forwards the say from al to all (back to its sender): "hi  there"',
  );
  assert.equal(
    chat.describe(1, 'server', other)!.summary,
    'server forwards the say from bob to all (to another browser): "other"',
  );
  assert.equal(
    chat.describe(2, 'server', bcast)!.summary,
    'server forwards the say from al to all (to another browser): "hi  there"',
  );
  assert.equal(
    chat.describe(2, 'server', bcast)!.summary,
    'server forwards the say from al to all (to another browser): "hi  there"',
  );
});
