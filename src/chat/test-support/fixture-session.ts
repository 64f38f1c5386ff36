// Reads the client logs of the original workerman-chat (test-data/fixtures/*.frames.txt) into
// steps, so a test can replay a recorded session against wirechat and compare every frame.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../shared/paths.js';

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
