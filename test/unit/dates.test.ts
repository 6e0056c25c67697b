/** todayIn: the dealer's calendar day of an instant, also when asked many times a second. */
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, daysInMonth, endOfMonth, isIsoDate, isoDate, parts, startOfMonth, todayIn } from '../../shared/dates';

describe('todayIn', () => {
  it("turns at the zone's midnight to the second, for each zone on its own", () => {
    // 23:00 UTC on 23 November is midnight in Zurich (UTC+1).
    const before = new Date('2026-11-23T22:59:59.999Z');
    const at = new Date('2026-11-23T23:00:00.000Z');
    expect(todayIn('Europe/Zurich', before)).toBe('2026-11-23');
    expect(todayIn('Europe/Zurich', before)).toBe('2026-11-23');
    expect(todayIn('UTC', before)).toBe('2026-11-23');
    expect(todayIn('Europe/Zurich', at)).toBe('2026-11-24');
    expect(todayIn('UTC', at)).toBe('2026-11-23');
    expect(todayIn('Asia/Kathmandu', at)).toBe('2026-11-24');
    expect(todayIn('Europe/Zurich', before)).toBe('2026-11-23');
  });

  it('follows summer time (UTC+2) and refuses an invalid date', () => {
    expect(todayIn('Europe/Zurich', new Date('2026-06-30T21:59:59Z'))).toBe('2026-06-30');
    expect(todayIn('Europe/Zurich', new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
    expect(() => todayIn('Europe/Zurich', new Date(Number.NaN))).toThrow(RangeError);
  });

  it('turns the day at the zone’s midnight, in zones a whole number of quarter hours off UTC, asked again and again', () => {
    // Zurich is UTC+1 in winter, UTC+2 in summer; Kolkata +5:30, Kathmandu +5:45.
    const cases: Array<[string, string, string]> = [
      ['Europe/Zurich', '2026-11-23T22:59:59.999Z', '2026-11-23'],
      ['Europe/Zurich', '2026-11-23T23:00:00.000Z', '2026-11-24'],
      ['Europe/Zurich', '2026-11-23T23:00:00.000Z', '2026-11-24'],
      ['Europe/Zurich', '2026-06-30T21:59:30.000Z', '2026-06-30'],
      ['Europe/Zurich', '2026-06-30T22:00:00.000Z', '2026-07-01'],
      ['Asia/Kolkata', '2026-06-30T18:29:59.000Z', '2026-06-30'],
      ['Asia/Kolkata', '2026-06-30T18:30:00.000Z', '2026-07-01'],
      ['Asia/Kathmandu', '2026-06-30T18:14:59.000Z', '2026-06-30'],
      ['Asia/Kathmandu', '2026-06-30T18:15:00.000Z', '2026-07-01'],
      ['UTC', '2026-06-30T23:59:59.999Z', '2026-06-30'],
      ['Europe/Zurich', '2026-06-30T22:00:59.000Z', '2026-07-01'],
      ['Pacific/Kiritimati', '2026-06-30T09:59:00.000Z', '2026-06-30'],
      ['Pacific/Kiritimati', '2026-06-30T10:00:00.000Z', '2026-07-01'],
    ];
    for (const [zone, instant, day] of cases) expect(todayIn(zone, new Date(instant)), `${zone} ${instant}`).toBe(day);
  });
});

/** The `Date`-free arithmetic against JavaScript's own calendar, every day of three centuries. */
describe('date arithmetic', () => {
  const DAY_MS = 86_400_000;
  const byDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  it('counts, adds and checks days as Date.UTC does, 1900–2200', () => {
    const start = Date.UTC(1900, 0, 1);
    const end = Date.UTC(2200, 11, 31);
    const wrong: string[] = [];
    let previous: string | null = null;
    for (let ms = start; ms <= end; ms += DAY_MS) {
      const day = byDate(ms);
      if (!isIsoDate(day)) wrong.push(`${day} not a date`);
      if (previous !== null && addDays(previous, 1) !== day) wrong.push(`${previous} + 1 = ${addDays(previous, 1)}`);
      if (previous !== null && daysBetween(previous, day) !== 1) wrong.push(`${previous} → ${day}`);
      previous = day;
    }
    expect(wrong).toEqual([]);
    expect(daysBetween('1900-01-01', '2200-12-31')).toBe((end - start) / DAY_MS);
    expect(addDays('2200-12-31', -((end - start) / DAY_MS))).toBe('1900-01-01');
  });

  it('knows each month’s length, leap years included', () => {
    for (let year = 1890; year <= 2110; year++) {
      for (let month = 1; month <= 12; month++) {
        expect(daysInMonth(year, month), `${year}-${month}`).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
      }
    }
    // Out of range as Date.UTC takes it; a text of the date's form with month 15 or 00 counts on the same way.
    expect(daysInMonth(2024, 13)).toBe(31);
    expect(daysInMonth(2024, 0.5)).toBe(new Date(Date.UTC(2024, 0.5, 0)).getUTCDate());
    expect(addDays('2024-15-01', 0)).toBe('2025-03-01');
    expect(addDays('2024-00-31', 1)).toBe('2024-01-01');
    expect(isIsoDate(null as unknown as string)).toBe(false);
    expect(daysInMonth(2024, 0)).toBe(31);
    expect(daysInMonth(2023, 14)).toBe(29);
  });

  it('refuses what is not a calendar day of the form YYYY-MM-DD', () => {
    for (const text of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '2026/01/01', ' 2026-01-01', '2026-01-0x', '', '20260101xx']) {
      expect(isIsoDate(text), text).toBe(false);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(() => parts('2026-1-1')).toThrow(RangeError);
    expect(parts('2026-11-24')).toEqual({ year: 2026, month: 11, day: 24 });
  });

  it('adds months clamped to the month’s end, and finds the months’ bounds', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2026-03-15', -15)).toBe('2024-12-15');
    expect(startOfMonth('2026-11-24')).toBe('2026-11-01');
    expect(endOfMonth('2100-02-10')).toBe('2100-02-28');
    expect(isoDate(987, 3, 4)).toBe('0987-03-04');
  });
});
