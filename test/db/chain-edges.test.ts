/**
 * The edges of the reading chain found in review: counters added later, a second save of the
 * same dialog, overlapping validity, the lock on edits, confirmations, relinks and deletes.
 */
import { describe, expect, it } from 'vitest';
import type { SaveReadingArgs } from '../../shared/api';
import { laterCore, rejection, testCore } from './helpers';


const NOVEMBER = {
  equipmentId: '3.022.790',
  date: '2026-11-10',
  validFrom: '2026-11-01',
  validTo: '2026-11-30',
  counters: [{ kind: 'black' as const, old: 0, new: 350_000, extraFree: 0 }],
} satisfies SaveReadingArgs;

// Saved through `laterCore` (a core a month later): a device has one reading a period while
// the one covering it is only recorded.
const DECEMBER = {
  ...NOVEMBER,
  date: '2026-12-20',
  validFrom: '2026-12-01',
  validTo: '2026-12-31',
  counters: [{ kind: 'black' as const, old: 0, new: 355_000, extraFree: 0 }],
} satisfies SaveReadingArgs;

function readingCount(core: ReturnType<typeof testCore>): number {
  return core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings')?.n ?? 0;
}

describe('a new reading is tied to the chain it was drafted against', () => {
  it('refuses a second save of the same dialog (a held F2, a second clerk) and writes nothing', async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    await core.api['readings-save']({ ...NOVEMBER, previousReadingId: draft.previousReadingId });
    const later = laterCore(core);
    const before = readingCount(later);
    const error = await rejection(
      later.api['readings-save']({ ...DECEMBER, previousReadingId: draft.previousReadingId }),
    );
    expect(error.code).toBe('conflict');
    expect(readingCount(later)).toBe(before);
  });

  it('refuses the first reading twice: the second clerk’s typed old counter would be ignored', async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.100.001' });
    expect(draft.previousReadingId).toBeNull();
    const args = {
      equipmentId: '3.100.001',
      date: '2026-11-23',
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      previousReadingId: null,
      counters: [
        { kind: 'black' as const, old: 1_500, new: 4_000, extraFree: 0 },
        { kind: 'scan' as const, old: 310, new: 900, extraFree: 0 },
        { kind: 'color' as const, old: 880, new: 1_500, extraFree: 0 },
      ],
    };
    await core.api['readings-save'](args);
    expect((await rejection(core.api['readings-save']({ ...args, counters: args.counters.map((c) => ({ ...c, old: c.old - 100 })) }))).code).toBe('conflict');
  });
});

describe('validity periods never overlap', () => {
  it('refuses a period that starts inside the previous one', async () => {
    const core = testCore();
    const error = await rejection(core.api['readings-save']({ ...NOVEMBER, validFrom: '2026-10-15' }));
    expect(error.issues).toEqual([{ field: 'validFrom', code: 'validity-overlap', params: { max: '2026-10-31' } }]);
  });

  it('gives a device already recorded past the lock’s period its own month, not an overlap', async () => {
    const core = testCore();
    const locked = { equipmentId: '3.300.452', date: '2026-11-23', validFrom: '2026-10-01', validTo: '2026-10-31' };
    await core.api['readings-save']({ ...locked, date: '2026-11-20', counters: [{ kind: 'black', old: 0, new: 26_000, extraFree: 0 }] });
    const draft = await core.api['readings-draft']({ equipmentId: '3.300.452' });
    expect(draft.validityLock).toBeNull();
    expect(draft.validity).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const second = await core.api['readings-save']({
      ...locked,
      previousReadingId: draft.previousReadingId,
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: [{ kind: 'black', old: 0, new: 26_500, extraFree: 0 }],
    });
    expect(second).toMatchObject({ validFrom: '2026-11-01', validTo: '2026-11-30' });
    // Opened again, it is not locked either: it lies after the first device's period.
    expect((await core.api['readings-draft']({ equipmentId: '3.300.452', readingId: second.id })).validityLock).toBeNull();
  });
  it('keeps an edited reading’s period clear of the next one', async () => {
    const core = testCore();
    const first = await core.api['readings-save'](NOVEMBER);
    const later = laterCore(core);
    await later.api['readings-save'](DECEMBER);
    const error = await rejection(
      later.api['readings-save']({ ...NOVEMBER, readingId: first.id, revision: first.revision, validTo: '2026-12-05' }),
    );
    expect(error.issues).toEqual([{ field: 'validTo', code: 'validity-overlap-next', params: { min: '2026-12-01' } }]);
  });
});

describe('the first-device lock and a device’s own chain', () => {
  it('runs a device that skipped a month from its own last period to the first device’s end: no month lost', async () => {
    const core = testCore();
    // The first device (0001) is read for November; the second (0002) was last read for September.
    const first = await core.api['readings-draft']({ equipmentId: '3.300.451' });
    await core.api['readings-save']({
      equipmentId: '3.300.451',
      previousReadingId: first.previousReadingId,
      date: '2026-11-23',
      validFrom: first.validity.from,
      validTo: first.validity.to,
      counters: first.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + 900, extraFree: 0 })),
    });
    const draft = await core.api['readings-draft']({ equipmentId: '3.300.452' });
    expect(draft.validityLock).toMatchObject({ equipmentId: '3.300.451', from: '2026-10-01', to: '2026-11-30', firstDeviceFrom: '2026-11-01' });
    expect(draft.validity).toEqual({ from: '2026-10-01', to: '2026-11-30' });
    const saved = await core.api['readings-save']({
      equipmentId: '3.300.452',
      previousReadingId: draft.previousReadingId,
      date: '2026-11-23',
      validFrom: '2026-11-01',
      validTo: '2026-11-30',
      counters: [{ kind: 'black', old: 0, new: draft.counters[0]!.chainOld + 1_800, extraFree: 0 }],
    }).catch((error: unknown) => error);
    // The first device's own period alone would leave October uncovered: refused as locked.
    expect(saved).toMatchObject({ code: 'validation', issues: [{ field: 'validFrom', code: 'validity-locked', params: { from: '2026-10-01', to: '2026-11-30' } }] });
    const both = await core.api['readings-save']({
      equipmentId: '3.300.452',
      previousReadingId: draft.previousReadingId,
      date: '2026-11-23',
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: [{ kind: 'black', old: 0, new: draft.counters[0]!.chainOld + 1_800, extraFree: 0 }],
    });
    expect(both).toMatchObject({ validFrom: '2026-10-01', validTo: '2026-11-30' });
  });
});

describe('the first-device lock also holds for edits', () => {
  it('keeps the validity of an existing reading of another device while the lock is on', async () => {
    const core = testCore();
    const saved = await core.api['readings-save']({
      equipmentId: '3.300.452',
      date: '2026-11-23',
      validFrom: '2026-10-01',
      validTo: '2026-10-31',
      counters: [{ kind: 'black', old: 0, new: 26_000, extraFree: 0 }],
    });
    const draft = await core.api['readings-draft']({ equipmentId: '3.300.452', readingId: saved.id });
    expect(draft.validityLock).toMatchObject({ equipmentId: '3.300.451', from: '2026-10-01', to: '2026-10-31' });
    const error = await rejection(
      core.api['readings-save']({
        equipmentId: '3.300.452',
        readingId: saved.id,
        revision: saved.revision,
        date: '2026-11-23',
        validFrom: '2026-11-01',
        validTo: '2026-11-30',
        counters: [{ kind: 'black', old: 0, new: 26_000, extraFree: 0 }],
      }),
    );
    expect(error.issues[0]).toMatchObject({ field: 'validFrom', code: 'validity-locked' });
  });
});

describe('a counter kind added to a device later', () => {
  it('leaves older readings with their own counters: editing one neither invents nor relinks the new kind', async () => {
    const core = testCore();
    const older = await core.api['readings-save'](NOVEMBER);
    const later = laterCore(core);
    const device = await later.api['devices-get']({ equipmentId: '3.022.790' });
    later.db.run("INSERT INTO device_counters (device_id, kind, start_value) VALUES (?, 'scan', 100)", [device.device.id]);
    const draftNew = await later.api['readings-draft']({ equipmentId: '3.022.790' });
    expect(draftNew.counters.map((c) => [c.kind, c.oldEditable, c.chainOld])).toEqual([
      ['black', false, 350_000],
      ['scan', true, 100],
    ]);
    const newer = await later.api['readings-save']({
      ...DECEMBER,
      counters: [
        { kind: 'black', old: 0, new: 355_000, extraFree: 0 },
        { kind: 'scan', old: 100, new: 500, extraFree: 0 },
      ],
    });
    const draftOld = await later.api['readings-draft']({ equipmentId: '3.022.790', readingId: older.id });
    expect(draftOld.counters.map((c) => c.kind)).toEqual(['black']);
    await later.api['readings-save']({ ...NOVEMBER, readingId: older.id, revision: older.revision, note: 'checked on site' });
    const unknown = await rejection(
      later.api['readings-save']({
        ...NOVEMBER,
        readingId: older.id,
        revision: older.revision + 1,
        counters: [...NOVEMBER.counters, { kind: 'scan', old: 0, new: 50, extraFree: 0 }],
      }),
    );
    expect(unknown.issues).toEqual([{ field: 'scan.new', code: 'unknown-counter' }]);
    const after = await later.api['devices-get']({ equipmentId: '3.022.790' });
    expect(after.readings.find((r) => r.id === newer.id)?.counters).toEqual([
      { kind: 'black', old: 350_000, new: 355_000, extraFree: 0, exchange: null, usage: 5_000 },
      { kind: 'scan', old: 100, new: 500, extraFree: 0, exchange: null, usage: 400 },
    ]);
  });
});

describe('flags and confirmations', () => {
  it('keeps a clerk’s confirmation when the counters it judged stay the same', async () => {
    const core = testCore();
    const flagged = await core.api['readings-save']({ ...NOVEMBER, counters: [{ kind: 'black', old: 0, new: 690_256, extraFree: 0 }] });
    const confirmed = await core.api['readings-confirm']({ readingId: flagged.id, revision: flagged.revision });
    const noted = await core.api['readings-save']({
      ...NOVEMBER,
      readingId: confirmed.id,
      revision: confirmed.revision,
      note: 'big print job for the annual report',
      counters: [{ kind: 'black', old: 0, new: 690_256, extraFree: 0 }],
    });
    expect(noted).toMatchObject({ flagged: false, confirmedBy: 'test-clerk', note: 'big print job for the annual report' });
    const changed = await core.api['readings-save']({
      ...NOVEMBER,
      readingId: noted.id,
      revision: noted.revision,
      counters: [{ kind: 'black', old: 0, new: 700_000, extraFree: 0 }],
    });
    expect(changed).toMatchObject({ flagged: true, confirmedBy: null });
  });

  it('judges the usage the dialog shows: extra free copies (test prints) are no surprise', async () => {
    const core = testCore();
    const saved = await core.api['readings-save']({ ...NOVEMBER, counters: [{ kind: 'black', old: 0, new: 390_000, extraFree: 40_000 }] });
    expect(saved.flagged).toBe(false);
  });

  it('flags the next reading when a correction moves its old counter far down', async () => {
    const core = testCore();
    const first = await core.api['readings-save']({ ...NOVEMBER, date: '2026-11-20', counters: [{ kind: 'black', old: 0, new: 364_000, extraFree: 0 }] });
    const later = laterCore(core);
    // Fifteen days later, a thousand pages: usual.
    const second = await later.api['readings-save']({ ...DECEMBER, date: '2026-12-05', counters: [{ kind: 'black', old: 0, new: 365_000, extraFree: 0 }] });
    expect(second.flagged).toBe(false);
    await later.api['readings-save']({ ...NOVEMBER, date: '2026-11-20', readingId: first.id, revision: first.revision, counters: [{ kind: 'black', old: 0, new: 344_900, extraFree: 0 }] });
    const detail = await later.api['devices-get']({ equipmentId: '3.022.790' });
    expect(detail.readings.find((r) => r.id === second.id)).toMatchObject({ flagged: true, counters: [{ old: 344_900, usage: 20_100 }] });
    const audit = await later.api['audit-list']({ entity: 'reading', entityId: second.id });
    expect(audit.at(-1)?.changes).toMatchObject({ flagged: [false, true] });
  });

  it('refuses to confirm a billed reading', async () => {
    const core = testCore();
    const detail = await core.api['devices-get']({ equipmentId: '3.200.117' });
    const billed = detail.readings.at(-1)!;
    core.db.run('UPDATE readings SET flagged = 1 WHERE id = ?', [billed.id]);
    const error = await rejection(core.api['readings-confirm']({ readingId: billed.id, revision: billed.revision }));
    expect(error.issues).toEqual([{ field: 'reading', code: 'reading-read-only', params: { status: '11' } }]);
  });

  it('keeps who entered a reading when someone else corrects it (the audit says who changed it)', async () => {
    const core = testCore();
    const saved = await core.api['readings-save'](NOVEMBER);
    core.db.run("UPDATE readings SET author = 'first-clerk' WHERE id = ?", [saved.id]);
    const edited = await core.api['readings-save']({ ...NOVEMBER, readingId: saved.id, revision: saved.revision, counters: [{ kind: 'black', old: 0, new: 349_000, extraFree: 0 }] });
    expect(edited.author).toBe('first-clerk');
    expect((await core.api['audit-list']({ entity: 'reading', entityId: saved.id })).at(-1)?.author).toBe('test-clerk');
  });
});

describe('deleting and the chain', () => {
  it('gives the next reading the deleted one’s start of validity, so no period is left uncovered', async () => {
    const core = testCore();
    const first = await core.api['readings-save'](NOVEMBER);
    const later = laterCore(core);
    const second = await later.api['readings-save'](DECEMBER);
    await later.api['readings-delete']({ readingId: first.id, revision: first.revision });
    const detail = await later.api['devices-get']({ equipmentId: '3.022.790' });
    expect(detail.readings.find((r) => r.id === second.id)).toMatchObject({
      validFrom: '2026-11-01',
      validTo: '2026-12-31',
      counters: [{ old: 344_805, new: 355_000 }],
    });
  });

  it('refuses to delete a reading whose next one is posted, and changes nothing', async () => {
    const core = testCore();
    const detail = await core.api['devices-get']({ equipmentId: '3.022.790' });
    const middle = detail.readings.at(-2)!;
    core.db.run("UPDATE readings SET status = '01' WHERE id = ?", [middle.id]);
    const error = await rejection(core.api['readings-delete']({ readingId: middle.id, revision: middle.revision }));
    expect(error.issues[0]).toMatchObject({ field: 'reading', code: 'next-reading-locked', params: { status: '21' } });
    const after = await core.api['devices-get']({ equipmentId: '3.022.790' });
    expect(after.readings).toHaveLength(detail.readings.length);
  });

  it('rolls the whole correction back when writing the next reading fails', async () => {
    const core = testCore();
    const first = await core.api['readings-save'](NOVEMBER);
    const later = laterCore(core);
    const second = await later.api['readings-save'](DECEMBER);
    later.db.run(
      `CREATE TEMP TRIGGER fail AFTER UPDATE OF old_value ON reading_counters BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    await expect(
      later.api['readings-save']({ ...NOVEMBER, readingId: first.id, revision: first.revision, counters: [{ kind: 'black', old: 0, new: 349_000, extraFree: 0 }] }),
    ).rejects.toThrow(/disk full/);
    const detail = await later.api['devices-get']({ equipmentId: '3.022.790' });
    expect(detail.readings.find((r) => r.id === first.id)?.counters[0]?.new).toBe(350_000);
    expect(detail.readings.find((r) => r.id === second.id)?.counters[0]?.old).toBe(350_000);
    expect((await later.api['audit-list']({ entity: 'reading', entityId: first.id })).map((e) => e.action)).toEqual(['create']);
  });
});
