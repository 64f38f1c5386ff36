// A reader whose packets are not kept past onPacket (packetsNotKept) makes one packet object over
// for every packet: each fixture, read that way, gives the same packets as a reader that makes a
// new object each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../shared/paths.js';
import type { RawPacket } from '../events.js';
import { createCaptureReader } from './capture-reader.js';

const fixtures = readdirSync(fixturesDir).filter((f) => /\.pcap(ng)?$/.test(f));

/** Every packet of `bytes`, read in 4 KiB chunks by a reader that makes a new object each. */
function freshPackets(bytes: Buffer): RawPacket[] {
  const packets: RawPacket[] = [];
  const reader = createCaptureReader({ onPacket: (p) => packets.push(p), onProblem: () => {} });
  for (let i = 0; i < bytes.length; i += 4096) reader.push(bytes.subarray(i, i + 4096));
  reader.end();
  return packets;
}

test('reader: packets not kept are one object made over, reading the same as new ones', () => {
  for (const name of fixtures) {
    const bytes = readFileSync(join(fixturesDir, name));
    const fresh = freshPackets(bytes);
    const seen: Array<Omit<RawPacket, 'data'> & { hex: string }> = [];
    const objects = new Set<RawPacket>();
    const reader = createCaptureReader({
      onPacket: (p) => {
        objects.add(p);
        const { index, ts, linkType, origLen, interfaceId, tsNsec } = p;
        seen.push({ index, ts, linkType, origLen, interfaceId, tsNsec, hex: p.data.toString('hex') });
      },
      onProblem: () => {},
      packetsNotKept: true,
    });
    for (let i = 0; i < bytes.length; i += 4096) reader.push(bytes.subarray(i, i + 4096));
    reader.end();
    assert.equal(objects.size, Math.min(1, fresh.length), name);
    assert.deepEqual(
      seen,
      fresh.map(({ index, ts, linkType, origLen, interfaceId, tsNsec, data }) => ({
        index,
        ts,
        linkType,
        origLen,
        interfaceId,
        tsNsec,
        hex: data.toString('hex'),
      })),
      name,
    );
  }
});
