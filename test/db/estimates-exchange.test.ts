/**
 * Estimated readings and their true-up, and meter exchanges, on a real database (issue 5):
 * the usage over an estimate and the real reading after it comes out right, also in the bill;
 * a replaced or reset counter never gives a negative usage.
 */
import { describe, expect, it } from 'vitest';
import { daysBetween } from '../../shared/dates';
import { getDeviceByEquipmentId } from '../../db/queries/master-data';
import { saveReadingOn } from '../../src-main/core/handlers/readings';
import { laterCore, recordReading, rejection, tempDir, testCore } from './helpers';

const usageOf = (core: ReturnType<typeof testCore>, readingId: number, kind = 'black') =>
  core.db.get<{ usage: number }>('SELECT usage FROM reading_counters WHERE reading_id = ? AND kind = ?', [readingId, kind])!.usage;

describe('estimated readings', () => {
  it('estimates the missing devices of a period from their usual usage and marks them', async () => {
    const core = testCore();
    const before = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    const black = before.counters.find((c) => c.kind === 'black')!;
    expect(black.averageDaily).not.toBeNull();

    // October: exactly the devices the period overview lists as missing get an estimate, dated the 31st.
    const missing = (await core.api['period-overview']({ period: '2026-10' })).rows.filter((r) => r.state === 'missing');
    expect(missing.length).toBeGreaterThan(0);
    const october = await core.api['readings-estimate']({ period: '2026-10' });
    expect(october.date).toBe('2026-10-31');
    expect([...october.created.map((c) => c.equipmentId), ...october.skipped.map((s) => s.equipmentId)].sort()).toEqual(
      missing.map((r) => r.equipmentId).sort(),
    );
    expect((await core.api['period-overview']({ period: '2026-10' })).counts).toMatchObject({
      missing: october.skipped.length,
      estimate: october.created.length,
    });

    const november = await core.api['readings-estimate']({ period: '2026-11' });
    expect(november.date).toBe('2026-11-23');
    const ricoh = november.created.find((c) => c.equipmentId === '3.022.790')!;
    const expected = black.chainOld + Math.round(black.averageDaily! * daysBetween(black.lastDate!, '2026-11-23'));
    expect(ricoh.counters).toEqual([{ kind: 'black', value: expected, usage: expected - black.chainOld }]);
    // Every device due in November has a history to go by (no history: see the unit tests).
    expect(november.skipped).toEqual([]);

    const saved = core.db.get<{ source: string; status: string; flagged: number }>('SELECT source, status, flagged FROM readings WHERE id = ?', [ricoh.readingId]);
    expect(saved).toEqual({ source: 'estimate', status: '01', flagged: 0 });
    const overview = await core.api['period-overview']({ period: '2026-11' });
    expect(overview.rows.find((r) => r.equipmentId === '3.022.790')!.state).toBe('estimate');
    expect(overview.counts.estimate).toBe(november.created.length);
    expect(overview.counts.missing).toBe(november.skipped.length);
    // The dialog says so.
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790', readingId: ricoh.readingId });
    expect(draft.reading!.source).toBe('estimate');

    // Corrected by a clerk with the real counter, the estimate is a real reading from then on.
    const estimated = draft.reading!;
    const corrected = await core.api['readings-save']({
      equipmentId: '3.022.790',
      readingId: estimated.id,
      revision: estimated.revision,
      date: estimated.date,
      validFrom: estimated.validFrom,
      validTo: estimated.validTo,
      counters: estimated.counters.map((c) => ({ kind: c.kind, old: c.old, new: c.new + 7, extraFree: c.extraFree })),
    });
    expect(corrected.source).toBe('manual');
    expect((await core.api['audit-list']({ entity: 'reading', entityId: estimated.id })).at(-1)!.changes).toMatchObject({ source: ['estimate', 'manual'] });
    expect((await core.api['period-overview']({ period: '2026-11' })).rows.find((r) => r.equipmentId === '3.022.790')!.state).toBe('manual');

    // A real reading typed for the month of another device's estimate is refused: its values go into the estimate.
    const other = november.created.find((c) => c.equipmentId !== '3.022.790')!;
    const otherDraft = await core.api['readings-draft']({ equipmentId: other.equipmentId });
    const early = await core.api['readings-save']({
      equipmentId: other.equipmentId,
      previousReadingId: otherDraft.previousReadingId,
      date: '2026-11-20',
      validFrom: otherDraft.validity.from,
      validTo: otherDraft.validity.to,
      counters: otherDraft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + 10, extraFree: 0 })),
    }).catch((error: unknown) => error);
    expect(early).toMatchObject({ issues: [{ field: 'date', code: 'estimate-open', params: { estimate: '2026-11-23', from: '2026-11-01', to: '2026-11-30' } }] });

    // The same action again: nothing more is missing, nothing is added.
    const again = await core.api['readings-estimate']({ period: '2026-11' });
    expect(again.created).toEqual([]);
    // (less the one corrected above)
    expect(core.db.get<{ n: number }>("SELECT count(*) AS n FROM readings WHERE source = 'estimate'")!.n).toBe(
      october.created.length + november.created.length - 1,
    );
  });

  it('is trued up by the next real reading: the usage over both periods, and the bill, come out right', async () => {
    const dir = tempDir();
    const november = testCore({ dir });
    const lastReal = (await november.api['readings-draft']({ equipmentId: '3.022.790' })).counters[0]!.chainOld;
    const estimate = (await november.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] })).created[0]!;
    const estimated = estimate.counters[0]!.value;
    expect(estimated).toBeGreaterThan(lastReal + 1_000);

    // The statement names the estimate; the run bills it like any reading, then it is posted.
    const preview = await november.api['billing-preview']({ period: '2026-11' });
    const contract = preview.contracts.find((c) => c.readingIds.includes(estimate.readingId))!;
    expect(contract.estimates).toEqual([{ readingId: estimate.readingId, equipmentId: '3.022.790', date: '2026-11-23' }]);
    const run = await november.api['billing-run']({ period: '2026-11' });
    expect(run.contracts.find((c) => c.contractId === contract.contractId)!.estimates).toHaveLength(1);
    await november.api['billing-post']({ runId: run.id });

    // December: the real counter is far below the estimate (the customer printed less).
    const december = testCore({ dir, now: '2026-12-15T09:30:00Z', demo: false });
    const draft = await december.api['readings-draft']({ equipmentId: '3.022.790' });
    expect(draft.counters[0]).toMatchObject({ chainOld: estimated, floor: lastReal });
    const save = (value: number) =>
      december.api['readings-save']({
        equipmentId: '3.022.790',
        previousReadingId: draft.previousReadingId,
        date: '2026-12-15',
        validFrom: draft.validity.from,
        validTo: draft.validity.to,
        counters: [{ kind: 'black', old: estimated, new: value, extraFree: 0 }],
      });
    // Never below the last real counter.
    const refused = await rejection(save(lastReal - 1));
    expect(refused.issues).toContainEqual({ field: 'black.new', code: 'new-below-real', params: { min: lastReal } });

    const real = await save(lastReal + 1_000);
    expect(real.source).toBe('manual');
    expect(real.counters[0]).toMatchObject({ old: estimated, new: lastReal + 1_000, usage: lastReal + 1_000 - estimated });
    expect(usageOf(december, estimate.readingId) + usageOf(december, real.id)).toBe(1_000);

    // The December bill credits what the estimate billed too much: no free copies on a credit.
    const credit = (await december.api['billing-preview']({ period: '2026-12' })).contracts.find((c) => c.readingIds.includes(real.id))!;
    const line = credit.lines.find((l) => l.kind === 'black')!;
    expect(line).toMatchObject({ usage: lastReal + 1_000 - estimated, billable: lastReal + 1_000 - estimated, pricePerPage: 8_500 });
    expect(line.amount).toBe(line.billable * 8_500);
    expect(line.amount).toBeLessThan(0);
    expect(credit.estimates).toEqual([]);
    // The credit can be billed and posted like any run.
    const creditRun = await december.api['billing-run']({ period: '2026-12' });
    expect(creditRun.contracts.find((c) => c.contractId === credit.contractId)!.lines.find((l) => l.kind === 'black')!.amount).toBe(line.amount);
  });

  it('judges real values for an estimate’s month from the last real reading, not from the estimate made the same day', async () => {
    const core = testCore();
    const [estimate] = (await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] })).created;
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    const [black] = draft.counters;
    expect(black).toMatchObject({ floor: 344_805, floorDate: '2026-10-31' });
    const real = (usage: number, on: ReturnType<typeof testCore>) =>
      saveReadingOn(on.context, getDeviceByEquipmentId(on.db, '3.022.790')!, '2026-11-23', new Map([['black', estimate!.counters[0]!.value + usage]]), { source: 'import' });
    // 1,000 pages above the estimate dated today: 0 days after it, but a usual month after the last real reading.
    expect(real(1_000, core).flagged).toBe(false);
    // Far above the usual since the last real reading, real values are flagged all the same.
    const other = testCore();
    await other.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] });
    // Typed in the dialog as a new reading, they are refused: the dialog opens the estimate.
    const typed = await rejection(recordReading(other, '3.022.790', 1_000));
    expect(typed.issues[0]).toMatchObject({ field: 'date', code: 'estimate-open' });
    expect(real(200_000, other).flagged).toBe(true);
  });

  it('takes a real value for the month of an unbilled estimate into it through saveReadingOn (the sync, where no reading of the link’s month holds the value)', async () => {
    const core = testCore();
    const device = getDeviceByEquipmentId(core.db, '3.022.790')!;
    const real = device.counters[0]!.currentValue;
    const [estimate] = (await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] })).created;
    // Entered on the portal on 2 December: a reading of November (the 1st–4th belong to the month before).
    const web = { ...core.context, now: () => new Date('2026-12-02T09:00:00Z') };
    const saved = saveReadingOn(web, getDeviceByEquipmentId(core.db, '3.022.790')!, '2026-12-02', new Map([['black', real + 450]]), { source: 'web' });
    expect(saved).toMatchObject({ id: estimate!.readingId, source: 'web', date: '2026-12-02', validFrom: '2026-11-01', validTo: '2026-11-30' });
    expect(saved.counters[0]).toMatchObject({ old: real, new: real + 450, usage: 450 });
    // Before, it became a reading of one day (1 Dec) after the estimate.
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings WHERE device_id = ? AND date >= ?', [device.id, '2026-11-23'])!.n).toBe(1);
    // A second value of the same day is refused (one reading a device and day; the sync keeps it aside)…
    const again = () => saveReadingOn(web, getDeviceByEquipmentId(core.db, '3.022.790')!, '2026-12-02', new Map([['black', real + 460]]), { source: 'web' });
    expect(() => again()).toThrow(expect.objectContaining({ issues: [{ field: 'date', code: 'date-same-day', params: { date: '2026-12-02' } }] }));
    // …so is one of the next day, still November's (one reading a period while it is recorded)…
    const nextDay = { ...core.context, now: () => new Date('2026-12-03T09:00:00Z') };
    const covered = () => saveReadingOn(nextDay, getDeviceByEquipmentId(core.db, '3.022.790')!, '2026-12-03', new Map([['black', real + 460]]), { source: 'web' });
    expect(() => covered()).toThrow(expect.objectContaining({ issues: [{ field: 'date', code: 'date-period-covered', params: { date: '2026-12-02', to: '2026-11-30' } }] }));
    // …and one of December is a reading after it, not a second replacement.
    const later = { ...core.context, now: () => new Date('2026-12-05T09:00:00Z') };
    const december = saveReadingOn(later, getDeviceByEquipmentId(core.db, '3.022.790')!, '2026-12-05', new Map([['black', real + 460]]), { source: 'web' });
    expect(december).toMatchObject({ source: 'web', validFrom: '2026-12-01' });
    expect(december.id).not.toBe(estimate!.readingId);
  });

  it('puts real values into the second of two estimates in a row: old from the first, and down to the last real counter', async () => {
    for (const path of ['import', 'web'] as const) {
      const core = testCore();
      const device = getDeviceByEquipmentId(core.db, '3.300.452')!;
      const lastReal = device.counters[0]!.currentValue;
      const [october] = (await core.api['readings-estimate']({ period: '2026-10', equipmentIds: ['3.300.452'] })).created;
      const [november] = (await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.300.452'] })).created;
      const firstGuess = october!.counters[0]!.value;
      expect(november!.counters[0]!.value).toBeGreaterThan(firstGuess);
      // The customer printed less than both guesses: a true-up, above the last real counter.
      const real = lastReal + Math.round((firstGuess - lastReal) / 2);
      if (path === 'import') {
        const file = ['Geräte-ID;Datum;Zähler;Wert', `3.300.452;20.11.2026;Schwarz;${real}`].join('\n');
        const report = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: Buffer.from(file).toString('base64') });
        expect(report.rows[0]).toMatchObject({ action: 'create', notices: [{ code: 'estimate-replaced' }] });
      } else {
        saveReadingOn(core.context, getDeviceByEquipmentId(core.db, '3.300.452')!, '2026-11-20', new Map([['black', real]]), { source: 'web' });
      }
      const replaced = (await core.api['devices-get']({ equipmentId: '3.300.452' })).readings.at(-1)!;
      expect(replaced).toMatchObject({ id: november!.readingId, source: path, date: '2026-11-20' });
      expect(replaced.counters[0]).toMatchObject({ old: firstGuess, new: real, usage: real - firstGuess });
      // Over both months exactly what was printed since the last real counter.
      expect(usageOf(core, october!.readingId) + usageOf(core, november!.readingId)).toBe(real - lastReal);
    }
  });

  it('refuses a period that has not begun', async () => {
    const core = testCore();
    expect((await rejection(core.api['readings-estimate']({ period: '2027-01' }))).message).toMatch(/not begun/);
  });
});

describe('meter exchange', () => {
  it('counts both stretches of a replaced counter, refuses values that would make the usage negative, and chains on from the new counter', async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    const old = draft.counters[0]!.chainOld;
    const save = (counter: { new: number; exchange: { final: number; start: number } }, previousReadingId = draft.previousReadingId) =>
      core.api['readings-save']({
        equipmentId: '3.022.790',
        previousReadingId,
        date: '2026-11-20',
        validFrom: draft.validity.from,
        validTo: draft.validity.to,
        counters: [{ kind: 'black', old, extraFree: 0, ...counter }],
      });

    const belowOld = await rejection(save({ new: 900, exchange: { final: old - 1, start: 0 } }));
    expect(belowOld.issues).toContainEqual({ field: 'black.final', code: 'final-below-old', params: { min: old } });
    const belowStart = await rejection(save({ new: 10, exchange: { final: old + 10, start: 50 } }));
    expect(belowStart.issues).toContainEqual({ field: 'black.new', code: 'new-below-start', params: { min: 50 } });
    expect(core.db.get<{ n: number }>("SELECT count(*) AS n FROM readings WHERE date = '2026-11-20'")!.n).toBe(0);

    // The board was replaced: the old counter ran 4,000 more pages, the new one started at 0 and shows 2,500.
    const exchanged = await save({ new: 2_500, exchange: { final: old + 4_000, start: 0 } });
    expect(exchanged.counters[0]).toMatchObject({ old, new: 2_500, exchange: { final: old + 4_000, start: 0 }, usage: 6_500 });
    expect(usageOf(core, exchanged.id)).toBe(6_500);
    // Far below the old counter, yet nothing is flagged: the usage is the device's usual.
    expect(exchanged.flagged).toBe(false);

    // The chain continues from the new counter.
    const next = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    expect(next.counters[0]!.chainOld).toBe(2_500);
    const after = await laterCore(core).api['readings-save']({
      equipmentId: '3.022.790',
      previousReadingId: next.previousReadingId,
      date: '2026-12-20',
      validFrom: '2026-12-01',
      validTo: '2026-12-31',
      counters: [{ kind: 'black', old: 2_500, new: 2_400, extraFree: 0 }],
    }).catch((e: unknown) => e);
    expect(after).toMatchObject({ issues: [{ field: 'black.new', code: 'new-below-old', params: { min: 2_500 } }] });

    // Editing the exchange keeps its audit trail.
    const edited = await core.api['readings-save']({
      equipmentId: '3.022.790',
      readingId: exchanged.id,
      revision: exchanged.revision,
      date: '2026-11-20',
      validFrom: exchanged.validFrom,
      validTo: exchanged.validTo,
      counters: [{ kind: 'black', old, new: 2_600, extraFree: 100, exchange: { final: old + 4_000, start: 0 } }],
    });
    expect(edited.counters[0]!.usage).toBe(6_500);
    const trail = await core.api['audit-list']({ entity: 'reading', entityId: exchanged.id });
    expect(trail[0]!.changes).toMatchObject({ 'black.final': [null, old + 4_000], 'black.start': [null, 0] });
  });
});
