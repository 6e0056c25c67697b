import { describe, expect, it } from 'vitest';
import { contractFreeCopies, periodMonths } from '../../shared/rules/free-copies';

describe('contract free copies over the validity (SPEC §3.3)', () => {
  it('counts a partial month by its days: 1 Jan – 15 Feb 2026 is 1 + 15/28 months → 768', () => {
    expect(periodMonths('2026-01-01', '2026-02-15')).toBeCloseTo(1 + 15 / 28, 12);
    expect(contractFreeCopies(500, '2026-01-01', '2026-02-15')).toBe(768);
  });

  it('gives the monthly amount for a full month', () => {
    expect(contractFreeCopies(500, '2026-11-01', '2026-11-30')).toBe(500);
    expect(contractFreeCopies(100, '2026-02-01', '2026-02-28')).toBe(100);
  });

  it('prorates a first reading from the install date', () => {
    // 12 Aug – 30 Sep: 20/31 of August + all of September.
    expect(contractFreeCopies(500, '2026-08-12', '2026-09-30')).toBe(Math.round(500 * (1 + 20 / 31)));
  });

  it('rounds half up exactly, without float drift', () => {
    // 15 of 30 days of 1 copy per month is exactly one half.
    expect(contractFreeCopies(1, '2026-11-01', '2026-11-15')).toBe(1);
    expect(contractFreeCopies(1, '2026-11-01', '2026-11-14')).toBe(0);
  });

  it('handles a leap February and a year boundary', () => {
    expect(contractFreeCopies(290, '2028-02-01', '2028-02-10')).toBe(100);
    expect(contractFreeCopies(300, '2026-12-01', '2027-02-28')).toBe(900);
  });

  it('is zero for an empty or reversed period', () => {
    expect(contractFreeCopies(500, '2026-02-01', '2026-01-31')).toBe(0);
  });
});
