// HTML escaping for the two workerman dialects, whose original pages insert names and content
// as HTML: the server escapes (once), exactly like PHP's htmlspecialchars (ENT_QUOTES) and nl2br.

const HTML_CHARS = /[&<>"']/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#039;',
};

export function htmlSpecialChars(text: string): string {
  return text.replace(HTML_CHARS, (ch) => ENTITIES[ch]!);
}

/** PHP nl2br: inserts `<br />` before every line break, keeping the break itself. */
export function nl2br(text: string): string {
  return text.replace(/(\r\n|\n\r|\n|\r)/g, '<br />$1');
}

/** Content as the original server sent it: escaped, then line breaks marked. */
export function htmlContent(text: string): string {
  return nl2br(htmlSpecialChars(text));
}
