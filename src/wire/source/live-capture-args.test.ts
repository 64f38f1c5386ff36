// How tcpdump is started for a live capture (snaplen from the MTU, a ring that holds bursts), and
// the wrong programs --tcpdump can name, each with its own line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUFFER_KIB, startLiveCapture, tcpdumpArgs } from './live-capture.js';
import { FALLBACK_SNAPLEN, interfaceMtu, snaplenFor } from './interface-mtu.js';
import { UserError } from '../../shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'wirechat-live-args-'));

/** A fake /sys/class/net with these MTUs. */
function sysNet(mtus: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'net-'));
  for (const [name, mtu] of Object.entries(mtus)) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'mtu'), mtu + '\n');
  }
  return root;
}

test('the snaplen fits the MTU (any: the largest), never tcpdump -s 0', () => {
  const net = sysNet({ lo: '65536', eth0: '1500', odd: 'garbage' });
  assert.equal(interfaceMtu('eth0', net), 1500);
  assert.equal(interfaceMtu('odd', net), undefined);
  assert.equal(interfaceMtu('../eth0', net), undefined, 'never a path outside /sys/class/net');
  assert.equal(snaplenFor('eth0', net), 1500 + 64);
  assert.equal(snaplenFor('any', net), 65536 + 64);
  assert.equal(snaplenFor('nosuch0', net), FALLBACK_SNAPLEN);
  assert.equal(snaplenFor('any', join(dir, 'no-sys')), FALLBACK_SNAPLEN);
});

test('tcpdump gets -s from the MTU and a -B buffer large enough for bursts', () => {
  const args = tcpdumpArgs({ iface: 'lo', expression: ['tcp', 'port', '7272'], snaplen: 1564 });
  const at = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
  assert.equal(at('-s'), '1564');
  assert.equal(at('-B'), String(DEFAULT_BUFFER_KIB));
  assert.ok(DEFAULT_BUFFER_KIB * 1024 >= 1000 * 65600, 'holds ~1,000 loopback-sized slots');
  assert.ok(args.includes('--immediate-mode') && args.includes('-U'));
  assert.deepEqual(args.slice(-3), ['tcp', 'port', '7272']);
  assert.equal(tcpdumpArgs({ iface: 'lo', expression: [], bufferKiB: 4096 })[args.indexOf('-B') + 1], '4096');
  if (interfaceMtu('lo') !== undefined) {
    const lo = tcpdumpArgs({ iface: 'lo', expression: [] });
    assert.equal(lo[lo.indexOf('-s') + 1], String(interfaceMtu('lo')! + 64));
  }
});

async function failure(tcpdumpPath: string): Promise<UserError> {
  const capture = startLiveCapture({ iface: 'lo', expression: [], tcpdumpPath, onData: () => undefined });
  try {
    await capture.done;
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.doesNotMatch(err.message, /\n/);
    return err;
  }
  assert.fail('the capture should have failed');
}

test('--tcpdump naming a file that is not executable says so (not the sudo/setcap hint)', async () => {
  const plain = join(dir, 'not-executable');
  writeFileSync(plain, 'just text\n', { mode: 0o644 });
  const err = await failure(plain);
  assert.equal(err.code, 'TCPDUMP_NOT_EXECUTABLE');
  assert.doesNotMatch(err.message, /sudo|setcap/);
  assert.equal((await failure(dir)).code, 'TCPDUMP_NOT_EXECUTABLE', 'a directory');
});

test('--tcpdump /bin/true (exits 0 at once, writes nothing) is not an "empty capture"', async () => {
  const err = await failure('/bin/true');
  assert.equal(err.code, 'TCPDUMP_EXITED');
  assert.match(err.message, /is it tcpdump\?/);
});
