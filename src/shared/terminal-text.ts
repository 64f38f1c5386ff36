// Untrusted text on its way to a terminal: payloads, HTTP headers, close reasons, file names,
// tcpdump's complaints. Anything that could drive the terminal (escape sequences, a bell, a
// carriage return that overwrites the line) or disguise the text around it (line and paragraph
// separators that break a line where no newline is, bidirectional overrides and isolates) is
// shown as an escape instead: `\x1b`, `\r`, `\u2028`. Tab and newline pass as they are.

// C0 controls but tab and newline, DEL, C1 controls (NEL U+0085 among them), the Arabic letter
// mark, left-to-right/right-to-left marks, line and paragraph separators, bidi embeddings and
// overrides, bidi isolates.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** The text with every character unsafe on a terminal replaced by a visible escape. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x0d) return '\\r';
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Like safeText, for one line: a newline is escaped too (a file name or a header on one line). */
export function safeLine(text: string): string {
  return safeText(text).replace(/\n/g, '\\n');
}
