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
 * Inside a transaction it answers, and keeps what it loads, only while the transaction has not
 * written what the loads read: what is read then may be the transaction's own, and yet be
 * rolled back. The portal judges its value posts so, inside group commit's shared transaction:
 * the file is asked for its version once per transaction instead of once per post (a read
 * lock each, which cost a sixth of a post's time).
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
      // Changed by the transaction itself: that may yet be rolled back, so neither answered
      // nor kept. Otherwise what is read here is committed, as outside a transaction.
      if (writes !== this.db.writeStampAtBegin(this.reads)) return load();
      const dataVersion = this.db.dataVersion();
      if (writes !== this.writes || dataVersion !== this.dataVersion) {
        this.entries.clear();
        this.writes = writes;
        this.dataVersion = dataVersion;
      }
      if (this.entries.has(key)) return this.entries.get(key)!;
      return this.keep(key, load());
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
    return this.keep(key, load());
  }

  private keep(key: K, value: V): V {
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
