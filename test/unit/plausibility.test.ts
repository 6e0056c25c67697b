import { describe, expect, it } from 'vitest';
import { averageDailyUsage, isImplausible, plausibilityLimit } from '../../shared/rules/plausibility';

describe('plausibility (SPEC §3.8)', () => {
  it('flags above 3 × expected + 500: 80 pages a day for 30 days → 7700', () => {
    expect(plausibilityLimit(80, 30)).toBe(7_700);
    expect(isImplausible(7_700, 80, 30)).toBe(false);
    expect(isImplausible(7_701, 80, 30)).toBe(true);
  });

  it('never flags without history', () => {
    expect(isImplausible(1_000_000, null, 30)).toBe(false);
    expect(averageDailyUsage([], '2026-11-23')).toBeNull();
    expect(averageDailyUsage([{ date: '2026-10-31', value: 100 }], '2026-11-23')).toBeNull();
  });

  it('averages over the last 12 months, anchored on the point before the window', () => {
    const points = [
      { date: '2024-01-01', value: 0 }, // far outside the window, ignored
      { date: '2025-10-31', value: 10_000 }, // the anchor just before the window
      { date: '2026-04-30', value: 24_480 },
      { date: '2026-10-31', value: 39_200 },
    ];
    // 29,200 pages over 365 days = 80 per day.
    expect(averageDailyUsage(points, '2026-11-23')).toBe(80);
  });

  it('seed: 344805 → 690256 is far above a usage of a few thousand a month', () => {
    const points = [
      { date: '2025-10-31', value: 288_405 },
      { date: '2026-10-31', value: 344_805 },
    ];
    const average = averageDailyUsage(points, '2026-11-23');
    expect(isImplausible(690_256 - 344_805, average, 23)).toBe(true);
    expect(isImplausible(358_965 - 344_805, average, 30)).toBe(false);
  });
});
