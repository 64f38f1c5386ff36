// The character classes behind name, room and text checks: what cannot be seen, what steers the
// terminal or the text direction, and which scripts look alike. Kept apart from validate.ts so
// the rules read as one table and can be tested on their own (char-classes.test.ts).

/** C0 (but see TEXT_CONTROL), DEL and C1 controls, and the line/paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * Bidirectional embeddings, overrides and isolates: they reorder what follows them, so a name can
 * read backwards and a text can show something other than what it says ("Trojan Source").
 * The marks U+200E/U+200F/U+061C do not reorder anything and are not in this set.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

/**
 * Characters that show nothing: every format character (Cf: zero-width space and joiners,
 * U+2060–U+2064, BOM, the direction marks, soft hyphen, tags…), the Hangul fillers, the blank
 * Braille pattern, the combining grapheme joiner, the Khmer inherent vowels and the Mongolian
 * free variation selectors. Variation selectors are handled apart: they are fine after a visible
 * character (U+2764 U+FE0F is a red heart) and invisible alone.
 */
// The combining ones first: after another character a combining one would read as combined with it.
const INVISIBLE_SET = '\\u034f\\u17b4\\u17b5\\u180b-\\u180d\\u180f\\p{Cf}\\u115f\\u1160\\u3164\\uffa0\\u2800';
const VARIATION_SELECTOR_SET = '\\ufe00-\\ufe0f\\u{e0100}-\\u{e01ef}';
const INVISIBLE = new RegExp(`[${INVISIBLE_SET}]`, 'u');
const VARIATION_SELECTOR = new RegExp(`[${VARIATION_SELECTOR_SET}]`, 'u');
const WHITE_SPACE = /\p{White_Space}/u;
const ZWJ = '\u200d';
const ZWNJ = '\u200c';

/** What an emoji ZWJ sequence joins: a pictograph, after its skin tone or presentation selector. */
const EMOJI_BEFORE_JOINER = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]/u;
const EMOJI_AFTER_JOINER = /\p{Extended_Pictographic}/u;

/**
 * Scripts whose spelling needs ZWJ/ZWNJ between letters (Persian "علی‌زاده", Indic conjuncts):
 * there a joiner changes how the word is drawn, so it is not an invisible trick.
 */
// These two are built at first use (only a name with a joiner needs them): building them took
// ~0.6 ms of every start of the server and of `wirechat read`.
let joiningScriptLetter: RegExp | undefined;
let letterOrMark: RegExp | undefined;
const JOINING_SCRIPT_LETTER = (): RegExp =>
  (joiningScriptLetter ??=
    /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}]/u);
const LETTER_OR_MARK = (): RegExp => (letterOrMark ??= /[\p{L}\p{M}]/u);

/** Scripts with letters that pass for each other (Latin a/Cyrillic а/Greek α, o/о/ο, p/р/ρ…). */
const LOOKALIKE_SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
];

/** Text controls: C0 but tab and line feed (a CR only as part of CR LF), DEL, C1. */
const TEXT_CONTROL = /(?![\t\n]|\r\n)\p{Cc}/u;

/** A character that shows something: a text without one is blank. */
const VISIBLE = new RegExp(`[^${VARIATION_SELECTOR_SET}${INVISIBLE_SET}\\p{White_Space}\\p{Cc}]`, 'u');

export function hasControl(s: string): boolean {
  return CONTROL.test(s);
}

export function hasBidiControl(s: string): boolean {
  return BIDI_CONTROL.test(s);
}

export function hasTextControl(s: string): boolean {
  // Most texts hold no control at all: one plain scan first, the exceptions only when needed.
  return CONTROL.test(s) && TEXT_CONTROL.test(s);
}

const visible = (c: string | undefined): boolean =>
  c !== undefined &&
  !WHITE_SPACE.test(c) &&
  !CONTROL.test(c) &&
  !INVISIBLE.test(c) &&
  !VARIATION_SELECTOR.test(c);

const joiningLetter = (c: string | undefined): boolean =>
  c !== undefined && LETTER_OR_MARK().test(c) && JOINING_SCRIPT_LETTER().test(c);

/** Whether the code point at `i` shows nothing where it stands. */
function invisibleAt(chars: string[], i: number): boolean {
  const c = chars[i]!;
  const before = chars[i - 1];
  const after = chars[i + 1];
  if (VARIATION_SELECTOR.test(c)) return !visible(before);
  if (c === ZWJ || c === ZWNJ) {
    if (joiningLetter(before) && joiningLetter(after)) return false;
    const inEmoji =
      c === ZWJ && before !== undefined && after !== undefined && EMOJI_BEFORE_JOINER.test(before);
    return !(inEmoji && EMOJI_AFTER_JOINER.test(after));
  }
  return INVISIBLE.test(c);
}

/**
 * The first invisible code point of a name or room id (as U+XXXX), or undefined. Joiners inside
 * emoji sequences and joining scripts, and variation selectors after a visible character, count
 * as visible: they change how the characters around them are drawn.
 */
export function findInvisible(s: string): string | undefined {
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    if (invisibleAt(chars, i)) return codePoint(chars[i]!);
  }
  return undefined;
}

/** Whether a text has nothing to show once invisible, format and space characters are left out. */
export function isBlank(s: string): boolean {
  return !VISIBLE.test(s);
}

/** The look-alike scripts a name mixes (two or more of Latin, Cyrillic, Greek), or undefined. */
export function lookalikeMix(s: string): string[] | undefined {
  const found = LOOKALIKE_SCRIPTS.filter(([, re]) => re.test(s)).map(([name]) => name);
  return found.length > 1 ? found : undefined;
}

/**
 * Cyrillic letters drawn like Latin ones (а/a, с/c, ӏ/l, і/i…), and among them those Russian does
 * not use. A name of Russian look-alikes only ("Вера", "Тарас") is a real name and passes; one
 * that also needs the others ("аӏісе") is spelling a Latin word, and is refused.
 */
const CYRILLIC_LIKE_LATIN =
  /^[\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0455\u0456\u0458\u0501\u04bb\u04cf\u051b\u051d\u04af\u0475\u0410\u0412\u0421\u0415\u041d\u0406\u0408\u041a\u041c\u041e\u0420\u0405\u0422\u0425\u0423\u04ae\u04c0\u04ba\u051a\u051c\u0474]+$/u;
const NOT_RUSSIAN_LIKE_LATIN =
  /[\u0455\u0456\u0458\u0501\u04bb\u04cf\u051b\u051d\u04af\u0475\u0405\u0406\u0408\u04ba\u04c0\u051a\u051c\u04ae\u0474]/u;

/** Whether a name's letters are all Cyrillic look-alikes of Latin ones, spelling a Latin word. */
export function cyrillicLookalike(s: string): boolean {
  const letters = s.replace(/\P{L}/gu, '');
  return CYRILLIC_LIKE_LATIN.test(letters) && NOT_RUSSIAN_LIKE_LATIN.test(letters);
}

/** Trims Unicode white space only (String#trim would also drop a BOM, hiding it from the checks). */
export function trimSpace(s: string): string {
  return s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}

export function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
