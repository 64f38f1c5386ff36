// `wirechat tap` and TLS, as a user runs it (a child process, the real chat server over wss://,
// real clients): ending TLS on both sides shows the plaintext in between; an upstream whose
// certificate is not trusted is said so; TLS relayed untouched is decrypted with a key log
// written late, and `-w` keeps the secrets so the file decodes alone (wirechat read, tshark).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { startTestServer } from '../testing/chat/chat-client.js';
import { startChildCommand, type ChildCommand } from '../testing/child-command.js';
import { freePort } from '../shared/free-port.js';
import { tshark } from '../testing/wire/tap-test-kit.js';
import {
  available,
  readJsonl,
  saidTexts,
  writeCertificate,
  wssChat,
} from '../testing/wire/wss-recording-kit.js';

const hasTshark = available('tshark');

function appendLate(file: string, line: Buffer): void {
  try {
    appendFileSync(file, line);
  } catch {
    // the test is over and its directory gone
  }
}

const jsonl = (tap: ChildCommand): Array<Record<string, unknown>> =>
  tap
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function withTlsChat(
  run: (ctx: {
    dir: string;
    files: { cert: string; key: string };
    wsPort: number;
    tapPort: number;
  }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-tap-tls-'));
  const files = writeCertificate(dir);
  const server = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
  try {
    await run({ dir, files, wsPort: server.wsPort, tapPort: await freePort() });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the tap ends TLS on both sides and shows (and saves) the plaintext', { timeout: 30_000 }, () =>
  withTlsChat(async ({ dir, files, wsPort, tapPort }) => {
    const saved = join(dir, 'plain.pcapng');
    const tap = startChildCommand('tap', [
      '--listen',
      `127.0.0.1:${tapPort}`,
      '--upstream',
      `127.0.0.1:${wsPort}`,
      '--tls-cert',
      files.cert,
      '--tls-key',
      files.key,
      '--upstream-tls',
      '--upstream-ca',
      files.cert,
      '--format',
      'jsonl',
      '-w',
      saved,
    ]);
    try {
      await tap.waitFor(/listening on 127\.0\.0\.1:\d+ \(TLS\), relaying to 127\.0\.0\.1:\d+ \(TLS\)/);
      await wssChat(`wss://127.0.0.1:${tapPort}/`, ['through the tap', 'in clear here']);
      await tap.waitFor((out) => out.includes('"event":"ws.close"'), 'stdout');
      tap.interrupt();
      assert.equal(await tap.exited, 0, tap.stderr());
      const events = jsonl(tap);
      assert.deepEqual(saidTexts(events), ['through the tap', 'in clear here']);
      assert.equal(events.filter((e) => String(e.event).startsWith('tls.')).length, 0);
      assert.deepEqual(events.at(-1)!.problemsByCode, {});
      assert.deepEqual(saidTexts(readJsonl(saved)), ['through the tap', 'in clear here']);
      if (hasTshark) {
        assert.match(
          tshark(['-r', saved, '-Y', 'websocket', '-T', 'fields', '-e', 'text']),
          /through the tap/,
        );
      }
    } finally {
      tap.child.kill('SIGKILL');
    }
  }),
);

test(
  'an upstream certificate that is not trusted is said so, and the client is cut off',
  { timeout: 30_000 },
  () =>
    withTlsChat(async ({ files, wsPort, tapPort }) => {
      const tap = startChildCommand('tap', [
        '--listen',
        `127.0.0.1:${tapPort}`,
        '--upstream',
        `127.0.0.1:${wsPort}`,
        '--tls-cert',
        files.cert,
        '--tls-key',
        files.key,
        '--upstream-tls',
        '--format',
        'jsonl',
      ]);
      try {
        await tap.waitFor(/listening on/);
        const client = connect({ host: '127.0.0.1', port: tapPort, rejectUnauthorized: false });
        client.on('error', () => undefined);
        await new Promise<void>((resolve) => client.once('close', () => resolve()));
        await tap.waitFor(/TLS to upstream 127\.0\.0\.1:\d+ failed for .*SELF_SIGNED/);
        tap.interrupt();
        assert.equal(await tap.exited, 0, tap.stderr());
      } finally {
        tap.child.kill('SIGKILL');
      }
    }),
);

test(
  'TLS relayed untouched: a key log written late decrypts it, and -w carries the secrets',
  { timeout: 30_000 },
  () =>
    withTlsChat(async ({ dir, wsPort, tapPort }) => {
      const keylog = join(dir, 'keys.log');
      writeFileSync(keylog, '');
      const saved = join(dir, 'wss.pcapng');
      const tap = startChildCommand('tap', [
        '--listen',
        `127.0.0.1:${tapPort}`,
        '--upstream',
        `127.0.0.1:${wsPort}`,
        '--keylog',
        keylog,
        '--format',
        'jsonl',
        '-w',
        saved,
      ]);
      try {
        await tap.waitFor(/listening on/);
        const late = new Agent({ keepAlive: false });
        late.on('keylog', (line: Buffer) => void setTimeout(() => appendLate(keylog, line), 500));
        await wssChat(`wss://127.0.0.1:${tapPort}/`, ['relayed encrypted'], late);
        await tap.waitFor((out) => out.includes('"event":"ws.close"'), 'stdout', 10_000);
        tap.interrupt();
        assert.equal(await tap.exited, 0, tap.stderr());
        const events = jsonl(tap);
        assert.deepEqual(saidTexts(events), ['relayed encrypted']);
        assert.ok(events.some((e) => e.event === 'tls.client-hello' && e.keysKnown === true));
        assert.deepEqual(events.at(-1)!.problemsByCode, {});
        // The file alone: no key log given.
        const again = readJsonl(saved);
        assert.deepEqual(saidTexts(again), ['relayed encrypted']);
        assert.deepEqual(again.at(-1)!.problemsByCode, {});
        if (hasTshark) {
          assert.match(
            tshark(['-r', saved, '-Y', 'websocket', '-T', 'fields', '-e', 'text']),
            /relayed encrypted/,
          );
        }
      } finally {
        tap.child.kill('SIGKILL');
      }
    }),
);
