// Exact capture times: the tick split against BigInt arithmetic for every kind of resolution, and
// the pcap/pcapng readers' tsNsec (whole and a byte at a time) for nanosecond files, if_tsresol
// 10^-n and 2^-n, if_tsoffset and Simple Packet Blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawPacket } from '../events.js';
import { createCaptureReader } from './capture-reader.js';
import {
  splitTicks,
  splitTime,
  tickScale,
  ticksToSeconds,
  unitsPerSecond,
  wholeSeconds,
} from './timestamp.js';
import {
  conversation,
  ticksOf,
  timesFor,
  writePcap,
  writePcapng,
  type TickTime,
} from '../../testing/wire/time-test-captures.js';

function read(bytes: Buffer, chunk = bytes.length): RawPacket[] {
  const packets: RawPacket[] = [];
  const reader = createCaptureReader({
    onPacket: (p) => packets.push(p),
    onProblem: (p) => assert.fail(`${p.code}: ${p.message}`),
  });
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk));
  reader.end();
  return packets;
}

/** Each packet's exact time as "sec.nnnnnnnnn", from ts and tsNsec as the views use them. */
function exactTimes(packets: RawPacket[]): string[] {
  return packets.map((p) => {
    assert.ok(p.tsNsec !== undefined && Number.isInteger(p.tsNsec) && p.tsNsec >= 0 && p.tsNsec < 1e9);
    return `${wholeSeconds(p.ts, p.tsNsec)}.${String(p.tsNsec).padStart(9, '0')}`;
  });
}

/** What the time is to the nanosecond (truncated), computed with BigInt. */
function expected(times: TickTime[], unitsPerSec: bigint, offset = 0n): string[] {
  return times.map((t) => {
    const ns = (t.frac * 1_000_000_000n) / unitsPerSec;
    return `${t.sec + offset}.${ns.toString().padStart(9, '0')}`;
  });
}

const S = 1_795_772_545n; // 2026-11-27: a double holds it to about 0.24 µs only
const packets = conversation();

test('splitTicks equals BigInt division (and its double equals ticksToSeconds) for decimal and binary resolutions, edge and random ticks', () => {
  let seed = 12345;
  const random32 = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const resolutions = [0, 1, 3, 6, 9, 10, 11, 12, 15, 16, 18, 0x80, 0x80 | 10, 0x80 | 23, 0x80 | 24];
  for (const r of [...resolutions, 0x80 | 30, 0x80 | 37, 0x80 | 40, 0x80 | 63]) {
    const units = unitsPerSecond(r);
    const u = BigInt(units);
    const scale = tickScale(units);
    const ticks: bigint[] = [0n, 1n, u - 1n, u, 2n ** 64n - 1n, 0x200000n << 32n, (0x200000n << 32n) - 1n];
    for (const sec of [S, 4_294_967_295n, 1n]) ticks.push(sec * u - 1n, sec * u, sec * u + u - 1n);
    for (let i = 0; i < 400; i++) ticks.push((BigInt(random32()) << 32n) | BigInt(random32()));
    for (const t of ticks) {
      if (t < 0n || t >= 2n ** 64n) continue;
      const high = Number(t >> 32n);
      const low = Number(t & 0xffffffffn);
      // The double ts stays the one ticksToSeconds always gave (jsonl output unchanged).
      assert.equal(splitTicks(high, low, scale), ticksToSeconds(high, low, units), `tsresol ${r} ticks ${t}`);
      const sec = t / u;
      assert.equal(splitTime.nsec, Number(((t % u) * 1_000_000_000n) / u), `tsresol ${r} ticks ${t}`);
      if (sec < 2n ** 53n) assert.equal(splitTime.sec, Number(sec), `tsresol ${r} ticks ${t}`);
    }
  }
});

test('nanosecond pcap: tsNsec is exact where the double ts is not (x.999999999 rounds up to x+1)', () => {
  const times = timesFor(packets.length, S, [999n, 123_456_999n, 999_999_999n, 0n, 1n, 500_000_500n]);
  const file = writePcap(packets, times, true);
  const got = read(file);
  assert.equal(got.length, packets.length);
  assert.equal(got[2]!.ts, Number(S) + 1, 'the double alone says the next second');
  assert.deepEqual(exactTimes(got), expected(times, 1_000_000_000n));
  assert.deepEqual(exactTimes(read(file, 1)), expected(times, 1_000_000_000n));
});

test('microsecond pcap: tsNsec is the microseconds × 1000 even where the double lands below them', () => {
  const below: bigint[] = [];
  for (let u = 1; below.length < 4 && u < 1e6; u += 7) {
    const ts = Number(S) + u / 1e6;
    if (Math.floor((ts - Number(S)) * 1e6) < u) below.push(BigInt(u));
  }
  assert.equal(below.length, 4);
  const times = timesFor(packets.length, S, [...below, 999_999n, 0n]);
  assert.deepEqual(exactTimes(read(writePcap(packets, times, false))), expected(times, 1_000_000n));
});

test('pcapng: if_tsresol 10^-9, 10^-3, 10^-12 and 2^-10, 2^-30, 2^-40, with and without if_tsoffset', () => {
  const cases: Array<{ tsresol: number; units: bigint; base: bigint; fracs: bigint[]; offset?: bigint }> = [
    { tsresol: 9, units: 10n ** 9n, base: S, fracs: [999n, 123_456_999n, 999_999_999n, 0n] },
    { tsresol: 3, units: 1000n, base: S, fracs: [1n, 999n, 500n] },
    {
      tsresol: 12,
      units: 10n ** 12n,
      base: 100n,
      fracs: [999n, 123_456_999_999n, 10n ** 12n - 1n],
      offset: S,
    },
    { tsresol: 0x80 | 10, units: 1024n, base: S, fracs: [1n, 1023n, 512n] },
    { tsresol: 0x80 | 30, units: 2n ** 30n, base: S, fracs: [1n, 2n ** 30n - 1n, 1_234_567n] },
    { tsresol: 0x80 | 40, units: 2n ** 40n, base: 1000n, fracs: [1n, 2n ** 40n - 1n, 2n ** 39n], offset: S },
    { tsresol: 9, units: 10n ** 9n, base: 12n, fracs: [999n, 999_999_999n], offset: S - 12n },
    { tsresol: 9, units: 10n ** 9n, base: S + 60n, fracs: [123_456_789n], offset: -60n },
  ];
  for (const c of cases) {
    const times = timesFor(packets.length, c.base, c.fracs);
    const file = writePcapng(packets, ticksOf(times, c.units), { tsresol: c.tsresol, tsoffset: c.offset });
    const want = expected(times, c.units, c.offset ?? 0n);
    assert.deepEqual(exactTimes(read(file)), want, `tsresol 0x${c.tsresol.toString(16)}`);
    assert.deepEqual(exactTimes(read(file, 3)), want, `tsresol 0x${c.tsresol.toString(16)}, 3-byte chunks`);
  }
});

test('pcapng without if_tsresol is in microseconds; a Simple Packet Block takes the time before it', () => {
  const times = timesFor(packets.length, S, [999_999n, 1n]);
  const plain = read(writePcapng(packets, ticksOf(times, 1_000_000n)));
  assert.deepEqual(exactTimes(plain), expected(times, 1_000_000n));
  const nsTimes = timesFor(packets.length, S, [999_999_999n, 5n]);
  const spb = read(writePcapng(packets, ticksOf(nsTimes, 10n ** 9n), { tsresol: 9, simpleAfter: 0 }));
  assert.equal(spb.length, packets.length + 1);
  const spbTimes = exactTimes(spb);
  assert.equal(spbTimes[1], spbTimes[0]);
  assert.equal(spbTimes[0], `${S}.999999999`);
});
