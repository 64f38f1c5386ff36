// Reads the client logs of the original workerman-chat (test-data/fixtures/*.frames.txt) into
// steps, so a test can replay a recorded session against wirechat and compare every frame.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../shared/paths.js';
import { normalise, openClient, startTestServer, type ChatClient } from './chat-client.js';

export type FixtureStep =
  | { kind: 'send'; client: string; text: string }
  | { kind: 'receive'; client: string; text: string }
  | { kind: 'close'; client: string };

type Timed = FixtureStep & { ms: number };

const LINE = /^\s*(\d+)ms\s+(\w+)\((.*?)\) (>>>|<<<|\[close \d+\])\s?(.*)$/;

export function readFixtureSession(name: string): { steps: FixtureStep[]; names: Map<string, string> } {
  const steps: Timed[] = [];
  const names = new Map<string, string>();
  for (const line of readFileSync(join(fixturesDir, name), 'utf8').split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, time, client, nick, arrow, text] = m as unknown as string[] as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const ms = Number(time);
    names.set(client, nick);
    if (arrow === '>>>') steps.push({ kind: 'send', client, text, ms });
    else if (arrow === '<<<') steps.push({ kind: 'receive', client, text, ms });
    else {
      // A logout that others logged in the same millisecond as the close was caused by it:
      // replay the close first, or the replay would wait for a logout nobody triggered yet.
      let at = steps.length;
      while (
        at > 0 &&
        steps[at - 1]!.kind === 'receive' &&
        steps[at - 1]!.client !== client &&
        steps[at - 1]!.ms === ms
      )
        at--;
      steps.splice(at, 0, { kind: 'close', client, ms });
    }
  }
  return { steps, names };
}

/** Every `time` field in wirechat's frames is complete: YYYY-MM-DD HH:MM:SS. */
export function timesAreComplete(frame: string): boolean {
  const times = [...frame.matchAll(/"time":"([^"]*)"/g)].map((m) => m[1]!);
  return times.every((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(t));
}

/** Rewrites the recorded ids in a frame to send into the ids of this run (same IDn labels). */
export function translateIds(text: string, theirs: Map<string, string>, ours: Map<string, string>): string {
  const byLabel = new Map([...ours].map(([id, label]) => [label, id]));
  return text.replace(/[0-9a-f]{20}|\d{9,16}/g, (id) => byLabel.get(theirs.get(id) ?? '') ?? id);
}

export interface ReplayChecks {
  /** After a recorded frame was sent: e.g. read wirechat's answer where the original stayed silent. */
  afterSend?(client: ChatClient, sent: string): Promise<void>;
  /** Dialect-specific checks of a received frame, before it is compared with the recording. */
  checkFrame?(frame: string): void;
}

/**
 * Replays a recorded session against a fresh server: every client sends what it sent, and every
 * frame it receives must equal the recorded one (ids and times normalised), in order, with
 * complete times; at the end nobody holds an extra frame.
 */
export async function replayFixtureSession(name: string, checks: ReplayChecks = {}): Promise<void> {
  const server = await startTestServer();
  const { steps, names } = readFixtureSession(name);
  const clients = new Map<string, ChatClient>();
  for (const [label, nick] of names) clients.set(label, await openClient(server.wsPort, nick));
  const theirIds = new Map<string, string>();
  const ourIds = new Map<string, string>();
  try {
    for (const step of steps) {
      const client = clients.get(step.client)!;
      if (step.kind === 'send') {
        client.send(translateIds(step.text, theirIds, ourIds));
        await checks.afterSend?.(client, step.text);
      } else if (step.kind === 'receive') {
        const frame = await client.next();
        assert.ok(timesAreComplete(frame), `incomplete time in ${frame}`);
        checks.checkFrame?.(frame);
        assert.equal(normalise(frame, ourIds), normalise(step.text, theirIds), `${client.label} received`);
      } else {
        await client.close();
      }
    }
    for (const client of clients.values())
      assert.deepEqual(client.pending(), [], `${client.label}: extra frames`);
  } finally {
    await server.close();
  }
}
