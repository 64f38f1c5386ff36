// `wirechat capture` with the real tcpdump, the real chat server and real clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createChatServer } from '../chat/server.js';
import { playSeedSession } from '../demo/seed-session.js';
import { startChildCommand } from '../testing/child-command.js';
import { tshark } from '../testing/wire/tap-test-kit.js';
import { snaplenFor } from '../wire/source/interface-mtu.js';
import { DEFAULT_BUFFER_KIB } from '../wire/source/live-capture.js';

const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'wirechat-capture-'));

/** Packet contents without times: two captures of the same traffic must agree on these. */
const packetFields = (file: string): string[] =>
  tshark([
    '-r',
    file,
    '-T',
    'fields',
    '-e',
    'ip.src',
    '-e',
    'tcp.srcport',
    '-e',
    'tcp.dstport',
    '-e',
    'tcp.seq_raw',
    '-e',
    'tcp.ack_raw',
    '-e',
    'tcp.flags',
    '-e',
    'tcp.payload',
  ])
    .trim()
    .split('\n');

test(
  'a live chat session: every message unmasked in the output, SIGINT ends with the summary, -w equals a plain tcpdump',
  { skip: !root && 'needs root for tcpdump' },
  async () => {
    const server = await createChatServer({ host: '127.0.0.1', wsPort: 0, webPort: 0, logLevel: 'silent' });
    const ours = join(dir, 'ours.pcap');
    const plainFile = join(dir, 'plain.pcap');
    const filter = ['tcp', 'port', String(server.wsPort)];
    // A plain tcpdump alongside, to compare what -w saved.
    // With capture's snaplen and buffer: the plain tcpdump must not drop what ours kept.
    const plain = spawn(
      'tcpdump',
      [
        '-i',
        'lo',
        '-U',
        '--immediate-mode',
        '-s',
        String(snaplenFor('lo')),
        '-B',
        String(DEFAULT_BUFFER_KIB),
        '-w',
        plainFile,
        ...filter,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let plainErr = '';
    plain.stderr.on('data', (d: Buffer) => (plainErr += String(d)));
    const capture = startChildCommand('capture', ['-i', 'lo', '--format', 'jsonl', '-w', ours, ...filter]);
    try {
      for (let i = 0; i < 400 && !/listening on/.test(plainErr); i++)
        await new Promise((r) => setTimeout(r, 25));
      await capture.waitFor(/listening on lo/);
      await playSeedSession(`ws://127.0.0.1:${server.wsPort}/`, 0);
      // Wait until both connections were seen closing (the last packets), then Ctrl-C.
      await capture.waitFor((out) => out.split('"how":"both-fin"').length > 2, 'stdout');
      capture.interrupt();
      assert.equal(await capture.exited, 0, capture.stderr());

      const events = capture
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const summary = events.at(-1)!;
      assert.equal(summary.event, 'summary');
      assert.equal(summary.connections, 2);
      const messages = events.filter((e) => e.event === 'ws.message');
      const fromClients = messages.filter((m) => m.from === 'client');
      // What the browsers sent is masked on the wire and readable here.
      assert.deepEqual(
        fromClients.map((m) => [m.masked, m.text]),
        [
          [true, '{"type":"login","name":"猪猪"}'],
          [true, '{"type":"login","name":"mynick"}'],
          [true, '{"type":"say","to_uid":"all","content":"hi, all !"}'],
        ],
      );
      const types = messages.filter((m) => m.from === 'server').map((m) => JSON.parse(String(m.text)).type);
      // 猪猪: user_list, login; mynick: user_list, login; 猪猪: login; both: say; 猪猪: logout.
      assert.deepEqual([...types].sort(), [
        'login',
        'login',
        'login',
        'logout',
        'say',
        'say',
        'user_list',
        'user_list',
      ]);
      assert.ok(events.some((e) => e.event === 'ws.close'));

      // -w saved the same packets tcpdump itself saw.
      const ourPackets = packetFields(ours);
      for (let i = 0; i < 400 && packetFields(plainFile).length < ourPackets.length; i++)
        await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(packetFields(plainFile), ourPackets);
      assert.equal(ourPackets.length, summary.packets);
    } finally {
      plain.kill('SIGINT');
      await once(plain, 'close');
      capture.child.kill('SIGKILL');
      await server.close();
    }
  },
);

test(
  'SIGINT on an idle capture prints the summary and exits 0',
  { skip: !root && 'needs root for tcpdump' },
  async () => {
    const capture = startChildCommand('capture', ['-i', 'lo', 'tcp', 'port', '9']);
    await capture.waitFor(/listening on lo/);
    capture.interrupt();
    assert.equal(await capture.exited, 0);
    assert.match(capture.stderr(), /summary: 0 packets/);
  },
);

test('tcpdump trouble is one line and exit 2: no such interface, bad filter, not found', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['-i', 'nosuch0'], /no such interface 'nosuch0'/],
    [['-i', 'lo', 'port', '7272', 'and'], /bad filter expression 'port 7272 and'/],
    [['--tcpdump', join(dir, 'missing-tcpdump'), '-i', 'lo'], /apt-get install tcpdump/],
  ];
  for (const [args, message] of cases) {
    const c = startChildCommand('capture', args);
    assert.equal(await c.exited, 2, c.stderr());
    assert.match(c.stderr(), message);
    assert.equal(c.stderr().trim().split('\n').length, 1, c.stderr());
  }
});
