// Answers a history request or a resume. An answer ready now (cached, or from a store in this
// process) is sent at once. One read from a store across a network (Redis) comes later, and live
// frames keep coming meanwhile: until it arrives, the session's frames are held; then the answer
// goes first and the held frames follow, minus the messages the answer already holds, so a
// resuming client gets every message once, in order.
import type { EncodedAnswer } from './history-answer.js';
import type { HubLogger, Link } from './link.js';
import type { Session } from './session.js';
import { CLOSE } from '../../shared/websocket-framing.js';

/** Frames held for one client while its history is read; more means it cannot catch up. */
const MAX_HELD = 10_000;

export function replyNow(session: Session, answer: EncodedAnswer): void {
  send(session.link, answer);
}

export function replyWhenRead(session: Session, answer: Promise<EncodedAnswer>, logger: HubLogger): void {
  const inner = session.link;
  const held: Buffer[] = [];
  let overflow = false;
  const holding: Link = {
    send(frame) {
      if (held.length < MAX_HELD) held.push(frame);
      else overflow = true;
    },
    close: (code, reason) => inner.close(code, reason),
  };
  session.link = holding;
  answer
    .catch((err: unknown) => {
      logger.error({ err, user: session.id }, 'history read failed');
      return undefined;
    })
    .then((result) => {
      if (session.link === holding) session.link = inner;
      if (session.closed) return;
      if (overflow) return inner.close(CLOSE.TRY_AGAIN_LATER, 'too much happened while catching up');
      if (result) send(inner, result);
      const ids = result?.ids ?? new Set<string>();
      for (const frame of held) if (ids.size === 0 || !holdsMessage(frame, ids)) inner.send(frame);
    });
}

function send(link: Link, answer: EncodedAnswer): void {
  for (const frame of answer.frames) link.send(frame);
}

/** Whether a held frame is a message the history answer already carried. */
function holdsMessage(frame: Buffer, ids: Set<string>): boolean {
  try {
    const parsed = JSON.parse(frame.toString()) as { type?: unknown; id?: unknown };
    return parsed.type === 'message' && typeof parsed.id === 'string' && ids.has(parsed.id);
  } catch {
    return false;
  }
}
