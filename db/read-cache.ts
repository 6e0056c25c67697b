/**
 * What a read returned, kept until the database may have changed: any write through the same
 * connection, any transaction ended, any commit by another connection or process. Then every
 * entry goes at once — no entry outlives a change to any table, so nothing needs to know which
 * write touches which read. Inside a transaction it neither answers nor keeps anything: what is
 * read there may yet be rolled back.
 *
 * Another connection's commit is learnt of through `PRAGMA data_version` (`Database.dataVersion`),
 * asked only to answer from memory: a load reads the file itself. The version to compare with is
 * one asked before every entry kept was loaded; this connection's own writes do not change it,
 * so after them the cache is emptied without asking (under a stream of portal posts, each of
 * which writes, the file is then never asked at all).
 *
 * For reads that are many and writes that are few (the portal's pages: a customer's devices,
 * a visit's link). Values are shared between callers: keep them frozen (`deepFreeze`).
 */
import type { Database } from './database';

export class ReadCache<K, V> {
  private readonly entries = new Map<K, V>();
  private writes = -1;
  /** `PRAGMA data_version` as asked before any entry kept was loaded; null: not asked yet. */
  private dataVersion: number | null = null;

  constructor(
    private readonly db: Database,
    /** Entries kept at most; the oldest goes first. */
    private readonly capacity = 1000,
  ) {}

  get(key: K, load: () => V): V {
    const writes = this.db.writeCount();
    if (writes === null) return load();
    if (writes !== this.writes) {
      this.entries.clear();
      this.writes = writes;
    }
    if (this.entries.has(key)) {
      const dataVersion = this.db.dataVersion();
      if (dataVersion === this.dataVersion) return this.entries.get(key)!;
      // Another connection committed since (some of) the entries were loaded.
      this.entries.clear();
      this.dataVersion = dataVersion;
    } else if (this.dataVersion === null) {
      this.dataVersion = this.db.dataVersion();
    }
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
