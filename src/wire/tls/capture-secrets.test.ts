// Secrets inside a pcapng file: a block placed after the handshake it opens (as a file written
// live may have it) still decrypts the connection, which waits for it by capture time; past
// --keylog-wait it is TLS_NO_KEYS. Bad key log lines in a block and blocks of other secrets
// types are reported, never fatal; mutated files never make the pipeline throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawPacket } from '../events.js';
import { decodeBytes } from '../../testing/wire/e2e-test-kit.js';
import { createCaptureReader } from '../source/capture-reader.js';
import { DSB_TLS_KEY_LOG } from '../source/pcapng-codes.js';
import { createPcapngWriter } from '../source/pcapng-writer.js';
import { available, recordWssSession } from '../../testing/wire/wss-recording-kit.js';

function packetsOf(pcap: Buffer): RawPacket[] {
  const packets: RawPacket[] = [];
  const reader = createCaptureReader({
    onPacket: (p) => packets.push({ ...p, data: Buffer.from(p.data) }),
    onProblem: () => undefined,
  });
  reader.push(pcap);
  reader.end();
  return packets;
}

/** pcapng: header, a first secrets block, the packets, the key log only after packet `keysAfter`. */
function pcapngWithLateKeys(
  packets: RawPacket[],
  keylog: string,
  keysAfter: number,
  delaySeconds = 0,
): Buffer {
  const writer = createPcapngWriter();
  const parts = [writer.header(), writer.secrets(DSB_TLS_KEY_LOG, Buffer.from('# keys follow\n'))];
  packets.forEach((p, i) => {
    parts.push(
      writer.packet({
        ts: p.ts + (i + 1 >= keysAfter ? delaySeconds : 0),
        linkType: p.linkType,
        data: p.data,
      }),
    );
    if (i + 1 === keysAfter) parts.push(writer.secrets(DSB_TLS_KEY_LOG, Buffer.from(keylog)));
  });
  return Buffer.concat(parts);
}

const texts = (decoded: ReturnType<typeof decodeBytes>): string[] =>
  decoded.events.flatMap((e) => (e.event === 'ws.message' && e.from === 'client' && e.text ? [e.text] : []));

test(
  'a secrets block after the handshake still decrypts; past the wait it is TLS_NO_KEYS',
  { timeout: 60_000 },
  async (t) => {
    if (!available('tcpdump')) {
      t.skip('tcpdump is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-late-secrets-'));
    try {
      const { pcap, keylog } = await recordWssSession(dir, ['late keys']);
      const packets = packetsOf(readFileSync(pcap));
      const lines = readFileSync(keylog, 'latin1');
      // After the 8th packet: well past the ClientHello, ServerHello and the first encrypted records.
      const late = decodeBytes(pcapngWithLateKeys(packets, lines, 8));
      assert.equal(texts(late).length, 2, 'login and say');
      assert.deepEqual(late.summary.problemsByCode, {});

      // The same block 10 s of capture time later, with a 2 s wait: not waited for.
      const tooLate = decodeBytes(pcapngWithLateKeys(packets, lines, 8, 10), {
        tls: { keyWait: { maxWaitMs: 2000 } },
      });
      assert.equal(texts(tooLate).length, 0);
      assert.equal(tooLate.summary.problemsByCode.TLS_NO_KEYS, 1);

      // Mutated copies (held connections, damaged secrets blocks) never throw or hang.
      const file = pcapngWithLateKeys(packets, lines, 8);
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 0x100000000;
      for (let i = 0; i < 100; i++) {
        const copy = Buffer.from(file);
        for (let m = 0; m < 1 + Math.floor(random() * 6); m++) {
          copy[28 + Math.floor(random() * (copy.length - 28))] = Math.floor(random() * 256);
        }
        assert.equal(decodeBytes(copy, {}, 1 + Math.floor(random() * 4096)).summary.event, 'summary');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('bad lines in a secrets block and other secrets types are reported, the rest goes on', () => {
  const writer = createPcapngWriter();
  const bytes = Buffer.concat([
    writer.header(),
    writer.secrets(DSB_TLS_KEY_LOG, Buffer.from('CLIENT_RANDOM nothex x\n# fine\n')),
    writer.secrets(0x57474b4c, Buffer.from('wireguard keys')),
    writer.secrets(0x57474b4c, Buffer.from('again: said once')),
  ]);
  const decoded = decodeBytes(bytes);
  assert.deepEqual(decoded.summary.problemsByCode, { KEYLOG_BAD_LINE: 1, SECRETS_UNSUPPORTED: 1 });
  // A block whose secrets length is more than it holds.
  const bad = writer.secrets(DSB_TLS_KEY_LOG, Buffer.from('abcd'));
  bad.writeUInt32LE(4000, 12);
  assert.deepEqual(decodeBytes(Buffer.concat([writer.header(), bad])).summary.problemsByCode, {
    BAD_BLOCK: 1,
  });
});
