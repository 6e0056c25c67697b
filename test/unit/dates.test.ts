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
});
