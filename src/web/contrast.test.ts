// Colour contrast for every possible user colour, read from the page's own stylesheet: a sender's
// name (on a message bubble, private or not) and the initial on their avatar must reach 4.5:1 in
// both themes whatever hue their id gives them. Chromium's axe check sees only the hues of the ids
// it happened to get; this covers all 360.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'style.css'), 'utf8');

/** The custom properties of the light theme (first :root) and the dark one (inside the media query). */
function themes(): Record<'light' | 'dark', Map<string, string>> {
  const light = /:root\s*{([^}]*)}/.exec(css)![1]!;
  const dark = /prefers-color-scheme:\s*dark\)\s*{\s*:root\s*{([^}]*)}/.exec(css)![1]!;
  const vars = (block: string) =>
    new Map([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
  return { light: vars(light), dark: new Map([...vars(light), ...vars(dark)]) };
}

type Rgb = [number, number, number];

function hex(value: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(value);
  assert.ok(m, `a #rrggbb colour, got ${value}`);
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

function luminance([r, g, b]: Rgb): number {
  const c = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

const percent = (v: string) => Number(v.replace('%', '')) / 100;

for (const [name, vars] of Object.entries(themes())) {
  test(`${name} theme: every user colour reaches 4.5:1 for names and avatar initials`, () => {
    const l = percent(vars.get('--avatar-l')!);
    const s = percent(vars.get('--avatar-s')!);
    const initialsColour = hex(vars.get('--avatar-text')!);
    let worst = Infinity;
    for (let hue = 0; hue < 360; hue++) {
      const avatar = hsl(hue, s, l);
      const sender = hsl(hue, 0.55, l); // chat.css: .msg.other .sender
      worst = Math.min(
        worst,
        contrast(avatar, initialsColour),
        contrast(sender, hex(vars.get('--panel')!)),
        contrast(sender, hex(vars.get('--private-soft')!)),
      );
    }
    assert.ok(worst >= 4.5, `worst contrast ${worst.toFixed(2)}:1`);
  });

  test(`${name} theme: muted text reaches 4.5:1 on every background it is used on`, () => {
    for (const bg of ['--bg', '--panel', '--panel-2']) {
      const ratio = contrast(hex(vars.get('--muted')!), hex(vars.get(bg)!));
      assert.ok(ratio >= 4.5, `--muted on ${bg}: ${ratio.toFixed(2)}:1`);
    }
  });
}
