// `wirechat demo --mode tap --browser`: after the scripted session the chat stays open, its page
// is told to connect through the tap, and what a browser says there is decoded like the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startChildCommand } from '../testing/child-command.js';

test('demo --browser: the page connects through the tap; its messages are decoded; Ctrl-C ends it, exit 0', async () => {
  const demo = startChildCommand('demo', ['--mode', 'tap', '--browser', '--format', 'jsonl']);
  try {
    await demo.waitFor(/the chat's page: http:\/\/127\.0\.0\.1:\d+\/ \(its WebSocket goes through the tap\)/);
    const page = /the chat's page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(demo.stderr())![1]!;
    const tap = /captured by wirechat tap/.test(demo.stderr());
    assert.ok(tap, demo.stderr());
    // What the page does: ask the server where to connect, then join and speak.
    const config = (await (await fetch(new URL('/config.json', page))).json()) as {
      wsPort: number;
      wsUrl?: string;
    };
    assert.ok(config.wsUrl, 'the page is given the tap');
    assert.notEqual(new URL(config.wsUrl).port, String(config.wsPort), 'the tap, not the chat itself');
    // The scripted session first (its last message is the logout of its second user).
    await demo.waitFor((out) => (out.match(/"type\\?":\\?"logout/g) ?? []).length > 0, 'stdout');
    const ws = new WebSocket(config.wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'join', name: 'dave', room: '1' }));
    await new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        if (String(data).includes('"welcome"')) resolve();
      }),
    );
    ws.send(JSON.stringify({ type: 'send', to: 'all', text: 'hello from a browser' }));
    await demo.waitFor(/hello from a browser/, 'stdout');
    ws.close();
    demo.interrupt();
    assert.equal(await demo.exited, 0, demo.stderr());
    const events = demo
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const said = events.find(
      (e) =>
        e.event === 'ws.message' && e.from === 'client' && String(e.text).includes('hello from a browser'),
    );
    assert.ok(said, 'the browser message, decoded');
    assert.equal(said.masked, true);
    assert.equal(events.at(-1)!.event, 'summary');
  } finally {
    demo.interrupt();
    await demo.exited;
  }
});
