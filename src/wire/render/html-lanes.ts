// The HTML view's lanes: one vertical line per endpoint, in the order endpoints first appear,
// each with its role once one is known (a lane first seen in a packet of unknown direction
// learns it later).
import type { LadderData } from './html-ladder-types.js';

export type LaneRole = 'client' | 'server' | 'unknown';

/** The role of an event's source (`self`) or destination, from its `from` ('client'/'server'). */
export function roleOf(from: string | undefined, self: boolean): LaneRole {
  if (from === 'client') return self ? 'client' : 'server';
  if (from === 'server') return self ? 'server' : 'client';
  return 'unknown';
}

export class Lanes {
  readonly list: LadderData['lanes'] = [];
  private readonly index = new Map<string, number>();

  /** The lane of `name`, added when new; a lane of unknown role takes the first role known. */
  of(name: string, role: LaneRole): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(name, i);
      this.list.push({ name, role });
    } else if (this.list[i]!.role === 'unknown' && role !== 'unknown') {
      this.list[i]!.role = role;
    }
    return i;
  }
}
