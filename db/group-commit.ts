/**
 * Group commit: writes that arrive together share one transaction, and one sync of the disk,
 * instead of one each. A sync waits for the disk (about a millisecond, far more on a busy or
 * slow one); under load the portal spent its time waiting for it.
 *
 * Nothing is given up for it: every write is answered only once the transaction that holds it
 * is committed and the write-ahead log synced to the disk, so what was confirmed survives a
 * crash or a power cut as with `synchronous = FULL`. The sync runs off the event loop
 * (`Database.syncLog`, an fdatasync on the thread pool): while the disk works, the server goes
 * on reading requests and writing the next batch. An answer only waits for the writes beside
 * it, and for the sync that follows their commit.
 *
 * A batch is whatever was queued when the event loop next gets to its check phase
 * (`setImmediate`) after the previous batch's sync: under load, the requests that arrived
 * while the disk worked; alone, a write is committed at once.
 */
import type { Database } from './database';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Queued[] = [];
  private scheduled = false;
  /** Something was committed since the last sync started. */
  private unsynced = false;
  /** The sync under way. */
  private syncing: Promise<void> | null = null;
  /**
   * Why a sync failed, once one has. Then nothing more is written or confirmed: the failed
   * batch is committed in the log but not known to be on the disk (after a failed fdatasync
   * the system may drop the pages it could not write), and a later batch synced behind it
   * could be lost with it in a power cut. Reopening the database lets SQLite recover the log.
   */
  private failed: Error | null = null;

  constructor(
    private readonly db: Database,
    /** Writes in one transaction at most; the rest wait for the next. */
    private readonly maxBatch = 500,
    /** Makes what was committed durable (tests hold it to see what waits for it). */
    private readonly sync: () => Promise<void> = () => db.syncLog(),
  ) {}

  /**
   * Runs `work` (synchronous, as every database call is) in the next shared transaction, in a
   * savepoint of its own. Resolves with its result once that transaction is committed and on
   * the disk. Rejects with its own error if it throws (its changes undone, the others' kept),
   * or with the storage's if the transaction cannot be committed (then nothing of the batch is
   * stored) or synced (then this and every later write is rejected: see `failed`).
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Writes whatever is queued now, without waiting for the event loop (before closing), each
   * batch synced at its commit.
   */
  flush(): void {
    while (this.queue.length > 0) this.commit(this.queue.splice(0, this.maxBatch), true);
  }

  /** Resolves once everything committed so far is on the disk. */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    // A batch is committed only once the sync before it is done (`schedule`): what is not yet
    // synced needs a sync of its own, and what is, at most the one under way.
    if (this.unsynced) return this.startSync();
    return this.syncing ?? Promise.resolve();
  }

  private startSync(): Promise<void> {
    this.unsynced = false;
    const syncing = this.sync()
      .catch((error: unknown) => {
        this.failed ??= Object.assign(
          new Error(`the database's log could not be synced to the disk (${String(error)}): nothing more is written until it is reopened`),
          { cause: error },
        );
        throw this.failed;
      })
      .finally(() => {
        if (this.syncing === syncing) this.syncing = null;
      });
    this.syncing = syncing;
    return syncing;
  }

  /**
   * The next batch is written once the event loop comes round and the sync under way (if any)
   * is done: a commit writes every page it changed into the log, and small batches, one per
   * turn of the loop, wrote the same pages over and over.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const write = () =>
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.queue.splice(0, this.maxBatch);
        this.commit(batch, false);
        if (this.queue.length > 0) this.schedule();
      });
    if (this.syncing) void this.syncing.catch(() => undefined).then(write);
    else write();
  }

  private commit(batch: Queued[], synced: boolean): void {
    if (batch.length === 0) return;
    if (this.failed) {
      for (const { reject } of batch) reject(this.failed);
      return;
    }
    const outcomes: Outcome[] = [];
    const write = () => {
      for (const { work } of batch) {
        try {
          outcomes.push({ ok: true, value: this.db.transaction(work) });
        } catch (error) {
          // SQLite may answer a storage error (disk full, I/O) by rolling back the whole
          // transaction: then the writes before this one are gone too, and so is the batch.
          if (!this.db.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
    };
    try {
      if (synced) this.db.transaction(write);
      else this.db.transactionNotSynced(write);
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    const answer = () =>
      batch.forEach(({ resolve, reject }, index) => {
        const outcome = outcomes[index]!;
        if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      });
    if (synced) return answer();
    this.unsynced = true;
    this.durable().then(answer, (error: unknown) => {
      for (const { reject } of batch) reject(error);
    });
  }
}
