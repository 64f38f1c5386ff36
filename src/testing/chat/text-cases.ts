// The names, rooms and texts that must be refused (each with its code) and the look-alikes that
// must stay accepted, shared by the validation table test and the test on a real server.

/** [name, code]: names that must be refused. */
export const REFUSED_NAMES: [string, string][] = [
  ['\u3164', 'NAME_INVISIBLE'], // Hangul filler alone: a blank name
  ['\u115f', 'NAME_INVISIBLE'],
  ['\u1160', 'NAME_INVISIBLE'],
  ['\uffa0', 'NAME_INVISIBLE'],
  ['\u2800', 'NAME_INVISIBLE'], // blank Braille pattern
  ['ann\u3164', 'NAME_INVISIBLE'],
  ['a\u200bnn', 'NAME_INVISIBLE'], // zero-width space
  ['a\u200cnn', 'NAME_INVISIBLE'], // ZWNJ between Latin letters
  ['a\u200dnn', 'NAME_INVISIBLE'], // ZWJ between Latin letters
  ['ann\u200e', 'NAME_INVISIBLE'], // left-to-right mark
  ['ann\u200f', 'NAME_INVISIBLE'],
  ['a\u2060nn', 'NAME_INVISIBLE'], // word joiner
  ['a\u2061nn', 'NAME_INVISIBLE'],
  ['a\u2064nn', 'NAME_INVISIBLE'],
  ['\ufeffann', 'NAME_INVISIBLE'], // a BOM is not trimmed away silently
  ['a\u061cnn', 'NAME_INVISIBLE'], // Arabic letter mark
  ['a\u180enn', 'NAME_INVISIBLE'], // Mongolian vowel separator
  ['a\u00adnn', 'NAME_INVISIBLE'], // soft hyphen (Cf)
  ['a\u034fnn', 'NAME_INVISIBLE'], // combining grapheme joiner
  ['ann\u{e0061}', 'NAME_INVISIBLE'], // tag character (Cf)
  ['\ufe0fann', 'NAME_INVISIBLE'], // variation selector alone
  ['ann \ufe0f', 'NAME_INVISIBLE'],
  ['\u{e0100}x', 'NAME_INVISIBLE'], // supplementary variation selector alone
  ['\u200b', 'NAME_INVISIBLE'],
  ['a\u0007b', 'NAME_INVALID'], // C0
  ['a\u001b[31mb', 'NAME_INVALID'], // ANSI escape
  ['a\u007fb', 'NAME_INVALID'], // DEL
  ['a\u0085b', 'NAME_INVALID'], // C1 (next line)
  ['a\u009bb', 'NAME_INVALID'], // C1 (CSI)
  ['a\nb', 'NAME_INVALID'],
  ['a\u2028b', 'NAME_INVALID'], // line separator
  ['\u202eevil', 'NAME_INVALID'], // right-to-left override
  ['a\u202ab', 'NAME_INVALID'],
  ['a\u2066b', 'NAME_INVALID'], // isolates
  ['a\u2069b', 'NAME_INVALID'],
  ['\u0430lice', 'NAME_MIXED_SCRIPTS'], // Cyrillic а + Latin "lice"
  ['alic\u0435', 'NAME_MIXED_SCRIPTS'], // Latin + Cyrillic е
  ['b\u03bfb', 'NAME_MIXED_SCRIPTS'], // Latin + Greek ο
  ['\u0391\u0430', 'NAME_MIXED_SCRIPTS'], // Greek + Cyrillic
  ['\u0430\u04cf\u0456\u0441\u0435', 'NAME_LOOKALIKE'], // "alice" all in Cyrillic look-alikes
  ['\u0410\u04cf\u0456\u0441\u0435 1', 'NAME_LOOKALIKE'],
  ['\u0455\u0430\u0441\u04bb\u0430', 'NAME_LOOKALIKE'], // "sacha"
  ['  ', 'NAME_EMPTY'],
  ['\u3000', 'NAME_EMPTY'], // ideographic space
];

/** [name as sent, name as kept]: real names that must pass (NFKC applied). */
export const ACCEPTED_NAMES: [string, string][] = [
  ['alice', 'alice'],
  ['张伟', '张伟'],
  ['山田 太郎', '山田 太郎'],
  ['やまだ', 'やまだ'],
  ['محمد', 'محمد'],
  ['علی\u200cزاده', 'علی\u200cزاده'], // Persian with ZWNJ between Arabic letters
  ['דוד כהן', 'דוד כהן'], // Hebrew, right to left by its own letters
  ['Сергей', 'Сергей'],
  ['Вера', 'Вера'], // Russian letters that look Latin, but a Russian name
  ['Тарас', 'Тарас'],
  ['Віктор', 'Віктор'], // Ukrainian і among other letters
  ['Αλέξανδρος', 'Αλέξανδρος'],
  ['José Müller', 'José Müller'],
  ['👩\u200d💻', '👩\u200d💻'], // ZWJ inside an emoji sequence
  ['ann\u2764\ufe0f', 'ann\u2764\ufe0f'], // variation selector after a visible character
  ['\uff2a\uff4f\uff48\uff4e', 'John'], // full width: NFKC
  ['\u{1d41a}\u{1d41b}', 'ab'], // mathematical bold: NFKC
  ['  bob  ', 'bob'],
];

/** [room as sent, code]: rooms that must be refused (native dialect: a string). */
export const REFUSED_ROOMS: [string, string][] = [
  ['', 'ROOM_INVALID'],
  ['   ', 'ROOM_INVALID'],
  ['r\u0007', 'ROOM_INVALID'],
  ['\u001b[2Jroom', 'ROOM_INVALID'],
  ['ro\u0085om', 'ROOM_INVALID'],
  ['\u202eroom', 'ROOM_INVALID'],
  ['room\u2067', 'ROOM_INVALID'],
  ['r'.repeat(65), 'ROOM_INVALID'],
  ['\u200b', 'ROOM_INVISIBLE'],
  ['lob\u200bby', 'ROOM_INVISIBLE'],
  ['\u3164', 'ROOM_INVISIBLE'],
  ['room\ufeff', 'ROOM_INVISIBLE'],
  ['1\u2060', 'ROOM_INVISIBLE'],
];

/** [text, code]: texts that must be refused. */
export const REFUSED_TEXTS: [string, string][] = [
  ['\u200b\u200b\u200b', 'CONTENT_INVISIBLE'],
  ['\u3164', 'CONTENT_INVISIBLE'],
  ['\u2800 \u2800', 'CONTENT_INVISIBLE'],
  ['\ufe0f', 'CONTENT_INVISIBLE'],
  ['\u200d\u2060\ufeff\n', 'CONTENT_INVISIBLE'],
  ['\u001b[2J\u001b[Hcleared', 'CONTENT_INVALID'], // ANSI escape
  ['bell\u0007', 'CONTENT_INVALID'],
  ['over\rwrite', 'CONTENT_INVALID'], // a lone CR rewrites the line on a terminal
  ['del\u007f', 'CONTENT_INVALID'],
  ['c1\u009b31m', 'CONTENT_INVALID'],
  ['nul\u0000', 'CONTENT_INVALID'],
  ['abc\u202edcba', 'CONTENT_INVALID'], // Trojan Source: override
  ['x\u2066y\u2069', 'CONTENT_INVALID'], // isolates
  ['x\u202ay', 'CONTENT_INVALID'], // embedding
  [' \n\t ', 'CONTENT_EMPTY'],
];

/** Texts that must pass unchanged. */
export const ACCEPTED_TEXTS: string[] = [
  'hello',
  '👩\u200d💻 at work',
  '👩\u200d💻',
  '🏳\ufe0f\u200d🌈',
  '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', // flag of Scotland: tag sequence
  'line one\nline two\tindented',
  'windows\r\nline',
  'שלום עולם',
  'مرحبا \u200f!', // a right-to-left mark is not an override
  '你好，世界',
  'zero\u200bwidth inside text is allowed',
];
