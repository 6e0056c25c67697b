/**
 * What a read returned, kept until the database may have changed: any write through the same
 * connection (but one declared confined to a table the loads do not read), any commit by
 * another connection or process. Then every entry goes at once, so nothing needs to know which
 * write touches which read.
 *
 * Another connection's commit is learnt of through `PRAGMA data_version` (`Database.dataVersion`),
 * asked only to answer from memory: a load reads the file itself. The version compared with is
 * one asked before every entry kept was loaded; this connection's own writes do not change it,
 * so after them the cache is emptied without asking.
 *
 * Inside a transaction it answers only what neither the transaction nor anyone else changed,
 * and keeps nothing it loads there: that may yet be rolled back. The portal judges its value
 * posts inside group commit's shared transaction so: the file is asked for its version once per
 * transaction instead of once per post, a read lock each that cost a sixth of a post's time.
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
    /**
     * The tables the loads read, when they read only these: writes declared confined to another
     * table (`Database.runIn`) then leave the entries. Left out: any write empties the cache.
     */
    private readonly reads?: readonly string[],
  ) {}

  get(key: K, load: () => V): V {
    const writes = this.db.writeStamp(this.reads);
    if (this.db.inTransaction) {
      // Answers from what was kept if neither this transaction (nor anything else through this
      // connection) nor another connection changed it since; keeps nothing it loads here, as
      // the transaction may yet be rolled back.
      const kept = writes === this.writes && this.entries.has(key) && this.db.dataVersion() === this.dataVersion;
      return kept ? this.entries.get(key)! : load();
    }
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
