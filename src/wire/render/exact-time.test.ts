// The text and tcpdump views print capture times exactly as `tcpdump -n -r` does (microseconds,
// truncated) and as `tcpdump --time-stamp-precision=nano -n -r` does, for nanosecond pcap and
// pcapng files whose times a double cannot hold (x.000000999, x.123456999, x.999999999), for
// microsecond files whose double lands just below the microsecond, and for pcapng if_tsresol
// 10^-n / 2^-n with if_tsoffset. tcpdump itself reads the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, testOutputDir } from '../../shared/paths.js';
import { decodeBytes } from '../../testing/wire/e2e-test-kit.js';
import {
  conversation,
  ticksOf,
  timesFor,
  writePcap,
  writePcapng,
  type TickTime,
} from '../../testing/wire/time-test-captures.js';
import { createTcpdumpRenderer } from './tcpdump.js';
import { createTextRenderer } from './text.js';
import { formatTime, type TimePrecision } from './format.js';

const S = 1_795_772_545n;
const packets = conversation();
const NS_FRACS = [999n, 123_456_999n, 999_999_999n, 0n, 1n, 500_000_500n, 999_999n];

/** Microsecond fractions whose double S + u/1e6 lands below u microseconds. */
function fracsBelowTheMicrosecond(): bigint[] {
  const out: bigint[] = [];
  for (let u = 1; out.length < 4 && u < 1e6; u += 7)
    if (Math.floor((Number(S) + u / 1e6 - Number(S)) * 1e6) < u) out.push(BigInt(u));
  return out;
}

interface Case {
  name: string;
  bytes: Buffer;
  /** libpcap multiplies the fraction by 10^9 in 64 bits: at 2^-40 that overflows, so its nano
   * digits are wrong there and only the microseconds are compared. */
  nano: boolean;
}

function pcapngCase(
  name: string,
  tsresol: number,
  units: bigint,
  base: bigint,
  fracs: bigint[],
  offset?: bigint,
): Case {
  const times: TickTime[] = timesFor(packets.length, base, fracs);
  return {
    name,
    bytes: writePcapng(packets, ticksOf(times, units), { tsresol, tsoffset: offset }),
    nano: true,
  };
}

const cases: Case[] = [
  { name: 'ns.pcap', bytes: writePcap(packets, timesFor(packets.length, S, NS_FRACS), true), nano: true },
  {
    name: 'us-below.pcap',
    bytes: writePcap(packets, timesFor(packets.length, S, [...fracsBelowTheMicrosecond(), 999_999n]), false),
    nano: true,
  },
  pcapngCase('ns.pcapng', 9, 10n ** 9n, S, NS_FRACS),
  pcapngCase('ns-offset.pcapng', 9, 10n ** 9n, 12n, NS_FRACS, S - 12n),
  pcapngCase('ms.pcapng', 3, 1000n, S, [1n, 999n, 500n]),
  pcapngCase('ps-offset.pcapng', 12, 10n ** 12n, 100n, [999n, 123_456_999_999n, 10n ** 12n - 1n], S),
  pcapngCase('bin10.pcapng', 0x80 | 10, 1024n, S, [1n, 1023n, 512n]),
  pcapngCase('bin30.pcapng', 0x80 | 30, 2n ** 30n, S, [1n, 2n ** 30n - 1n, 1_234_567n]),
  { ...pcapngCase('bin40-offset.pcapng', 0x80 | 40, 2n ** 40n, 1000n, [1n, 2n ** 40n - 1n], S), nano: false },
];

const dir = join(testOutputDir, 'exact-time');
mkdirSync(dir, { recursive: true });

function tcpdump(path: string, precision: TimePrecision): string[] {
  const args = precision === 'nano' ? ['--time-stamp-precision=nano', '-n', '-r', path] : ['-n', '-r', path];
  return execFileSync('tcpdump', args, {
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString('latin1')
    .split('\n')
    .filter((l) => l !== '');
}

/** Our lines without the view's additions ("[wirechat: …]" and the payload under it). */
function packetLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d+ /.test(l));
}

function tcpdumpAvailable(): boolean {
  return spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
}

for (const c of cases) {
  for (const precision of ['micro', 'nano'] as const) {
    if (precision === 'nano' && !c.nano) continue;
    test(`${c.name}: tcpdump and text views print the times tcpdump ${precision === 'nano' ? '--time-stamp-precision=nano ' : ''}prints`, (t) => {
      if (!tcpdumpAvailable()) return t.skip('tcpdump is not installed');
      const path = join(dir, c.name);
      writeFileSync(path, c.bytes);
      const theirs = tcpdump(path, precision);
      assert.equal(theirs.length, packets.length);
      const { events } = decodeBytes(c.bytes);
      const tcpdumpView = createTcpdumpRenderer({ dump: 'none', utc: true, precision }).render(events);
      assert.deepEqual(packetLines(tcpdumpView), theirs);
      const textView = createTextRenderer({ utc: true, precision }).render(events);
      assert.deepEqual(
        packetLines(textView).filter((l) => / IP /.test(l)),
        theirs,
      );

      // Without segment lines, each event's header carries its packet's time: the exact one.
      const times = theirs.map((l) => l.slice(0, l.indexOf(' ')));
      const hidden = createTextRenderer({ utc: true, hideTcp: true, precision });
      let headers = 0;
      for (const ev of events) {
        const head = /^(\d\d:\d\d:\d\d\.\d+) /.exec(hidden.render([ev]));
        if (!head || ev.event === 'summary' || ev.packet === null) continue;
        headers++;
        assert.equal(head[1], times[ev.packet - 1], `${ev.event} of packet ${ev.packet}`);
      }
      assert.ok(headers >= 4, 'the handshake and both messages have headers');
    });
  }
}

test('the CLI tcpdump view of a nanosecond pcap is what tcpdump -n -A prints', (t) => {
  if (!tcpdumpAvailable()) return t.skip('tcpdump is not installed');
  const path = join(dir, 'ns-cli.pcap');
  writeFileSync(path, cases[0]!.bytes);
  const theirs = execFileSync('tcpdump', ['-n', '-A', '-r', path], {
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString('latin1');
  const ours = spawnSync(
    process.execPath,
    [join(projectRoot, 'bin', 'wirechat.js'), 'read', '-A', '--utc', '-q', path],
    {
      env: { ...process.env, TZ: 'UTC' },
    },
  ).stdout.toString('latin1');
  // Drop our additions: the "[wirechat: …]" line and the tab-indented payload under it.
  const mine = ours.replace(/^\[wirechat: .*\n(?:\t.*\n)*/gm, '');
  assert.equal(mine, theirs);
});

test('formatTime: exact nanoseconds truncate to microseconds; without them the double is used', () => {
  const ts = Number(S) + 0.999999999; // rounds up to S + 1
  assert.equal(formatTime(ts, true, 999_999_999), '09:42:25.999999');
  assert.equal(formatTime(ts, true, 999_999_999, 'nano'), '09:42:25.999999999');
  assert.equal(formatTime(Number(S) + 0.123456999, true, 123_456_999), '09:42:25.123456');
  assert.equal(formatTime(Number(S) + 0.123456, true), '09:42:25.123456');
  assert.equal(formatTime(Number(S) + 0.5, true, undefined, 'nano'), '09:42:25.500000000');
  assert.equal(formatTime(NaN, true), '??:??:??.??????');
});
