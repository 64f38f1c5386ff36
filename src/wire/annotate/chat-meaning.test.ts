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

test('current workerman dialect and wirechat dialect are told apart', () => {
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
  assert.deepEqual(join, { dialect: 'wirechat', type: 'join', summary: 'carol joins room lobby' });
  const msg = chat.describe(
    6,
    'server',
    '{"type":"message","id":"1","room":"lobby","from":{"id":"9","name":"dave"},"to":"all","text":"yo","ts":1}',
  );
  assert.equal(msg?.dialect, 'wirechat');
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
  assert.ok(evil!.summary.length < 100);
});
