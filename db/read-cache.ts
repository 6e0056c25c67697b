/**
 * What a read returned, kept until the database may have changed: any write through the same
 * connection, any transaction ended, any commit by another connection or process (see
 * `Database.changeStamp`). Then every entry goes at once — no entry outlives a change to any
 * table, so nothing needs to know which write touches which read. Inside a transaction it
 * neither answers nor keeps anything: what is read there may yet be rolled back.
 *
 * For reads that are many and writes that are few (the portal's pages: a customer's devices,
 * a visit's link). Values are shared between callers: keep them frozen (`deepFreeze`).
 */
import type { Database } from './database';

export class ReadCache<K, V> {
  private readonly entries = new Map<K, V>();
  private writes = -1;
  private dataVersion = -1;

  constructor(
    private readonly db: Database,
    /** Entries kept at most; the oldest goes first. */
    private readonly capacity = 1000,
  ) {}

  get(key: K, load: () => V): V {
    const stamp = this.db.changeStamp();
    if (!stamp) return load();
    if (stamp.writes !== this.writes || stamp.dataVersion !== this.dataVersion) {
      this.entries.clear();
      this.writes = stamp.writes;
      this.dataVersion = stamp.dataVersion;
    }
    if (this.entries.has(key)) return this.entries.get(key)!;
    const value = load();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }
}

/** Freezes a value and everything in it, so that a shared cached value cannot be changed. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
