// The HTML view's page around its data: the head (inline CSS, the opening of the data block),
// and the tail (the rest of the data, the page's script). The data block is one
// <script type="application/json"> whose JSON is written in pieces — the rows first, as they are
// decoded, then the lanes, the limits and the summary, which are only known at the end (JSON
// objects have no key order, so the client reads it the same).
import { readFileSync } from 'node:fs';

const asset = (name: string): string => readFileSync(new URL(name, import.meta.url), 'utf8');

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const EMBED_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON that is safe inside <script>: no '<' (so no "</script>" or "<!--"), no U+2028/2029. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => EMBED_ESCAPES[c]!);
}

/** The page up to and including the start of the rows array. */
export function pageHead(title: string, source: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>
${asset('./html-ladder.css')}
</style>
</head>
<body>
<script type="application/json" id="wirechat-data">${embedJson({ title, source }).slice(0, -1)},"rows":[`;
}

/** The end of the rows array, the fields known only at the end (an object), and the script. */
export function pageTail(rest: Record<string, unknown>): string {
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `,${embedJson(k)}:${embedJson(v)}`)
    .join('');
  return `]${fields}}</script>
<script>
${asset('./html-ladder-rows.js')}
${asset('./html-ladder-keys.js')}
${asset('./html-ladder-detail.js')}
${asset('./html-ladder-header.js')}
${asset('./html-ladder-client.js')}
</script>
</body>
</html>
`;
}
