// Small pure helpers for how people and times look on the page.

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:05" for today, "3 Mar 14:05" for another day (in the reader's time zone). */
export function shortTime(ts: number, now: number = Date.now()): string {
  const d = new Date(ts);
  const today = new Date(now);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === today.toDateString()) return hm;
  const month = d.toLocaleString(undefined, { month: 'short' });
  return `${d.getDate()} ${month} ${hm}`;
}

/** The full date and time, for a tooltip and the <time datetime> attribute. */
export function isoTime(ts: number): string {
  return new Date(ts).toISOString();
}

/** A stable hue (0–359) per user id, so each person keeps one colour. */
export function userHue(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % 360;
}

/** The first visible character of a name, for its avatar (a whole code point, so emoji stay whole). */
export function initial(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toLocaleUpperCase() : '?';
}
