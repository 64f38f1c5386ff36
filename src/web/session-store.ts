// The tab's identity: the session token from the server's first welcome, with the name and room
// it belongs to, kept in sessionStorage (per tab, gone when the tab closes; never in the address,
// never logged). A reload finds it and rejoins as the same person without the join form.

const KEY = 'wirechat.session';

export type SavedSession = { token: string; name: string; room: string };

export function loadSession(store: Storage | undefined): SavedSession | undefined {
  try {
    const raw = store?.getItem(KEY);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Partial<SavedSession>;
    if (typeof v.token !== 'string' || typeof v.name !== 'string' || typeof v.room !== 'string')
      return undefined;
    if (v.token.length === 0 || v.token.length > 64) return undefined;
    return { token: v.token, name: v.name, room: v.room };
  } catch {
    return undefined;
  }
}

export function saveSession(store: Storage | undefined, session: SavedSession): void {
  try {
    store?.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage full or refused: the identity then lasts as long as the connection.
  }
}

export function clearSession(store: Storage | undefined): void {
  try {
    store?.removeItem(KEY);
  } catch {
    // Nothing kept, nothing to clear.
  }
}
