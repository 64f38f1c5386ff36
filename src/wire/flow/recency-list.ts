// Connections (or closed-connection records) in order of their last packet, oldest first: a
// doubly linked list threaded through the entries themselves, so moving an entry to the newest
// end and taking the oldest are O(1) with no allocation. (A Map re-inserted on every packet
// would do the same in order, but leaves holes that every walk from its start must skip.)

export interface RecencyNode<T> {
  older: T | null;
  newer: T | null;
  listed: boolean;
}

export class RecencyList<T extends RecencyNode<T>> {
  oldest: T | null = null;
  newest: T | null = null;

  /** Appends `n` at the newest end (it must not be listed). */
  push(n: T): void {
    n.older = this.newest;
    n.newer = null;
    if (this.newest !== null) this.newest.newer = n;
    else this.oldest = n;
    this.newest = n;
    n.listed = true;
  }

  remove(n: T): void {
    if (!n.listed) return;
    if (n.older !== null) n.older.newer = n.newer;
    else this.oldest = n.newer;
    if (n.newer !== null) n.newer.older = n.older;
    else this.newest = n.older;
    n.older = n.newer = null;
    n.listed = false;
  }

  /** Moves `n` to the newest end. */
  touch(n: T): void {
    if (this.newest === n) return;
    this.remove(n);
    this.push(n);
  }
}
