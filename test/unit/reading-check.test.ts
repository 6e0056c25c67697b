import { describe, expect, it } from 'vitest';
import { checkReading, type ReadingContext, type ReadingInput } from '../../shared/rules/reading-check';

const context = (overrides: Partial<ReadingContext> = {}): ReadingContext => ({
  today: '2026-11-23',
  status: '01',
  installDate: '2025-11-01',
  previousDate: '2026-10-31',
  nextDate: null,
  previousValidTo: '2026-10-31',
  nextValidFrom: null,
  validityLock: null,
  counters: [
    { kind: 'black', oldEditable: false, chainOld: 344_805, next: null, averageDaily: 80, lastDate: '2026-10-31', floor: null, floorDate: null },
  ],
  ...overrides,
});

const input = (overrides: Partial<ReadingInput> = {}): ReadingInput => ({
  date: '2026-11-23',
  validFrom: '2026-11-01',
  validTo: '2026-11-30',
  counters: [{ kind: 'black', old: 0, new: 346_000, extraFree: 0 }],
  ...overrides,
});

describe('checkReading: every rule of SPEC §3 on one reading', () => {
  it('takes old from the chain after the first reading, whatever was sent', () => {
    const check = checkReading(input(), context());
    expect(check.issues).toEqual([]);
    expect(check.olds.get('black')).toBe(344_805);
  });

  it('lets the first reading set its old counter (the OBS exception)', () => {
    const first = context({
      previousDate: null,
      previousValidTo: null,
      counters: [{ kind: 'black', oldEditable: true, chainOld: 1_520, next: null, averageDaily: null, lastDate: null, floor: null, floorDate: null }],
    });
    const check = checkReading(input({ counters: [{ kind: 'black', old: 1_500, new: 4_000, extraFree: 0 }] }), first);
    expect(check.issues).toEqual([]);
    expect(check.olds.get('black')).toBe(1_500);
    expect(checkReading(input({ counters: [{ kind: 'black', old: 5_000, new: 4_000, extraFree: 0 }] }), first).issues).toEqual([
      { field: 'black.new', code: 'new-below-old', params: { min: 5_000 } },
    ]);
  });

  it('refuses a new reading on the day of the one before, which is to be corrected instead (one a day)', () => {
    const sameDay = input({ date: '2026-10-31', validFrom: '2026-11-01', validTo: '2026-11-30' });
    expect(checkReading(sameDay, context({ oneReadingPerDay: true })).issues).toEqual([
      { field: 'date', code: 'date-same-day', params: { date: '2026-10-31' } },
    ]);
    // After an estimate, or an edit already on that day (the core leaves the flag off): the day is free.
    expect(checkReading(sameDay, context()).issues).toEqual([]);
    expect(checkReading(input(), context({ oneReadingPerDay: true })).issues).toEqual([]);
  });

  it('refuses a new reading in the period the recorded one before covers: one a period while it can be corrected', () => {
    const recorded = context({ previousDate: '2026-11-10', previousValidTo: '2026-11-30', previousCorrectable: true, cutoffDay: 4 });
    expect(checkReading(input({ date: '2026-11-23', validFrom: '2026-12-01', validTo: '2026-12-01' }), recorded).issues).toEqual([
      { field: 'date', code: 'date-period-covered', params: { date: '2026-11-10', to: '2026-11-30' } },
    ]);
    // The 1st–4th belong to the month before: still November's.
    expect(checkReading(input({ date: '2026-12-03', validFrom: '2026-12-01', validTo: '2026-12-01' }), { ...recorded, today: '2026-12-03' }).issues[0]).toMatchObject({ code: 'date-period-covered' });
    // December's own reading, or after a billed one (the core leaves the flag off): fine.
    expect(checkReading(input({ date: '2026-12-05', validFrom: '2026-12-01', validTo: '2026-12-31' }), { ...recorded, today: '2026-12-05' }).issues).toEqual([]);
    expect(checkReading(input({ date: '2026-11-23', validFrom: '2026-12-01', validTo: '2026-12-01' }), { ...recorded, previousCorrectable: false }).issues).toEqual([]);
  });

  it('refuses an edit moved onto the day of the reading after it (nextDayTaken)', () => {
    const edit = context({ nextDate: '2026-11-23', nextValidFrom: '2026-12-01', nextDayTaken: true });
    expect(checkReading(input({ date: '2026-11-23' }), edit).issues).toEqual([
      { field: 'date', code: 'date-same-day', params: { date: '2026-11-23' } },
    ]);
    expect(checkReading(input({ date: '2026-11-22' }), edit).issues).toEqual([]);
    expect(checkReading(input({ date: '2026-11-23' }), { ...edit, nextDayTaken: false }).issues).toEqual([]);
  });

  it('refuses a reading of a billed or posted status outright', () => {
    expect(checkReading(input(), context({ status: '21' })).issues).toEqual([
      { field: 'reading', code: 'reading-read-only', params: { status: '21' } },
    ]);
  });

  it('holds the validity to the lock', () => {
    const locked = context({ validityLock: { from: '2026-10-01', to: '2026-10-31' }, previousValidTo: '2026-09-30' });
    expect(checkReading(input(), locked).issues).toEqual([
      { field: 'validFrom', code: 'validity-locked', params: { from: '2026-10-01', to: '2026-10-31' } },
    ]);
    expect(checkReading(input({ validFrom: '2026-10-01', validTo: '2026-10-31' }), locked).issues).toEqual([]);
  });

  it('names each bad field: date, validity order, a missing counter, an unknown one', () => {
    const check = checkReading(
      input({
        date: '2026-02-30',
        validFrom: '2026-11-30',
        validTo: '2026-11-01',
        counters: [{ kind: 'color', old: 0, new: 1, extraFree: 0 }],
      }),
      context(),
    );
    expect(check.issues).toEqual([
      { field: 'date', code: 'date-invalid' },
      { field: 'validTo', code: 'validity-order', params: { min: '2026-11-30' } },
      { field: 'color.new', code: 'unknown-counter' },
      { field: 'black.new', code: 'required' },
    ]);
  });

  it('flags by the usage shown: 80 pages a day for 23 days allow 3 × 1840 + 500 = 6020', () => {
    const at = (value: number, extraFree = 0) =>
      checkReading(input({ counters: [{ kind: 'black', old: 0, new: 344_805 + value, extraFree }] }), context()).implausible;
    expect(at(6_020)).toEqual([]);
    expect(at(6_021)).toEqual(['black']);
    expect(at(9_000, 3_000)).toEqual([]);
  });
});
