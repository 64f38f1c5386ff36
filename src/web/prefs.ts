// Remembers the nickname and room between visits. Storage may be full, disabled or hold junk
// from an older page: every access is guarded and falls back to defaults.

const KEY = 'wirechat.prefs';

export type Prefs = { name: string; room: string };

export function loadPrefs(storage: Pick<Storage, 'getItem'> | undefined): Prefs {
  const prefs: Prefs = { name: '', room: '1' };
  try {
    const raw = storage?.getItem(KEY);
    const saved: unknown = raw ? JSON.parse(raw) : undefined;
    if (typeof saved === 'object' && saved !== null) {
      const { name, room } = saved as Record<string, unknown>;
      if (typeof name === 'string') prefs.name = name.slice(0, 64);
      if (typeof room === 'string' && room.trim()) prefs.room = room.slice(0, 64);
    }
  } catch {
    // Unreadable or invalid: start from the defaults.
  }
  return prefs;
}

export function savePrefs(storage: Pick<Storage, 'setItem'> | undefined, prefs: Prefs): void {
  try {
    storage?.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Quota or privacy mode: the chat works without remembering.
  }
}
