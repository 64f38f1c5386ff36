// The store's history bounds from createChatServer's plain options (as `wirechat serve` and the
// cluster's workers and primary get them), so every copy of a room's history keeps the same bounds.
import type { RoomLogLimits } from './room-logs.js';

/** The bounds given among the options (plain JSON); the others stay at the store's defaults. */
export function historyLimits(options: Record<string, unknown>): Partial<RoomLogLimits> {
  const limits: Partial<RoomLogLimits> = {};
  const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const perRoom = num(options.history);
  const maxBytes = num(options.historyBytes);
  const maxRooms = num(options.maxRooms);
  const expiry = num(options.roomExpiry);
  if (perRoom !== undefined) limits.perRoom = perRoom;
  if (maxBytes !== undefined) limits.maxBytes = maxBytes;
  if (maxRooms !== undefined) limits.maxRooms = maxRooms;
  if (expiry !== undefined) limits.expiryMs = expiry * 1000;
  return limits;
}
