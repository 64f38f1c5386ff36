// When two names are "the same" for NAME_TAKEN: names are already canonical (NFKC, trimmed, no
// invisible characters; see protocol/validate.ts), so folding case is what is left: "Carol",
// "carol" and "ｃａｒｏｌ" (fullwidth, which NFKC maps to ASCII) all give the same key.
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}
