// A message's text as pieces the page turns into nodes: plain text, http(s) links, and mentions
// of the reader. Pure functions over strings, so no text ever becomes markup: the page makes a
// text node or an <a> whose text and href are set as properties.

export type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string };

/** Only http and https: no javascript:, data: or other schemes ever become a link. */
const LINK = /\bhttps?:\/\/[^\s<>"'`]+/giu;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?)\]}'"»]+$/u;

/** Splits `text` into pieces; `myName` (if given) marks `@myName` mentions, case-insensitively. */
export function splitText(text: string, myName?: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const match of text.matchAll(LINK)) {
    let url = match[0];
    const trail = TRAILING.exec(url);
    if (trail) url = url.slice(0, url.length - trail[0].length);
    const start = match.index;
    if (start > at) pieces.push(...mentions(text.slice(at, start), myName));
    const href = safeHref(url);
    pieces.push(href ? { kind: 'link', text: url, href } : { kind: 'text', text: url });
    at = start + url.length;
  }
  if (at < text.length) pieces.push(...mentions(text.slice(at), myName));
  return pieces;
}

/** Whether the text mentions `myName` as `@myName` (not inside a longer word). */
export function mentionsMe(text: string, myName: string | undefined): boolean {
  return splitText(text, myName).some((p) => p.kind === 'mention');
}

function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function mentions(text: string, myName: string | undefined): Piece[] {
  const name = myName?.trim();
  if (!name) return [{ kind: 'text', text }];
  const out: Piece[] = [];
  const lower = text.toLocaleLowerCase();
  const needle = `@${name.toLocaleLowerCase()}`;
  let at = 0;
  let from = 0;
  for (;;) {
    const i = lower.indexOf(needle, from);
    if (i < 0) break;
    const end = i + needle.length;
    const before = i === 0 ? '' : text[i - 1]!;
    const after = text.slice(end, end + 1);
    if (!isWordChar(before) && !isWordChar(after)) {
      if (i > at) out.push({ kind: 'text', text: text.slice(at, i) });
      out.push({ kind: 'mention', text: text.slice(i, end) });
      at = end;
    }
    from = end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

function isWordChar(c: string): boolean {
  return c !== '' && /[\p{L}\p{N}_]/u.test(c);
}
