// Attack 7, invisible and look-alike text: names, messages and room ids that look like nothing,
// like someone else, or like another room. Each sample is sent on a fresh connection and the
// outcome recorded: refused (with its code), cleaned, merged into the canonical room, or
// accepted exactly as sent — the only outcome that fails.
import { ChatSocket } from './kit/chat-socket.js';
import { Session } from './kit/session.js';
import {
  type Attack,
  type AttackContext,
  type AttackResult,
  type Row,
  legitClosesRow,
  legitRows,
  sized,
  sleep,
} from './kit/result.js';

export type SampleField = 'name' | 'content' | 'room';

export interface TextSample {
  label: string;
  field: SampleField;
  value: string;
}

export const TEXT_SAMPLES: TextSample[] = [
  { label: 'name of U+3164 (Hangul filler) alone', field: 'name', value: '\u3164' },
  { label: 'name of zero-width spaces', field: 'name', value: '\u200b\u200b' },
  { label: 'Cyrillic look-alike of a present user', field: 'name', value: '\u0430lice' },
  { label: 'name with a control character', field: 'name', value: 'bo\u0007b' },
  { label: 'name with an ANSI escape', field: 'name', value: '\u001b[31mbob' },
  { label: 'name with U+202E', field: 'name', value: '\u202eevil' },
  { label: 'message of zero-width spaces', field: 'content', value: '\u200b\u200b\u200b' },
  { label: 'message with control characters', field: 'content', value: 'a\u0000\u0008b' },
  { label: 'message with ANSI escapes', field: 'content', value: '\u001b[2J\u001b[31mred' },
  { label: 'message with U+202E', field: 'content', value: 'abc\u202edef' },
  { label: 'room id with U+202E', field: 'room', value: 'r\u202eoom' },
  { label: 'room id "01" (room 1?)', field: 'room', value: '01' },
  { label: 'room id "1 " (room 1?)', field: 'room', value: '1 ' },
  { label: 'room id "１" (fullwidth, room 1?)', field: 'room', value: '\uff11' },
];

export type Outcome = 'refused' | 'cleaned' | 'merged' | 'accepted' | 'no answer';

export interface SampleOutcome {
  label: string;
  outcome: Outcome;
  code?: string;
}

/** The shortest "during" phase at full scale. */
export const MIN_DURING_MS = 3000;

/** Users present while the samples are tried: the look-alike's original and room 1's anchor. */
const LOOKALIKE_ROOM = 'lookalike';

async function trySample(url: string, sample: TextSample, n: number): Promise<SampleOutcome> {
  const c = await ChatSocket.open(url);
  try {
    if (sample.field === 'name') {
      const answer = await c.login(sample.value, LOOKALIKE_ROOM);
      if (!answer) return { label: sample.label, outcome: 'no answer' };
      if (answer.type === 'error')
        return { label: sample.label, outcome: 'refused', code: String(answer.code) };
      return { label: sample.label, outcome: answer.client_name === sample.value ? 'accepted' : 'cleaned' };
    }
    if (sample.field === 'room') {
      const answer = await c.login(`sample${n}`, sample.value);
      if (!answer) return { label: sample.label, outcome: 'no answer' };
      if (answer.type === 'error')
        return { label: sample.label, outcome: 'refused', code: String(answer.code) };
      // The anchor waits in room "1": seeing it means the id was read as room 1.
      const list = Object.values((answer.client_list ?? {}) as Record<string, string>);
      return { label: sample.label, outcome: list.includes('anchor') ? 'merged' : 'accepted' };
    }
    await c.login(`sample${n}`, `text-${n}`);
    c.send({ type: 'say', to_client_id: 'all', to_client_name: 'all', content: sample.value });
    const answer = await c.next((m) => m.type === 'error' || m.type === 'say');
    if (!answer) return { label: sample.label, outcome: 'no answer' };
    if (answer.type === 'error')
      return { label: sample.label, outcome: 'refused', code: String(answer.code) };
    return { label: sample.label, outcome: answer.content === sample.value ? 'accepted' : 'cleaned' };
  } finally {
    c.close();
  }
}

export const samplePasses = (o: SampleOutcome): boolean =>
  o.outcome !== 'accepted' && o.outcome !== 'no answer';

async function run(ctx: AttackContext): Promise<AttackResult> {
  const s = await Session.open(ctx);
  const outcomes: SampleOutcome[] = [];
  const present: ChatSocket[] = [];
  try {
    for (const [name, room] of [
      ['alice', LOOKALIKE_ROOM],
      ['anchor', '1'],
    ] as const) {
      const c = await ChatSocket.open(s.server.wsUrl);
      present.push(c);
      await c.login(name, room);
    }
    await s.before();
    await s.phase('during');
    const duringStarted = Date.now();
    for (const [i, sample] of TEXT_SAMPLES.entries())
      outcomes.push(await trySample(s.server.wsUrl, sample, i));
    // The samples take a few hundred ms; the phase lasts long enough to hold round trips
    // (one every 100 ms) and a fresh connect, so "during" is measured, not empty.
    await sleep(Math.max(0, sized(ctx.scale, 1000, MIN_DURING_MS) - (Date.now() - duringStarted)));
    await s.after();
  } catch (err) {
    await s.close();
    throw err;
  } finally {
    for (const c of present) c.close();
  }
  const legit = await s.finish();
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    ...outcomes.map((o): Row => ({
      measure: o.label,
      value: o.code ? `${o.outcome} (${o.code})` : o.outcome,
      goal: 'refused (or cleaned / merged)',
      pass: samplePasses(o),
    })),
    ...legitRows('after', legit.phases.after, false),
    legitClosesRow(legit),
  ];
  return { attack: 'text', rows, data: { outcomes, legit } };
}

export const textAttack: Attack = { name: 'text', title: 'Invisible and look-alike text', run };
