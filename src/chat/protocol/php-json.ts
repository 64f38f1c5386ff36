// JSON the way PHP's json_encode writes it (the workerman dialects' original server): `/` as
// `\/` and every non-ASCII character as \uXXXX (UTF-16 units, so astral characters become a
// surrogate pair). Plain JSON would be equally valid; matching the original byte for byte lets
// recorded sessions of the original be compared with ours directly.

const NEEDS_ESCAPE = /[/\u0080-\uffff]/g;

function escapeChar(ch: string): string {
  if (ch === '/') return '\\/';
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}

/** JSON.stringify, then PHP's escaping. Safe: `/` and non-ASCII only occur inside JSON strings. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value).replace(NEEDS_ESCAPE, escapeChar);
}

/** A JSON string literal in PHP's style, for hand-built objects whose key order matters. */
export function phpString(value: string): string {
  return phpJson(value);
}
