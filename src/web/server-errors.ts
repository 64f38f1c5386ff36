// Turns the server's error answers into polite sentences. The server's codes are stable; its
// wording is for developers, so known codes get a sentence of our own and unknown ones fall back
// to the server's message.

const byCode: Array<[RegExp, string]> = [
  [/RATE|FLOOD|TOO_MANY/, 'You are sending messages a little too fast. Please wait a moment.'],
  [/NAME.*(EMPTY|MISSING)|EMPTY_NAME/, 'Please choose a nickname.'],
  [/NAME.*(LONG|LARGE)/, 'That nickname is too long. Please choose a shorter one.'],
  [/NAME.*(CONTROL|INVALID|CHAR)/, 'That nickname contains characters that cannot be used.'],
  [/ROOM/, 'That room name cannot be used. Please choose another one.'],
  [/(TEXT|CONTENT|MESSAGE).*(LONG|LARGE)|FRAME_TOO_LARGE|TOO_LARGE/, 'That message is too long to send.'],
  [/(TEXT|CONTENT).*(EMPTY|MISSING)/, 'An empty message cannot be sent.'],
  [
    /TARGET|UNKNOWN_USER|NO_SUCH_USER/,
    'That person is no longer in the room, so the message was not delivered.',
  ],
  [/NOT_JOINED|NOT_LOGGED_IN|LOGIN_REQUIRED/, 'You are not in a room yet. Please join again.'],
];

export function politeError(code: string, message: string): string {
  for (const [pattern, text] of byCode) if (pattern.test(code)) return text;
  const fromServer = message.trim();
  if (fromServer) return `Sorry, that did not work: ${fromServer}`;
  return `Sorry, that did not work (${code}).`;
}

/** Errors after which a private conversation should fall back to "everyone". */
export function isUnknownTarget(code: string): boolean {
  return /TARGET|UNKNOWN_USER|NO_SUCH_USER/.test(code);
}
