/**
 * Group commit: writes that arrive together share one transaction, and so one fsync, instead
 * of one each. With `synchronous = FULL` a commit waits for the disk (about a millisecond, far
 * more on a busy or slow one), and under load the portal spent its time waiting for the disk.
 * Nothing is given up for it: every write is still answered only once the transaction that
 * holds it is committed and on disk, so what was confirmed survives a crash or a power cut as
 * before; an answer only waits for the writes beside it.
 *
 * A batch is whatever was queued when the event loop next gets to its check phase
 * (`setImmediate`): under load, the requests that arrived while the previous commit waited for
 * the disk; alone, a write is committed at once.
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

  constructor(
    private readonly db: Database,
    /** Writes in one transaction at most; the rest wait for the next. */
    private readonly maxBatch = 500,
  ) {}

  /**
   * Runs `work` (synchronous, as every database call is) in the next shared transaction, in a
   * savepoint of its own. Resolves with its result once that transaction is committed. Rejects
   * with its own error if it throws (its changes undone, the others' kept), or with the
   * storage's if the transaction cannot be committed (then nothing of the batch is stored and
   * every write in it is rejected).
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Writes whatever is queued now, without waiting for the event loop (before closing). */
  flush(): void {
    while (this.queue.length > 0) this.commit(this.queue.splice(0, this.maxBatch));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.maxBatch);
      if (this.queue.length > 0) this.schedule();
      this.commit(batch);
    });
  }

  private commit(batch: Queued[]): void {
    if (batch.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      this.db.transaction(() => {
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
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }
}
