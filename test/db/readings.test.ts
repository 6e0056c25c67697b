import { describe, expect, it } from 'vitest';
import type { SaveReadingArgs } from '../../shared/api';
import { dispatch } from '../../src-main/core/service';
import { insertReading } from '../../db/queries/readings';
import { laterCore, rejection, testCore } from './helpers';

const READING = {
  equipmentId: '3.022.790',
  date: '2026-11-23',
  validFrom: '2026-11-01',
  validTo: '2026-11-30',
  counters: [{ kind: 'black' as const, old: 0, new: 358_965, extraFree: 0 }],
} satisfies SaveReadingArgs;

function counts(core: ReturnType<typeof testCore>) {
  return {
    readings: core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings')?.n,
    counters: core.db.get<{ n: number }>('SELECT count(*) AS n FROM reading_counters')?.n,
    audit: core.db.get<{ n: number }>('SELECT count(*) AS n FROM audit_log')?.n,
  };
}


describe('saving a reading (SPEC §3) on a real database file', () => {
  it('saves the seed reading 344805 → 358965 with usage 14160 and reads it back', async () => {
    const core = testCore();
    const saved = await core.api['readings-save'](READING);
    expect(saved).toMatchObject({
      status: '01',
      source: 'manual',
      author: 'test-clerk',
      date: '2026-11-23',
      validFrom: '2026-11-01',
      validTo: '2026-11-30',
      flagged: false,
      counters: [{ kind: 'black', old: 344_805, new: 358_965, extraFree: 0, usage: 14_160 }],
    });
    const detail = await core.api['devices-get']({ equipmentId: '3.022.790' });
    expect(detail.readings.at(-1)).toEqual(saved);
    expect(detail.device.counters[0]?.currentValue).toBe(358_965);
  });

  it('takes *old* from the chain, ignoring what the caller sends', async () => {
    const core = testCore();
    const saved = await core.api['readings-save']({ ...READING, counters: [{ kind: 'black', old: 1, new: 358_965, extraFree: 160 }] });
    expect(saved.counters[0]).toMatchObject({ old: 344_805, usage: 14_000 });
  });

  it('refuses 12305 against 344805, naming the field, and writes nothing', async () => {
    const core = testCore();
    const before = counts(core);
    const error = await rejection(
      core.api['readings-save']({ ...READING, counters: [{ kind: 'black', old: 0, new: 12_305, extraFree: 0 }] }),
    );
    expect(error.code).toBe('validation');
    expect(error.issues).toEqual([{ field: 'black.new', code: 'new-below-old', params: { min: 344_805 } }]);
    expect(counts(core)).toEqual(before);
  });

  it('rolls back everything when the database refuses half-way', async () => {
    const core = testCore();
    const before = counts(core);
    // A trigger stands in for a disk error after the reading row is written.
    core.db.run(`CREATE TEMP TRIGGER fail AFTER INSERT ON reading_counters BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const response = await dispatch(core.api, 'readings-save', READING);
    expect(response).toEqual({ ok: false, error: { code: 'internal', message: 'internal error; see the log' } });
    expect(counts(core)).toEqual(before);
  });

  it('lets the first reading set its old counter, prefilled from the current counter', async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.100.001' });
    expect(draft.isFirstReading).toBe(true);
    expect(draft.counters.map((c) => [c.kind, c.oldEditable, c.chainOld])).toEqual([
      ['black', true, 1_520],
      ['scan', true, 310],
      ['color', true, 880],
    ]);
    expect(draft.validity).toEqual({ from: '2026-10-12', to: '2026-11-30' });
    const saved = await core.api['readings-save']({
      equipmentId: '3.100.001',
      date: '2026-11-23',
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: [
        { kind: 'black', old: 1_500, new: 4_000, extraFree: 20 },
        { kind: 'scan', old: 310, new: 900, extraFree: 0 },
        { kind: 'color', old: 880, new: 1_500, extraFree: 0 },
      ],
    });
    expect(saved.counters.map((c) => [c.kind, c.old, c.usage])).toEqual([
      ['black', 1_500, 2_480],
      ['scan', 310, 590],
      ['color', 880, 620],
    ]);
    const next = await core.api['readings-draft']({ equipmentId: '3.100.001' });
    expect(next.isFirstReading).toBe(false);
    expect(next.counters.every((c) => !c.oldEditable)).toBe(true);
    expect(next.counters[0]?.chainOld).toBe(4_000);
  });

  it('locks the validity to the first device’s unposted reading', async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.300.452' });
    expect(draft.validityLock).toMatchObject({ equipmentId: '3.300.451', position: '0001', from: '2026-10-01', to: '2026-10-31' });
    expect(draft.validity).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    const error = await rejection(
      core.api['readings-save']({
        equipmentId: '3.300.452',
        date: '2026-11-23',
        validFrom: '2026-11-01',
        validTo: '2026-11-30',
        counters: [{ kind: 'black', old: 0, new: 26_000, extraFree: 0 }],
      }),
    );
    expect(error.issues[0]).toMatchObject({ field: 'validFrom', code: 'validity-locked' });
    const saved = await core.api['readings-save']({
      equipmentId: '3.300.452',
      date: '2026-11-23',
      validFrom: '2026-10-01',
      validTo: '2026-10-31',
      counters: [{ kind: 'black', old: 0, new: 26_000, extraFree: 0 }],
    });
    expect(saved.validFrom).toBe('2026-10-01');
  });

  it('does not lock the first device itself, and suggests the current month', async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.300.451' });
    expect(draft.validityLock).toBeNull();
    expect(draft.validity).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('flags an implausible reading (seed: 690256) but saves it', async () => {
    const core = testCore();
    const saved = await core.api['readings-save']({ ...READING, counters: [{ kind: 'black', old: 0, new: 690_256, extraFree: 0 }] });
    expect(saved.flagged).toBe(true);
    const confirmed = await core.api['readings-confirm']({ readingId: saved.id, revision: saved.revision });
    expect(confirmed).toMatchObject({ flagged: false, confirmedBy: 'test-clerk' });
  });

  it('refuses a date in the future or before the previous reading', async () => {
    const core = testCore();
    const future = await rejection(core.api['readings-save']({ ...READING, date: '2026-11-24' }));
    expect(future.issues).toEqual([{ field: 'date', code: 'date-in-future', params: { max: '2026-11-23' } }]);
    const early = await rejection(core.api['readings-save']({ ...READING, date: '2026-10-30' }));
    expect(early.issues).toEqual([{ field: 'date', code: 'date-before-previous', params: { min: '2026-10-31' } }]);
  });

  it('refuses a second reading of a device on one day: that one is corrected instead, as the import counts them', async () => {
    const core = testCore();
    const first = await core.api['readings-save'](READING);
    const before = counts(core);
    const draft = await core.api['readings-draft']({ equipmentId: READING.equipmentId });
    const twice = await rejection(
      core.api['readings-save']({
        ...READING,
        previousReadingId: draft.previousReadingId,
        validFrom: draft.validity.from,
        validTo: draft.validity.to,
        counters: [{ kind: 'black', old: 0, new: 359_000, extraFree: 0 }],
      }),
    );
    expect(twice.issues).toEqual([{ field: 'date', code: 'date-same-day', params: { date: '2026-11-23' } }]);
    expect(counts(core)).toEqual(before);
    // The reading of that day takes the value.
    const corrected = await core.api['readings-save']({
      ...READING,
      readingId: first.id,
      revision: first.revision,
      counters: [{ kind: 'black', old: 0, new: 359_000, extraFree: 0 }],
    });
    expect(corrected.counters[0]).toMatchObject({ new: 359_000 });
    expect(counts(core).readings).toBe(before.readings);
  });

  it('refuses a second reading in a month the recorded one covers (its values belong in it); after a billed one it counts from the next month', async () => {
    const core = testCore();
    const first = await core.api['readings-save']({ ...READING, date: '2026-11-10' });
    const before = counts(core);
    const draft = await core.api['readings-draft']({ equipmentId: READING.equipmentId });
    // The dialog is told, and says so as the clerk types the date.
    expect(draft).toMatchObject({ previousReadingId: first.id, previousCorrectable: true, previousValidTo: '2026-11-30' });
    const second = {
      ...READING,
      previousReadingId: first.id,
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: [{ kind: 'black' as const, old: 0, new: 359_500, extraFree: 0 }],
    };
    const covered = await rejection(core.api['readings-save'](second));
    expect(covered.issues).toEqual([{ field: 'date', code: 'date-period-covered', params: { date: '2026-11-10', to: '2026-11-30' } }]);
    expect(counts(core)).toEqual(before);
    // Billed (a run mid-month), that reading is no longer corrected: the new one counts after its month.
    core.db.run(`UPDATE readings SET status = '11' WHERE id = ?`, [first.id]);
    const after = await core.api['readings-draft']({ equipmentId: READING.equipmentId });
    expect(after.previousCorrectable).toBe(false);
    const saved = await core.api['readings-save']({ ...second, validFrom: after.validity.from, validTo: after.validity.to });
    expect(saved).toMatchObject({ date: '2026-11-23', validFrom: '2026-12-01', validTo: '2026-12-31' });
  });

  it('refuses moving a reading by an edit onto the day of the one before or after it; readings already sharing a day keep it', async () => {
    const november = testCore();
    const first = await november.api['readings-save']({ ...READING, date: '2026-11-10', validTo: '2026-11-30' });
    // December's reading a month later.
    const core = laterCore(november);
    const second = await core.api['readings-save']({ ...READING, date: '2026-12-20', validFrom: '2026-12-01', validTo: '2026-12-31', counters: [{ kind: 'black', old: 0, new: 360_000, extraFree: 0 }] });
    const before = counts(core);
    const edit = (reading: typeof first, date: string) =>
      core.api['readings-save']({
        ...READING,
        readingId: reading.id,
        revision: reading.revision,
        date,
        validFrom: reading.validFrom,
        validTo: reading.validTo,
        counters: reading.counters.map((c) => ({ kind: c.kind, old: c.old, new: c.new, extraFree: 0 })),
      });
    const back = await rejection(edit(second, '2026-11-10'));
    expect(back.issues).toEqual([{ field: 'date', code: 'date-same-day', params: { date: '2026-11-10' } }]);
    const forward = await rejection(edit(first, '2026-12-20'));
    expect(forward.issues).toEqual([{ field: 'date', code: 'date-same-day', params: { date: '2026-12-20' } }]);
    expect(counts(core)).toEqual(before);
    // The dialog is told the same (the draft's day rules), for an edit as for a new reading.
    const draft = await core.api['readings-draft']({ equipmentId: READING.equipmentId, readingId: first.id });
    expect(draft).toMatchObject({ oneReadingPerDay: true, nextDate: '2026-12-20', nextDayTaken: true });
    // Another day between them is fine.
    expect((await edit(second, '2026-11-20')).date).toBe('2026-11-20');

    // Two readings on one day from before the rule: each is still corrected on its day.
    const moved = core.db.run(`UPDATE readings SET date = '2026-11-10' WHERE id = ?`, [second.id]).changes;
    expect(moved).toBe(1);
    const current = (await core.api['devices-get']({ equipmentId: READING.equipmentId })).readings.at(-1)!;
    const kept = await edit(current, '2026-11-10');
    expect(kept).toMatchObject({ id: second.id, date: '2026-11-10' });
  });
});

describe('editing and the chain (SPEC §3.6)', () => {
  it('carries an edited new value into the next recorded reading, with audit entries for both', async () => {
    const core = testCore();
    const first = await core.api['readings-save']({ ...READING, date: '2026-11-10', validTo: '2026-11-30' });
    const second = await laterCore(core).api['readings-save']({
      ...READING,
      date: '2026-12-20',
      validFrom: '2026-12-01',
      validTo: '2026-12-31',
      counters: [{ kind: 'black', old: 0, new: 360_000, extraFree: 0 }],
    });
    expect(second.counters[0]?.old).toBe(358_965);
    const edited = await core.api['readings-save']({
      ...READING,
      readingId: first.id,
      revision: first.revision,
      date: '2026-11-10',
      counters: [{ kind: 'black', old: 0, new: 358_000, extraFree: 0 }],
    });
    expect(edited.counters[0]).toMatchObject({ new: 358_000, usage: 13_195 });
    const detail = await core.api['devices-get']({ equipmentId: '3.022.790' });
    expect(detail.readings.at(-1)?.counters[0]).toMatchObject({ old: 358_000, new: 360_000, usage: 2_000 });

    const audit = await core.api['audit-list']({ entity: 'reading', entityId: first.id });
    expect(audit.map((entry) => entry.action)).toEqual(['create', 'update']);
    expect(audit[1]).toMatchObject({ author: 'test-clerk', changes: { 'black.new': [358_965, 358_000] } });
    const nextAudit = await core.api['audit-list']({ entity: 'reading', entityId: second.id });
    expect(nextAudit.at(-1)?.changes).toEqual({ 'black.old': [358_965, 358_000] });
  });

  it('refuses to edit a reading whose next one is billed, and changes nothing', async () => {
    const core = testCore();
    const detail = await core.api['devices-get']({ equipmentId: '3.200.117' });
    // 200117's readings: …, 21, 11. Make the one before the billed reading editable.
    const middle = detail.readings.at(-2);
    if (!middle) throw new Error('demo data changed');
    core.db.run("UPDATE readings SET status = '01' WHERE id = ?", [middle.id]);
    const error = await rejection(
      core.api['readings-save']({
        equipmentId: '3.200.117',
        readingId: middle.id,
        revision: middle.revision,
        date: middle.date,
        validFrom: middle.validFrom,
        validTo: middle.validTo,
        counters: middle.counters.map((c) => ({ ...c, new: c.new - 10 })),
      }),
    );
    expect(error.issues.map((issue) => [issue.field, issue.code])).toEqual([
      ['black.new', 'next-reading-locked'],
      ['color.new', 'next-reading-locked'],
    ]);
    const after = await core.api['devices-get']({ equipmentId: '3.200.117' });
    expect(after.readings.map((r) => r.counters)).toEqual(detail.readings.map((r) => r.counters));
  });

  it('refuses to edit billed and posted readings', async () => {
    const core = testCore();
    const detail = await core.api['devices-get']({ equipmentId: '3.200.117' });
    const billed = detail.readings.at(-1);
    if (!billed) throw new Error('demo data changed');
    expect(billed.status).toBe('11');
    const error = await rejection(
      core.api['readings-save']({
        equipmentId: '3.200.117',
        readingId: billed.id,
        revision: billed.revision,
        date: billed.date,
        validFrom: billed.validFrom,
        validTo: billed.validTo,
        counters: billed.counters,
      }),
    );
    expect(error.issues).toEqual([{ field: 'reading', code: 'reading-read-only', params: { status: '11' } }]);
  });

  it('refuses a save based on a stale revision instead of overwriting', async () => {
    const core = testCore();
    const saved = await core.api['readings-save'](READING);
    await core.api['readings-save']({ ...READING, readingId: saved.id, revision: saved.revision, counters: [{ kind: 'black', old: 0, new: 359_000, extraFree: 0 }] });
    const error = await rejection(
      core.api['readings-save']({ ...READING, readingId: saved.id, revision: saved.revision, counters: [{ kind: 'black', old: 0, new: 359_500, extraFree: 0 }] }),
    );
    expect(error.code).toBe('conflict');
  });

  it('deletes a recorded reading, merging its usage into the next one', async () => {
    const core = testCore();
    const first = await core.api['readings-save']({ ...READING, date: '2026-11-10' });
    await laterCore(core).api['readings-save']({
      ...READING,
      date: '2026-12-20',
      validFrom: '2026-12-01',
      validTo: '2026-12-31',
      counters: [{ kind: 'black', old: 0, new: 360_000, extraFree: 0 }],
    });
    await core.api['readings-delete']({ readingId: first.id, revision: first.revision + 0 });
    const detail = await core.api['devices-get']({ equipmentId: '3.022.790' });
    expect(detail.readings.at(-1)?.counters[0]).toMatchObject({ old: 344_805, new: 360_000, usage: 15_195 });
    const audit = await core.api['audit-list']({ entity: 'reading', entityId: first.id });
    expect(audit.at(-1)?.action).toBe('delete');
  });

  it('deletes the first of two readings of a month: the second, which counted only after the month, ends with it again', async () => {
    const core = testCore();
    const save = async (date: string, value: number) => {
      const draft = await core.api['readings-draft']({ equipmentId: '3.022.790' });
      return core.api['readings-save']({
        equipmentId: '3.022.790',
        previousReadingId: draft.previousReadingId,
        date,
        validFrom: draft.validity.from,
        validTo: draft.validity.to,
        counters: [{ kind: 'black', old: draft.counters[0]!.chainOld, new: value, extraFree: 0 }],
      });
    };
    const first = await save('2026-11-20', 345_000);
    // A second one in the month is refused now (one a period while the first is recorded); data
    // from before the rule may hold one, counting only after the month: written here directly.
    expect((await rejection(save('2026-11-23', 345_500))).issues[0]).toMatchObject({ field: 'date', code: 'date-period-covered' });
    const secondId = insertReading(
      core.db,
      { ...first, date: '2026-11-23', validFrom: '2026-12-01', validTo: '2026-12-01', counters: first.counters.map((c) => ({ ...c, old: c.new, new: 345_500, exchange: null })) },
      '2026-11-23T10:00:00Z',
    );
    const second = (await core.api['devices-get']({ equipmentId: '3.022.790' })).readings.find((reading) => reading.id === secondId)!;
    expect([second.validFrom, second.validTo]).toEqual(['2026-12-01', '2026-12-01']);
    await core.api['readings-delete']({ readingId: first.id, revision: first.revision });
    const after = (await core.api['devices-get']({ equipmentId: '3.022.790' })).readings.at(-1)!;
    expect([after.id, after.validFrom, after.validTo]).toEqual([second.id, '2026-11-01', '2026-11-30']);
    const audit = await core.api['audit-list']({ entity: 'reading', entityId: second.id });
    expect(audit.at(-1)?.changes).toMatchObject({ validFrom: ['2026-12-01', '2026-11-01'], validTo: ['2026-12-01', '2026-11-30'] });
  });
});

describe('the API dispatcher', () => {
  it('refuses unknown operations and malformed arguments before any handler runs', async () => {
    const core = testCore();
    expect(await dispatch(core.api, 'readings-drop', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const bad = await dispatch(core.api, 'readings-save', { ...READING, counters: [{ kind: 'black', old: 0, new: -5, extraFree: 0 }] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const extra = await dispatch(core.api, 'devices-search', { query: 'x', sql: 'drop' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('finds devices by customer number and name, serial, equipment ID (with or without dots), model and location', async () => {
    const core = testCore();
    const ids = async (query: string) =>
      (await core.api['devices-search']({ query })).rows.map((row) => row.equipmentId);
    expect(await ids('999999')).toEqual(['3.022.790', '3.024.072', '3.033.923']);
    expect(await ids('muster')).toEqual(['3.100.001']);
    expect(await ids('V9713800086')).toEqual(['3.033.923']);
    expect(await ids('3.024.072')).toEqual(['3.024.072']);
    expect(await ids('3024072')).toEqual(['3.024.072']);
    expect(await ids('mpc2800')).toEqual(['3.024.072']);
    expect(await ids('comptabilite')).toEqual(['3.022.790']);
    expect(await ids('ricoh commercial')).toEqual(['3.033.923']);
    expect(await ids('100%')).toEqual([]);
  });
});
