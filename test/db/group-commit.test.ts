/**
 * Group commit: writes queued together are committed in one transaction, each answered only
 * once it is committed and the log synced; one write's failure is its own; a failed commit
 * fails the whole batch and stores none of it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { GroupCommit } from '../../db/group-commit';
import { openPortalDatabase } from '../../db/portal/store';
import { tempDir } from './helpers';

const opened: Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** The writer's connection and a second one on the same file, to see what is committed. */
function databases() {
  const file = join(tempDir(), 'portal.sqlite');
  const db = openPortalDatabase(file);
  const observer = openPortalDatabase(file);
  opened.push(db, observer);
  const committed = () => observer.all<{ key: string }>('SELECT key FROM portal_config ORDER BY key').map((row) => row.key);
  return { db, committed };
}

const insert = (db: Database, key: string) => () => {
  db.run('INSERT INTO portal_config (key, value) VALUES (?, ?)', [key, 'v']);
  return key;
};

describe('GroupCommit', () => {
  it('commits writes queued together in one transaction, answering each only once it is committed', async () => {
    const { db, committed } = databases();
    const writes = new GroupCommit(db);
    const seenAtAnswer: string[][] = [];
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const answers = keys.map((key) =>
      writes.run(insert(db, key)).then((value) => {
        seenAtAnswer.push(committed());
        return value;
      }),
    );
    // Queued, not yet written: nothing is committed before the event loop comes round.
    expect(committed()).toEqual([]);
    expect(await Promise.all(answers)).toEqual(keys);
    // Every answer came after the commit of all twenty: one transaction.
    expect(seenAtAnswer).toEqual(keys.map(() => keys));
  });

  it("rejects only the write that failed, its changes undone, and keeps the others'", async () => {
    const { db, committed } = databases();
    const writes = new GroupCommit(db);
    const results = await Promise.allSettled([
      writes.run(insert(db, 'a')),
      writes.run(() => {
        insert(db, 'half-done')();
        throw new Error('refused');
      }),
      writes.run(insert(db, 'a')), // the same key again: a constraint error of its own
      writes.run(insert(db, 'b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'refused' });
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(committed()).toEqual(['a', 'b']);
  });

  it('rejects every write of the batch and stores none when the commit fails', async () => {
    const { db, committed } = databases();
    const writes = new GroupCommit(db);
    const results = await Promise.allSettled([
      writes.run(insert(db, 'before')),
      writes.run(() => {
        // A reference checked only at COMMIT (deferred), to nothing: the commit is refused.
        db.pragma('defer_foreign_keys = ON');
        db.run(`INSERT INTO sessions (id_hash, link_id, created_at, expires_at) VALUES ('x', 424242, '', '')`);
      }),
      writes.run(insert(db, 'after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const result of results) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    }
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The next batch is written as usual.
    await writes.run(insert(db, 'next'));
    expect(committed()).toEqual(['next']);
  });

  it('rejects the whole batch when SQLite abandons the transaction half-way', async () => {
    const { db, committed } = databases();
    const writes = new GroupCommit(db);
    const results = await Promise.allSettled([
      writes.run(insert(db, 'before')),
      // What SQLite may do on a full disk or an I/O error: roll back everything so far.
      writes.run(() => db.run('ROLLBACK')),
      writes.run(insert(db, 'after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('writes what is queued at once on flush (before closing), in batches of at most maxBatch', async () => {
    const { db, committed } = databases();
    const writes = new GroupCommit(db, 3);
    const answers = ['a', 'b', 'c', 'd', 'e'].map((key) => writes.run(insert(db, key)));
    writes.flush();
    expect(committed()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('answers only after the sync that follows the commit; writes queued during a sync are the next batch', async () => {
    const { db, committed } = databases();
    const syncs: Array<{ committedAtStart: string[]; done: () => void }> = [];
    const writes = new GroupCommit(db, 500, () => new Promise<void>((done) => syncs.push({ committedAtStart: committed(), done })));
    const answered: string[] = [];
    const first = writes.run(insert(db, 'a')).then((key) => answered.push(key));
    await new Promise(setImmediate);
    // Committed (another connection sees it), the sync started, nothing answered yet.
    expect(committed()).toEqual(['a']);
    expect(syncs.map((s) => s.committedAtStart)).toEqual([['a']]);
    const queued = ['b', 'c'].map((key) => writes.run(insert(db, key)).then((k) => answered.push(k)));
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    // While the disk works, the next writes wait, uncommitted, and nothing is answered.
    expect(committed()).toEqual(['a']);
    expect(syncs).toHaveLength(1);
    expect(answered).toEqual([]);
    syncs[0]!.done();
    await first;
    expect(answered).toEqual(['a']);
    // Then they are one batch: one commit, one sync, answered only after it.
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    expect(syncs.map((s) => s.committedAtStart)).toEqual([['a'], ['a', 'b', 'c']]);
    expect(answered).toEqual(['a']);
    syncs[1]!.done();
    await Promise.all(queued);
    expect(answered).toEqual(['a', 'b', 'c']);
    // Nothing committed since: durable() needs no further sync.
    await writes.durable();
    expect(syncs).toHaveLength(2);
  });

  it('rejects the writes of a batch whose sync fails, and every write after it', async () => {
    const { db, committed } = databases();
    let syncs = 0;
    const writes = new GroupCommit(db, 500, () => {
      syncs += 1;
      return Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    });
    const results = await Promise.allSettled([writes.run(insert(db, 'a')), writes.run(insert(db, 'b'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ cause: { code: 'EIO' } });
    // Committed in the log, but not known to be on the disk: nothing more is written or
    // confirmed, and nothing is handed over as durable, until the database is reopened.
    expect(committed()).toEqual(['a', 'b']);
    await expect(writes.run(insert(db, 'c'))).rejects.toThrow(/could not be synced/);
    await expect(writes.durable()).rejects.toThrow(/could not be synced/);
    expect(committed()).toEqual(['a', 'b']);
    expect(syncs).toBe(1);
  });

  it('keeps the log open for a sync under way when the database closes, and refuses one after', async () => {
    const file = join(tempDir(), 'portal.sqlite');
    const db = openPortalDatabase(file);
    db.run(`INSERT INTO portal_config (key, value) VALUES ('k', 'v')`);
    const syncing = db.syncLog();
    db.close();
    await expect(syncing).resolves.toBeUndefined();
    await expect(db.syncLog()).rejects.toThrow(/closed/);
  });

  it("syncs the real log file: a batch's commit is in the -wal file, and synced, before its answer", async () => {
    const { db } = databases();
    let syncedLog = 0;
    const writes = new GroupCommit(db, 500, async () => {
      await db.syncLog();
      syncedLog += 1;
    });
    await writes.run(insert(db, 'a'));
    expect(syncedLog).toBe(1);
    expect(statSync(`${db.file}-wal`).size).toBeGreaterThan(0);
    // The connection is back to syncing every other commit itself.
    expect(db.pragma('synchronous')).toBe(2);
  });
});
