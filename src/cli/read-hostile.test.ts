// `wirechat read` against hostile input: garbage that never ends, absurd lengths, file names and
// capture contents that try to drive the terminal, times a Date cannot hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { createSyntheticConnection, type SyntheticPacket } from '../wire/source/synthetic-tcp.js';
import { conversation, writePcap, writePcapng } from '../testing/wire/time-test-captures.js';

const cli = join(projectRoot, 'bin', 'wirechat.js');
const dir = mkdtempSync(join(tmpdir(), 'wirechat-read-hostile-'));

function read(args: string[], input?: Buffer): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, 'read', ...args], {
    input,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15_000, // a read that never ends fails instead of hanging the suite
  });
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), status: r.status };
}

/**
 * Runs `read -` with `prefix` and then zeros for ever on stdin (written as fast as the child
 * takes them). Resolves with the exit code, stderr and how many bytes the child accepted; a child
 * still reading after `limitMs` is killed and reported as such.
 */
async function readEndless(
  prefix: Buffer,
  args: string[] = [],
  limitMs = 15_000,
): Promise<{ code: number | null; stderr: string; accepted: number; killed: boolean }> {
  const child = spawn(process.execPath, [cli, 'read', ...args, '-'], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // EPIPE once the child stopped reading: expected
  let accepted = 0;
  let exited = false;
  const zeros = Buffer.alloc(64 * 1024);
  const pump = (): void => {
    while (!exited && !child.stdin.destroyed) {
      accepted += zeros.length;
      if (!child.stdin.write(zeros)) return void child.stdin.once('drain', pump);
    }
  };
  child.stdin.write(prefix);
  pump();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  exited = true;
  clearTimeout(timer);
  child.stdin.destroy();
  return { code, stderr, accepted, killed };
}

function pcapHeader(snaplen: number): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(101, 20);
  return h;
}

function pcapRecord(caplen: number, data = Buffer.alloc(0)): Buffer {
  const r = Buffer.alloc(16);
  r.writeUInt32LE(1_700_000_000, 0);
  r.writeUInt32LE(caplen, 8);
  r.writeUInt32LE(caplen, 12);
  return Buffer.concat([r, data]);
}

test('read: /dev/zero and endless zeros on stdin end at once with BAD_CAPTURE_HEADER, exit 1', async () => {
  const file = read(['/dev/zero']);
  assert.equal(file.status, 1, file.stderr);
  assert.match(
    file.stderr,
    /^wirechat read: \/dev\/zero: not a pcap or pcapng file .*\(BAD_CAPTURE_HEADER\)\n$/,
  );
  assert.equal(file.stdout, '', 'garbage gets its one line on stderr, nothing on stdout');

  const r = await readEndless(Buffer.alloc(0));
  assert.equal(r.killed, false, `still reading endless garbage after 15 s (took ${r.accepted} bytes)`);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /^wirechat read: -: not a pcap or pcapng file \(starts with 00000000\) \(BAD_CAPTURE_HEADER\)\n$/,
  );
  // It stopped after a few chunks, not after reading everything that came.
  assert.ok(r.accepted < 16 * 1024 * 1024, `accepted ${r.accepted} bytes of garbage`);
});

test('read: an absurd pcap record length is BAD_RECORD, whatever the snaplen, and ends the reading', async () => {
  // A garbage snaplen of 4 GiB must not license a 4 GiB record: it is reported, never buffered.
  const good = Buffer.from(conversation()[0]!);
  const bytes = Buffer.concat([
    pcapHeader(0xffffffff),
    pcapRecord(good.length, good),
    pcapRecord(0xfffffff0),
  ]);
  const r = await readEndless(bytes, ['--format', 'jsonl']);
  assert.equal(r.killed, false, 'still reading after an untrustworthy record length');
  assert.equal(r.code, 0, r.stderr); // the packet before the bad record was decoded
  assert.ok(r.accepted < 16 * 1024 * 1024, `accepted ${r.accepted} bytes after the bad record`);

  const file = join(dir, 'absurd.pcap');
  writeFileSync(file, bytes);
  const j = read(['--format', 'jsonl', file]);
  assert.equal(j.status, 0, j.stderr);
  const lines = j.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const bad = lines.find((e) => e.code === 'BAD_RECORD');
  assert.ok(bad, j.stdout);
  assert.match(String(bad.message), /record 2 claims 4294967280 captured bytes/);
  assert.equal(lines.filter((e) => e.event === 'tcp.segment').length, 1);
});

test('read: a later pcapng section header or block length that is garbage ends the reading', async () => {
  const capture = writePcapng(conversation().slice(0, 2), [1_700_000_000_000_000n, 1_700_000_000_000_001n]);
  const badBom = Buffer.alloc(28);
  badBom.writeUInt32LE(0x0a0d0d0a, 0);
  badBom.writeUInt32LE(28, 4);
  badBom.writeUInt32LE(0xdeadbeef, 8);
  const badLength = Buffer.alloc(12);
  badLength.writeUInt32LE(6, 0); // an EPB…
  badLength.writeUInt32LE(0xfffffff0, 4); // …of 4 GiB
  for (const [tail, code] of [
    [badBom, 'BLOCK_UNREADABLE'],
    [badLength, 'BLOCK_UNREADABLE'],
  ] as const) {
    const r = await readEndless(Buffer.concat([capture, tail]));
    assert.equal(r.killed, false, 'still reading after a garbage block');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`problems: 1 \\(${code} ×1\\)`));
    assert.match(r.stderr, /summary: 2 packets/);
    assert.ok(r.accepted < 16 * 1024 * 1024);
  }
});

// ESC ] 0 ; title BEL sets the terminal's title, ESC [ 2 J clears the screen.
const EVIL = 'evil\x1b]0;title\x07\x1b[2J';
// eslint-disable-next-line no-control-regex -- control characters are exactly what must not appear
const TERMINAL_BYTES = /[\x1b\x07\u2028\u2029\u202e\u2066\u0085]/;

test('read: a file name with escape sequences is shown escaped in every message', () => {
  const missing = join(dir, `${EVIL}.pcap`);
  const garbage = join(dir, `${EVIL}-garbage.pcap`);
  writeFileSync(garbage, 'not a capture at all');
  const capture = join(dir, 'ok.pcap');
  writeFileSync(
    capture,
    writePcap(
      conversation(),
      conversation().map(() => ({ sec: 1n, frac: 0n })),
      false,
    ),
  );
  const cases: Array<[string[], RegExp]> = [
    [[missing], /no such file/],
    [[garbage], /BAD_CAPTURE_HEADER/],
    [['-o', join(dir, 'no-such-dir', `${EVIL}.txt`), capture], /cannot write/],
    [['--port', EVIL, capture], /--port must be/],
  ];
  for (const [args, what] of cases) {
    const r = read(args);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, what);
    assert.doesNotMatch(r.stderr + r.stdout, TERMINAL_BYTES, JSON.stringify(r.stderr));
    assert.ok(r.stderr.includes('evil\\x1b]0;title\\x07\\x1b[2J'), r.stderr);
  }
});

/** A capture whose HTTP headers, messages and close reason hold terminal controls and separators. */
function hostileConversation(): Buffer {
  const packets: SyntheticPacket[] = [];
  const conn = createSyntheticConnection(
    { ip: '10.0.0.1', port: 40000 },
    { ip: '10.0.0.2', port: 7272 },
    (p) => packets.push(p),
    () => 1_700_000_000_000_000_000n,
  );
  conn.open();
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  conn.data(
    'client',
    Buffer.from(
      `GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nX-Evil: a\x1b]0;pwned\x07b\u2028c\u202ed\r\n\r\n`,
    ),
  );
  conn.data(
    'server',
    Buffer.from(
      'HTTP/1.1 101 Switching\x1b[2J Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    ),
  );
  const text = Buffer.from('line\u2028para\u2029bidi\u202eiso\u2066nel\u0085end');
  conn.data('server', Buffer.concat([Buffer.from([0x81, text.length]), text]));
  const reason = Buffer.from('bye\u2028\x1b[31m');
  conn.data('server', Buffer.concat([Buffer.from([0x88, reason.length + 2, 0x03, 0xe8]), reason]));
  return writePcap(
    packets.map((p) => p.data),
    packets.map(() => ({ sec: 1_700_000_000n, frac: 0n })),
    false,
  );
}

test('read: HTTP headers, reason phrases, messages and close reasons never reach the terminal raw', () => {
  const file = join(dir, 'hostile-http.pcap');
  writeFileSync(file, hostileConversation());
  for (const args of [[], ['-A'], ['-X'], ['--full']]) {
    const r = read([...args, file]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(
      r.stdout + r.stderr,
      TERMINAL_BYTES,
      `${args.join(' ')}: ${JSON.stringify(r.stdout)}`,
    );
    if (args.length === 0) {
      assert.ok(r.stdout.includes('X-Evil: a\\x1b]0;pwned\\x07b'), r.stdout);
      assert.ok(r.stdout.includes('line\\u2028para\\u2029bidi\\u202eiso\\u2066nel\\x85end'), r.stdout);
      assert.ok(r.stdout.includes('Switching\\x1b[2J Protocols'), r.stdout);
      assert.ok(r.stdout.includes('bye\\u2028\\x1b[31m'), r.stdout);
    }
  }
});

test('read: times out of range never print NaN, in any view; jsonl stays valid JSON', () => {
  const packets = conversation();
  const at = (base: bigint): bigint[] => packets.map((_, i) => base + BigInt(i));
  const captures: Array<[string, Buffer, RegExp]> = [
    // 2^63 µs: past what a Date holds, but a time of day all the same (tcpdump prints 04:00:54).
    ['huge-ticks.pcapng', writePcapng(packets, at(1n << 63n)), /^04:00:54\.775808(000)? IP /m],
    // if_tsoffset of 2^62 s, either sign: tcpdump cannot convert it either.
    [
      'huge-offset.pcapng',
      writePcapng(packets, at(1_700_000_000_000_000n), { tsoffset: 1n << 62n }),
      /^\[Error converting time\] IP /m,
    ],
    [
      'negative-offset.pcapng',
      writePcapng(packets, at(1_000_000n), { tsoffset: -(1n << 62n) }),
      /^\[Error converting time\] IP /m,
    ],
  ];
  for (const [name, bytes, expected] of captures) {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    for (const args of [['--utc'], ['--utc', '-A'], ['--utc', '--time-stamp-precision', 'nano']]) {
      const r = read([...args, file]);
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /NaN/, `${name} ${args.join(' ')}`);
      assert.match(r.stdout, expected, `${name} ${args.join(' ')}`);
    }
    const j = read(['--format', 'jsonl', file]);
    assert.equal(j.status, 0, j.stderr);
    assert.doesNotMatch(j.stdout, /NaN|Infinity/);
    for (const line of j.stdout.trim().split('\n')) {
      const ev = JSON.parse(line) as { ts: unknown };
      assert.equal(typeof ev.ts, 'number', line);
    }
  }
});
