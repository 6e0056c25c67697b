/**
 * Issue 6, faults: `npm run cli -- billing --period P --run` killed (SIGKILL) while it bills a
 * generated dealer's month, then meterdesk restarted on the folder. The run is one transaction:
 * the database passes integrity_check and holds the whole run (its readings 11) or no trace of
 * it (every reading still 01); run again, the period is billed exactly once, with the totals of
 * a run that was never killed.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { databaseFile } from '../../src-main/core/paths';
import { openCore } from '../../src-main/node-main';
import { rejection } from '../db/helpers';
import {
  copyFolder,
  count,
  dealerFolder,
  killWhen,
  reopen,
  rowsText,
  startCli,
  walPast,
  walSize,
  writerProbe,
  type Kill,
} from './helpers';

const dirs: string[] = [];
let template: string;
let period: string;
let unbilled: number;
let reference: Billed;

interface Billed {
  runs: number;
  billedReadings: number;
  status11: number;
  audit: number;
  content: string;
}

/** The period's billing as two folders must agree on it (ids and amounts, no timestamps). */
function billed(db: Database): Billed {
  return {
    runs: count(db, 'SELECT count(*) AS n FROM billing_runs'),
    billedReadings: count(db, 'SELECT count(*) AS n FROM billing_readings'),
    status11: count(db, "SELECT count(*) AS n FROM readings WHERE status = '11'"),
    audit: count(db, "SELECT count(*) AS n FROM audit_log WHERE entity = 'billing_run'"),
    content: [
      rowsText(db, 'SELECT period, state, total FROM billing_runs ORDER BY id'),
      rowsText(
        db,
        'SELECT contract_id, valid_from, valid_to, total, total_rounded FROM billing_contracts ORDER BY contract_id',
      ),
      rowsText(
        db,
        'SELECT contract_id, kind, usage, free_copies, billable, price_per_page, amount FROM billing_lines ORDER BY contract_id, kind',
      ),
      rowsText(db, 'SELECT reading_id, contract_id FROM billing_readings ORDER BY reading_id'),
    ].join('\n--\n'),
  };
}

async function billOnce(dir: string) {
  const core = openCore({ dataDir: dir, author: 'fault-test' });
  try {
    return await core.api['billing-run']({ period });
  } finally {
    core.close();
  }
}

beforeAll(async () => {
  const dealer = dealerFolder({ customers: 200, devices: 2000, years: 1, seed: 62 });
  template = dealer.dir;
  dirs.push(template);
  period = dealer.today.slice(0, 7);
  unbilled = reopen(template, (db) =>
    count(db, "SELECT count(*) AS n FROM readings WHERE status = '11'"),
  ).result;
  expect(unbilled).toBe(0);
  const untouched = copyFolder(template);
  dirs.push(untouched);
  await billOnce(untouched);
  reference = reopen(untouched, billed).result;
  expect(reference.runs).toBe(1);
  expect(reference.billedReadings).toBeGreaterThan(300);
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** After the restart: sound, and the run all there or not at all. */
function expectAllOrNothing(dir: string): Billed {
  const found = reopen(dir, billed);
  expect(found.integrity).toBe('ok');
  expect(found.brokenReferences).toBe(false);
  if (found.result.runs === 0) {
    expect(found.result).toEqual({
      runs: 0,
      billedReadings: 0,
      status11: 0,
      audit: 0,
      content: '\n--\n\n--\n\n--\n',
    });
  } else {
    expect(found.result).toEqual(reference);
  }
  return found.result;
}

/** Restarted, the run is made again: billed once, as if never killed. */
async function expectBilledOnce(dir: string, before: Billed) {
  if (before.runs === 0) await billOnce(dir);
  else expect((await rejection(billOnce(dir))).message).toContain('nothing to bill');
  expect(reopen(dir, billed).result).toEqual(reference);
}

describe('SIGKILL during npm run cli -- billing --run', () => {
  it('leaves the month unbilled or billed whole; billing it again after the restart bills it once', async () => {
    // The run's transaction writes for some 30 ms: freeze the child while it holds the write
    // lock and its commit has not reached the WAL (a late poll is tried again, at most thrice).
    let middle: { dir: string; kill: Kill<number> } | null = null;
    for (let attempt = 0; attempt < 3 && !middle; attempt++) {
      const dir = copyFolder(template);
      dirs.push(dir);
      const probe = writerProbe(databaseFile(dir));
      const kill = await killWhen(
        startCli(['billing', '--period', period, '--run', '--data', dir]),
        probe.writing(),
        () => walSize(databaseFile(dir)),
      ).finally(() => probe.close());
      if (kill.killed && kill.seen! <= 0) middle = { dir, kill };
    }
    expect(middle).not.toBeNull();
    const inTransaction = expectAllOrNothing(middle!.dir);
    expect(inTransaction.runs).toBe(0);
    await expectBilledOnce(middle!.dir, inTransaction);

    // The moment its commit starts writing the WAL: either outcome, never a part.
    const dir = copyFolder(template);
    dirs.push(dir);
    const kill = await killWhen(
      startCli(['billing', '--period', period, '--run', '--data', dir]),
      walPast(databaseFile(dir), 0),
    );
    expect(kill.killed).toBe(true);
    const atCommit = expectAllOrNothing(dir);
    if (kill.output.includes('readings now billed')) expect(atCommit.runs).toBe(1);
    await expectBilledOnce(dir, atCommit);
  });
});
