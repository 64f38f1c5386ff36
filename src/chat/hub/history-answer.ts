// One history answer as frames, within a byte cap. A room of long messages in a dialect that
// escapes every non-ASCII character six bytes wide makes answers of megabytes; past the cap the
// answer holds the newest messages that fit and says that older ones were left out: complete=false
// in every dialect (each has the flag), and in the two workerman dialects, whose clients were
// written for servers that had no history, also a HISTORY_TRUNCATED error frame after it, the one
// kind of notice every client of theirs already shows.
import type { Codec } from '../protocol/codec.js';
import { encodeError, protocolError } from '../protocol/errors.js';
import type { MessageEvent } from '../protocol/events.js';

export interface EncodedAnswer {
  frames: Buffer[];
  /** Ids of the messages the answer holds (live frames held meanwhile that repeat them are dropped). */
  ids: Set<string>;
  /** Bytes of the frames. */
  bytes: number;
}

export function encodeHistoryAnswer(
  codec: Codec,
  room: string,
  messages: MessageEvent[],
  complete: boolean,
  maxBytes: number,
): EncodedAnswer {
  const full = codec.history(room, messages, complete);
  if (full === undefined) return { frames: [], ids: new Set(), bytes: 0 };
  let frame = Buffer.from(full);
  let kept = messages;
  if (frame.length > maxBytes) {
    kept = messages.slice(messages.length - newestThatFit(codec, room, messages, maxBytes));
    frame = Buffer.from(codec.history(room, kept, false)!);
    // The sizes were measured message by message; should the whole still be over, drop more.
    while (frame.length > maxBytes && kept.length > 0) {
      kept = kept.slice(1);
      frame = Buffer.from(codec.history(room, kept, false)!);
    }
  }
  const frames = [frame];
  if (kept.length < messages.length && codec.dialect !== 'native') {
    const left = messages.length - kept.length;
    const notice = `history answer capped at ${maxBytes} bytes: the ${left} oldest of ${messages.length} messages were left out`;
    frames.push(Buffer.from(encodeError(protocolError('HISTORY_TRUNCATED', notice))));
  }
  const bytes = frames.reduce((sum, f) => sum + f.length, 0);
  return { frames, ids: new Set(kept.map((m) => m.id)), bytes };
}

/** How many of the newest messages fit in `maxBytes`, from each one's size in the answer. */
function newestThatFit(codec: Codec, room: string, messages: MessageEvent[], maxBytes: number): number {
  const empty = Buffer.byteLength(codec.history(room, [], false)!);
  let total = empty;
  let count = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const alone = Buffer.byteLength(codec.history(room, [messages[i]!], false)!) - empty;
    total += alone + (count > 0 ? 1 : 0); // the comma between entries
    if (total > maxBytes) break;
    count++;
  }
  return count;
}
