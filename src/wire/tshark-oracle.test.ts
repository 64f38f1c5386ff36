// tshark as an oracle: real `ws` traffic (with and without permessage-deflate) recorded by a
// real tcpdump on loopback; wherever tshark decodes a text message, we must decode the same
// text, in the same order, and we must decode every message exactly as it was sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../shared/free-port.js';
import { startTcpdumpRecorder } from '../testing/tcpdump-recorder.js';
import { startEchoServer, runClient, type ClientRun, type OutMessage } from '../testing/ws-traffic.js';
import { decodeFile, messagesByDirection } from '../testing/wire/e2e-test-kit.js';

function available(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function workload(tag: string): OutMessage[] {
  return [
    { kind: 'text', data: `${tag} hello` },
    { kind: 'text', data: JSON.stringify({ type: 'login', name: `${tag}-nick` }) },
    { kind: 'text', data: `${tag} Ünïcödé ✓ 猪猪 🙂` },
    { kind: 'text', data: `${tag} fragmented `.repeat(20), fragments: 3 },
    { kind: 'binary', data: Buffer.from([0, 1, 2, 3, 254, 255]) },
    { kind: 'text', data: `${tag} again, same text for context takeover` },
    { kind: 'text', data: `${tag} again, same text for context takeover` },
    { kind: 'text', data: `${tag} ${'large '.repeat(20000)}` },
    { kind: 'text', data: `${tag} tab\there\nnewline "quoted" back\\slash` },
    { kind: 'text', data: `${tag} last` },
  ];
}

interface TsharkPacket {
  _source: { layers: Record<string, string[] | undefined> };
}

test(
  'tshark oracle: real ws traffic captured by tcpdump decodes as tshark decodes it',
  { timeout: 120_000 },
  async (t) => {
    if (!available('tshark') || !available('tcpdump')) {
      t.skip('tshark or tcpdump is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-oracle-'));
    const file = join(dir, 'oracle.pcap');
    try {
      const port = await freePort();
      const server = await startEchoServer(port);
      const recorder = await startTcpdumpRecorder({ file, port, immediate: true });
      const runs: ClientRun[] = [];
      try {
        runs.push(await runClient(port, true, workload('deflate')));
        runs.push(await runClient(port, false, workload('plain')));
      } finally {
        await server.close();
      }
      const stats = await recorder.stop();
      assert.equal(stats.dropped, 0, 'tcpdump dropped packets');

      const decoded = decodeFile(file);
      const ours = messagesByDirection(decoded.events);
      // Every message exactly as sent, both ways (the server echoes each one).
      // Only this test's connections (127.0.0.1 both ends): on a shared machine other programs'
      // loopback traffic on 127.0.0.x may use the same port number and match the capture filter.
      const clientDirs = [...ours.keys()].filter(
        (k) => k.startsWith('127.0.0.1:') && k.endsWith(` > 127.0.0.1:${port}`),
      );
      assert.equal(clientDirs.length, 2);
      for (const dir of clientDirs) {
        const sent = ours.get(dir)!.filter((m) => m.startsWith('text:'));
        const run = runs.find((r) => r.sentTexts[0] === sent[0]!.slice(5));
        assert.ok(run, `unknown client ${dir}`);
        assert.deepEqual(
          sent,
          run.sentTexts.map((s) => `text:${s}`),
        );
        const [src, dst] = dir.split(' > ');
        assert.deepEqual(
          ours.get(`${dst} > ${src}`),
          ours.get(dir)!.filter((m) => m !== 'close'),
        );
      }

      // tshark's reading of the same file (told that the port speaks HTTP, so it sees the upgrade).
      const json = execFileSync(
        'tshark',
        [
          '-r',
          file,
          '-d',
          `tcp.port==${port},http`,
          '-Y',
          'websocket',
          '-T',
          'json',
          '-e',
          'ip.src',
          '-e',
          'tcp.srcport',
          '-e',
          'ip.dst',
          '-e',
          'tcp.dstport',
          '-e',
          'websocket.payload.text',
        ],
        { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
      ).toString('utf8');
      const packets = JSON.parse(json) as TsharkPacket[];
      const sentTexts = new Set(runs.flatMap((r) => r.sentTexts));
      let agreed = 0;
      let tsharkWrong = 0;
      const cursor = new Map<string, number>();
      for (const p of packets) {
        const l = p._source.layers;
        const dir = `${l['ip.src']![0]}:${l['tcp.srcport']![0]} > ${l['ip.dst']![0]}:${l['tcp.dstport']![0]}`;
        for (const text of l['websocket.payload.text'] ?? []) {
          if (!sentTexts.has(text)) {
            tsharkWrong++;
            continue;
          }
          const list = ours.get(dir) ?? [];
          const at = list.indexOf(`text:${text}`, cursor.get(dir) ?? 0);
          assert.ok(
            at >= 0,
            `tshark decoded ${JSON.stringify(text.slice(0, 60))} on ${dir}; we did not (in that order)`,
          );
          cursor.set(dir, at + 1);
          agreed++;
        }
      }
      // The oracle must have said something: most messages are decoded by tshark too.
      assert.ok(agreed >= 20, `tshark decoded only ${agreed} messages (${tsharkWrong} wrongly)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
