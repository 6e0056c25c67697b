/** todayIn: the dealer's calendar day of an instant, also when asked many times a second. */
import { describe, expect, it } from 'vitest';
import { todayIn } from '../../shared/dates';

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
