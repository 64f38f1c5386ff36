// Nothing the user owns is destroyed: -o/-w go to a temporary file that only success renames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixturesDir, projectRoot } from '../../shared/paths.js';
import { openOutputFile } from './output-file.js';

const dir = mkdtempSync(join(tmpdir(), 'wirechat-output-'));
const bin = join(projectRoot, 'bin', 'wirechat.js');
const readme = join(projectRoot, 'README.md');
const seed = join(fixturesDir, 'workerman-2014-seed-session.pcap');

test('commit renames the new content over the target; until then the old file is untouched', async () => {
  const target = join(dir, 'a.txt');
  writeFileSync(target, 'old');
  const out = openOutputFile(target);
  out.stream.write('new content');
  assert.equal(readFileSync(target, 'utf8'), 'old');
  await out.commit();
  assert.equal(readFileSync(target, 'utf8'), 'new content');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.part')),
    [],
  );
});

test('discard leaves the old file as it was and no temporary file behind', () => {
  const target = join(dir, 'b.txt');
  writeFileSync(target, 'precious');
  const out = openOutputFile(target);
  out.stream.write('half a page');
  out.discard();
  assert.equal(readFileSync(target, 'utf8'), 'precious');
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('.b.txt')));
});

test('a directory or a missing directory is one clear error before anything starts', () => {
  assert.throws(() => openOutputFile(dir), { code: 'OUTPUT_FAILED' });
  assert.throws(() => openOutputFile(join(dir, 'no-such-dir', 'x')), { code: 'OUTPUT_FAILED' });
});

test('read -o: a failed run (input is no capture) leaves the old file untouched', () => {
  const target = join(dir, 'precious.html');
  writeFileSync(target, '<p>mine</p>');
  const r = spawnSync(process.execPath, [bin, 'read', '-f', 'html', '-o', target, readme], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /NOT_A_CAPTURE|not a pcap/i);
  assert.equal(readFileSync(target, 'utf8'), '<p>mine</p>');
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('.precious.html')));
});

test('read -o: a successful run replaces the file', () => {
  const target = join(dir, 'seed.jsonl');
  writeFileSync(target, 'old');
  const r = spawnSync(process.execPath, [bin, 'read', '-f', 'jsonl', '-o', target, '--quiet', seed], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(target, 'utf8'), /"event":"summary"/);
});

test('tap -o/-w: a run that cannot start (port taken) leaves both files untouched', async () => {
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  const view = join(dir, 'tap.txt');
  const raw = join(dir, 'tap.pcapng');
  writeFileSync(view, 'view');
  writeFileSync(raw, 'raw');
  const r = spawnSync(
    process.execPath,
    [bin, 'tap', '--listen', `127.0.0.1:${port}`, '--upstream', '127.0.0.1:9', '-o', view, '-w', raw],
    { encoding: 'utf8' },
  );
  busy.close();
  assert.notEqual(r.status, 0);
  assert.equal(readFileSync(view, 'utf8'), 'view');
  assert.equal(readFileSync(raw, 'utf8'), 'raw');
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.part')));
});

const outputFileModule = pathToFileURL(join(projectRoot, 'dist', 'wire', 'render', 'output-file.js')).href;

/** A process that opens TARGET, writes to it, and exits at once (as a second Ctrl-C does). */
function exitWhileWriting(target: string, keepOnExit: boolean): void {
  const script = `
    const { openOutputFile } = await import(${JSON.stringify(outputFileModule)});
    const out = openOutputFile(${JSON.stringify(target)}, { keepOnExit: ${keepOnExit} });
    out.stream.write('captured so far');
    await new Promise((r) => setTimeout(r, 100));
    process.exit(130);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 130, r.stderr);
}

test('a live capture interrupted for good keeps what it captured under the target name', () => {
  const target = join(dir, 'live.pcap');
  writeFileSync(target, 'old capture');
  exitWhileWriting(target, true);
  assert.equal(readFileSync(target, 'utf8'), 'captured so far');
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('.live.pcap')));
});

test('a view interrupted for good leaves the old file and no temporary file', () => {
  const target = join(dir, 'view.html');
  writeFileSync(target, 'old page');
  exitWhileWriting(target, false);
  assert.equal(readFileSync(target, 'utf8'), 'old page');
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('.view.html')));
});

test('a target that is a symbolic link stays a link; the file it points to gets the new content', async () => {
  const file = join(dir, 'real.txt');
  const link = join(dir, 'link.txt');
  writeFileSync(file, 'old');
  symlinkSync(file, link);
  const out = openOutputFile(link);
  out.stream.write('new');
  await out.commit();
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(file, 'utf8'), 'new');
});

test(
  'as root, the new file keeps the owner and mode of the file it replaces',
  { skip: process.getuid?.() !== 0 && 'needs root to own a file as someone else' },
  async () => {
    const target = join(dir, 'owned.txt');
    writeFileSync(target, 'old', { mode: 0o640 });
    chownSync(target, 65534, 65534);
    chmodSync(target, 0o640);
    const out = openOutputFile(target);
    out.stream.write('new');
    await out.commit();
    const st = statSync(target);
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o640]);
  },
);
