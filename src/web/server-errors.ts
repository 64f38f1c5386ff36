// Turns the server's error answers into polite sentences. The codes are stable (docs/protocol.md
// §3); the server's wording is for developers, so known codes get a sentence of our own and an
// unknown one falls back to the server's message.

const byCode = new Map<string, string>(
  Object.entries({
    NAME_EMPTY: 'Please choose a nickname.',
    NAME_TOO_LONG: 'That nickname is too long. Please choose a shorter one.',
    NAME_INVALID: 'That nickname contains characters that cannot be used.',
    NAME_INVISIBLE:
      'That nickname contains invisible characters. Please use only characters that can be seen.',
    NAME_MIXED_SCRIPTS:
      'That nickname mixes Latin, Cyrillic or Greek letters that look alike. Please write it in one alphabet.',
    NAME_LOOKALIKE:
      'That nickname imitates a Latin name with look-alike Cyrillic letters. Please choose another one.',
    NAME_TAKEN:
      'Someone in this room already uses that nickname (or one that differs only in capitals or width). Please choose another one.',
    ROOM_INVALID: 'That room name cannot be used. Please choose another one.',
    ROOM_INVISIBLE: 'That room name contains invisible characters. Please choose another one.',
    CONTENT_EMPTY: 'An empty message cannot be sent.',
    CONTENT_TOO_LONG: 'That message is too long to send. Please shorten it.',
    CONTENT_INVALID:
      'That message contains control or text-direction characters that cannot be sent. Please remove them.',
    CONTENT_INVISIBLE: 'That message has nothing visible in it, so it was not sent.',
    FRAME_TOO_LARGE: 'That message is too large to send.',
    RATE_LIMITED: 'You are sending messages a little too fast. Please wait a moment.',
    UNKNOWN_TARGET: 'That person is no longer here, so the private message was not delivered.',
    INVALID_TARGET: 'A private message needs someone else in the room.',
    NOT_LOGGED_IN: 'You are not in a room yet. Please join again.',
  }),
);

export function politeError(code: string, message: string): string {
  const known = byCode.get(code);
  if (known) return known;
  const fromServer = message.trim();
  if (fromServer) return `Sorry, that did not work: ${fromServer}`;
  return `Sorry, that did not work (${code}).`;
}

/** Errors after which a private conversation falls back to "everyone". */
export function isUnknownTarget(code: string): boolean {
  return code === 'UNKNOWN_TARGET' || code === 'INVALID_TARGET';
}
