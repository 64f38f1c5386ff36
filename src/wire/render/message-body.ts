// How the text and HTML views show a message's content: chat JSON as sent, other JSON
// pretty-printed, plain text as is, binary as a hex dump. Always made safe for a terminal and
// cut at a size limit so a 1 GiB message cannot flood the screen.
import type { WsMessageEvent } from '../events.js';
import { hexAsciiDump, safeText } from './format.js';

export interface BodyOptions {
  /** Most characters (text) or bytes (binary) shown; the rest is counted, not printed. */
  maxChars: number;
}

function cut(text: string, max: number): { shown: string; more: number } {
  return text.length > max
    ? { shown: text.slice(0, max), more: text.length - max }
    : { shown: text, more: 0 };
}

/** The body lines of a message (without indentation). */
export function messageBodyLines(ev: WsMessageEvent, options: BodyOptions): string[] {
  if (ev.opcode === 2 || ev.text === undefined) {
    const data = Buffer.from(ev.data_base64 ?? '', 'base64');
    const shown = data.subarray(0, options.maxChars);
    const lines = shown.length ? hexAsciiDump(shown, '').split('\n') : ['(empty)'];
    if (data.length > shown.length) lines.push(`… ${data.length - shown.length} more bytes`);
    return lines;
  }
  let text = ev.text;
  if (!ev.chat && text.length <= options.maxChars && /^\s*[[{]/.test(text)) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not JSON after all: shown as it came.
    }
  }
  if (text.length === 0) return ['(empty)'];
  const { shown, more } = cut(text, options.maxChars);
  const lines = safeText(shown).split('\n');
  if (more > 0) lines.push(`… ${more} more characters`);
  return lines;
}
