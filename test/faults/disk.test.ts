/**
 * Issue 6, faults: the disk full, or the database read-only, while meterdesk saves. Every call
 * goes through `dispatch`, as the UI's and the HTTP API's calls do: the answer is a clear error
 * that says what happened and that nothing was saved, and the database is exactly as before
 * (every table's content compared). Once there is room again, or the database writable, the
 * same call succeeds.
 *
 * The disk: SQLite refuses to grow the file past PRAGMA max_page_count (SQLITE_FULL, the code a
 * full disk gives). Read-only: these tests run as root, for whom chmod does not stop writes, so
 * the connection is made read-only with PRAGMA query_only, and a second connection is opened
 * read-only (SQLITE_OPEN_READONLY, as for a file without write permission).
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/database';
import { databaseFile } from '../../src-main/core/paths';
import { createCore, dispatch } from '../../src-main/core/service';
import { openCore, type OpenedCore } from '../../src-main/node-main';
import { copyFolder, dealerFolder, readingsExport } from './helpers';

const dirs: string[] = [];
const cores: OpenedCore[] = [];
let template: string;
let day: string;
let upload: { fileName: string; content: string };

beforeAll(() => {
  const dealer = dealerFolder({ customers: 30, devices: 300, years: 1, seed: 64 });
  template = dealer.dir;
  day = dealer.today;
  dirs.push(template);
  upload = {
    fileName: 'fleet.csv',
    content: Buffer.from(readingsExport(template, day).csv).toString('base64'),
  };
});

afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dealerCore(): OpenedCore {
  const dir = copyFolder(template);
  dirs.push(dir);
  const core = openCore({ dataDir: dir, author: 'fault-test' });
  cores.push(core);
  return core;
}

/** Every table's rows, hashed: equal means nothing at all was written. */
function snapshot(db: Database): Record<string, string> {
  const tables = db.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      createHash('sha256')
        .update(JSON.stringify(db.all(`SELECT * FROM "${name}" ORDER BY 1`)))
        .digest('hex'),
    ]),
  );
}

/** A reading of the dealer's first device today, 500 pages above its last counters. */
async function newReading(core: OpenedCore) {
  const device = core.db.get<{ equipmentId: string }>(
    `SELECT d.equipment_id AS equipmentId FROM devices d
      WHERE coalesce((SELECT max(date) FROM readings r WHERE r.device_id = d.id), '') < ? ORDER BY d.id LIMIT 1`,
    [day],
  )!;
  const draft = await core.api['readings-draft']({ equipmentId: device.equipmentId });
  return {
    equipmentId: device.equipmentId,
    previousReadingId: draft.previousReadingId,
    date: draft.today,
    validFrom: draft.validity.from,
    validTo: draft.validity.to,
    counters: draft.counters.map((c) => ({
      kind: c.kind,
      old: c.chainOld,
      new: c.chainOld + 500,
      extraFree: 0,
    })),
  };
}

const period = () => day.slice(0, 7);

describe('the disk full while saving', () => {
  it('an import and a billing run are refused with a clear error, nothing half-saved; with room again both go through', async () => {
    const core = dealerCore();
    const pages = core.db.pragma('page_count') as number;
    // Not one page more than the file has now.
    expect(core.db.pragma(`max_page_count = ${pages}`)).toBe(pages);
    const before = snapshot(core.db);

    for (const [name, args] of [
      ['import-readings-run', upload],
      ['billing-run', { period: period() }],
    ] as const) {
      const answer = await dispatch(core.api, name, args);
      expect(answer.ok, name).toBe(false);
      expect(!answer.ok && answer.error.message, name).toMatch(/disk is full.*nothing was saved/i);
      expect(snapshot(core.db), name).toEqual(before);
    }
    expect(core.db.integrityCheck()).toBe('ok');

    core.db.pragma(`max_page_count = ${pages * 4}`);
    const imported = await dispatch(core.api, 'import-readings-run', upload);
    expect(
      imported.ok && (imported.value as { counts: { create: number } }).counts.create,
    ).toBeGreaterThan(100);
    expect((await dispatch(core.api, 'billing-run', { period: period() })).ok).toBe(true);
    expect(core.db.integrityCheck()).toBe('ok');
  });
});

describe('the database read-only while saving', () => {
  it('PRAGMA query_only: a reading, an import, a billing run and a setting are refused clearly, nothing changed', async () => {
    const core = dealerCore();
    const reading = await newReading(core);
    core.db.pragma('query_only = ON');
    const before = snapshot(core.db);
    for (const [name, args] of [
      ['readings-save', reading],
      ['import-readings-run', upload],
      ['billing-run', { period: period() }],
      ['settings-save', { values: { 'dealer.contact': 'Service 044 000 00 00' } }],
    ] as const) {
      const answer = await dispatch(core.api, name, args);
      expect(answer.ok, name).toBe(false);
      expect(!answer.ok && answer.error.message, name).toMatch(/read-only.*nothing was saved/i);
      expect(snapshot(core.db), name).toEqual(before);
    }
    core.db.pragma('query_only = OFF');
    expect((await dispatch(core.api, 'readings-save', reading)).ok).toBe(true);
  });

  it('a connection opened read-only (a file without write permission) refuses a reading clearly and still reads', async () => {
    const core = dealerCore();
    const reading = await newReading(core);
    const file = databaseFile(join(core.db.file, '..'));
    const before = readFileSync(file);
    const db = Database.open({ file, readonly: true });
    try {
      const api = createCore({ db, author: 'fault-test', version: 'test', now: () => new Date() });
      const answer = await dispatch(api, 'readings-save', reading);
      expect(answer.ok).toBe(false);
      expect(!answer.ok && answer.error.message).toMatch(/read-only.*nothing was saved/i);
      expect((await dispatch(api, 'readings-draft', { equipmentId: reading.equipmentId })).ok).toBe(
        true,
      );
    } finally {
      db.close();
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
