// Runs a history store's expiry now and then (a quarter of the expiry, within 0.1–60 s), so that
// the history of rooms nobody uses any more goes away after an attack that invented them.
import type { HistoryStore, RoomUse } from './history.js';
import { expirySweepMs } from './room-logs.js';

/** Starts the sweeps; the returned function stops them. Nothing runs when expiryMs is 0. */
export function startHistoryExpiry(store: HistoryStore, use: RoomUse, expiryMs: number): () => void {
  if (expiryMs <= 0 || !store.expire) return () => {};
  const timer = setInterval(() => store.expire?.(use), expirySweepMs(expiryMs));
  timer.unref();
  return () => clearInterval(timer);
}
