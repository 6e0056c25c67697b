/**
 * Issue 6, faults: `npm run cli -- import FILE` killed (SIGKILL) while it imports a few hundred
 * readings, then meterdesk restarted on the folder. The import is one transaction, so the
 * database passes integrity_check and holds all of the file or none of it; running the import
 * again to the end gives exactly what a run that was never killed gives, and a third run adds
 * nothing.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { databaseFile } from '../../src-main/core/paths';
import { openCore } from '../../src-main/node-main';
import {
  copyFolder,
  count,
  dealerFolder,
  killedInTransaction,
  killWhen,
  readingsExport,
  reopen,
  rowsText,
  startCli,
  walPast,
} from './helpers';

const dirs: string[] = [];
let template: string;
let exportFile: string;
let before: number;
let lastId: number;
let reference: { created: number; imported: string };

/** The readings added since the dealer was generated: `?` is the last reading id before. */
const NEW_READINGS = 'SELECT count(*) AS n FROM readings WHERE id > ?';
/** …with their counters: what two folders must agree on. */
const IMPORTED = `SELECT d.equipment_id, r.date, r.source, r.status, r.valid_from, r.valid_to, rc.kind, rc.old_value, rc.new_value
  FROM readings r JOIN devices d ON d.id = r.device_id JOIN reading_counters rc ON rc.reading_id = r.id
 WHERE r.id > ? ORDER BY d.equipment_id, r.date, rc.kind`;

let csv = '';

/** The import as a restarted meterdesk runs it (the same core call as the CLI's). */
async function importOnce(dir: string) {
  const core = openCore({ dataDir: dir, author: 'fault-test' });
  try {
    return await core.api['import-readings-run']({
      fileName: 'fleet.csv',
      content: Buffer.from(csv).toString('base64'),
    });
  } finally {
    core.close();
  }
}

const duplicates = (db: Database) =>
  count(
    db,
    'SELECT count(*) AS n FROM (SELECT 1 FROM readings GROUP BY device_id, date HAVING count(*) > 1)',
  );

beforeAll(async () => {
  const dealer = dealerFolder({ customers: 60, devices: 600, years: 1, seed: 61 });
  template = dealer.dir;
  dirs.push(template);
  const made = readingsExport(template, dealer.today);
  csv = made.csv;
  exportFile = join(template, 'fleet.csv');
  writeFileSync(exportFile, csv);
  ({ before, lastId } = reopen(template, (db) => ({
    before: count(db, 'SELECT count(*) AS n FROM readings'),
    lastId: count(db, 'SELECT max(id) AS n FROM readings'),
  })).result);

  const untouched = copyFolder(template);
  dirs.push(untouched);
  const report = await importOnce(untouched);
  const again = await importOnce(untouched);
  expect(again.counts.create).toBe(0);
  reference = {
    created: report.counts.create,
    imported: reopen(untouched, (db) => rowsText(db, IMPORTED, [lastId])).result,
  };
  expect(reference.created).toBeGreaterThan(300);
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL during npm run cli -- import', () => {
  it('leaves a sound database with all or none of the file; the import run again gives the same readings, once', async () => {
    // Two children side by side: one killed in the middle of its transaction, one the
    // moment its commit starts writing the WAL.
    const commit = copyFolder(template);
    dirs.push(commit);
    const commitRun = startCli(['import', exportFile, '--data', commit]);
    const [{ dir: middle, kill: killedMiddle }, killedCommit] = await Promise.all([
      // 10 ms into the write lock: this file's transaction holds it some 45 ms (measured; it
      // held it over 100 ms before the import got faster, then 80 ms before it read the
      // devices' chains all at once, before its first write).
      killedInTransaction(
        () => {
          const dir = copyFolder(template);
          dirs.push(dir);
          return dir;
        },
        (dir) => ['import', exportFile, '--data', dir],
        10,
      ),
      killWhen(commitRun, walPast(databaseFile(commit), 0)),
    ]);
    expect(killedCommit.killed).toBe(true);

    const outcomes: number[] = [];
    for (const [dir, killed] of [
      [middle, killedMiddle],
      [commit, killedCommit],
    ] as const) {
      const found = reopen(dir, (db) => ({
        readings: count(db, 'SELECT count(*) AS n FROM readings'),
        imported: count(db, NEW_READINGS, [lastId]),
        orphanCounters: count(
          db,
          'SELECT count(*) AS n FROM reading_counters WHERE reading_id NOT IN (SELECT id FROM readings)',
        ),
        duplicates: duplicates(db),
      }));
      expect(found.integrity).toBe('ok');
      expect(found.brokenReferences).toBe(false);
      expect(found.result.orphanCounters).toBe(0);
      expect(found.result.duplicates).toBe(0);
      // All or nothing.
      expect([0, reference.created]).toContain(found.result.imported);
      expect(found.result.readings).toBe(before + found.result.imported);
      outcomes.push(found.result.imported);
      // Nothing was reported as imported that is not there.
      if (killed.output.includes('imported')) expect(found.result.imported).toBe(reference.created);

      // Restarted, the same import runs to its end: what a run never killed gives, once.
      const rerun = await importOnce(dir);
      expect(rerun.counts.create).toBe(reference.created - found.result.imported);
      const after = reopen(dir, (db) => ({
        imported: rowsText(db, IMPORTED, [lastId]),
        duplicates: duplicates(db),
      }));
      expect(after.integrity).toBe('ok');
      expect(after.result.duplicates).toBe(0);
      expect(after.result.imported).toBe(reference.imported);
    }
    // Killed 10 ms into its writing, before the commit: nothing of it was there.
    expect(outcomes[0]).toBe(0);
  });
});
