import { describe, expect, it } from 'vitest';
import { estimateCounter } from '../../shared/rules/estimate';
import { checkCounterValues, computeUsage } from '../../shared/rules/usage';

describe('usage (SPEC §3.2)', () => {
  it('is new − old − extra free copies, with the seed numbers', () => {
    expect(computeUsage(344_805, 358_965, 0)).toBe(14_160);
    expect(computeUsage(344_805, 358_965, 160)).toBe(14_000);
  });

  it('accepts a plausible counter', () => {
    expect(checkCounterValues({ kind: 'black', old: 344_805, new: 358_965, extraFree: 0 })).toEqual([]);
  });

  it('refuses a new counter below the old one, naming the field and the minimum', () => {
    expect(checkCounterValues({ kind: 'black', old: 344_805, new: 12_305, extraFree: 0 })).toEqual([
      { field: 'black.new', code: 'new-below-old', params: { min: 344_805 } },
    ]);
  });

  it('refuses extra free copies larger than new − old', () => {
    expect(checkCounterValues({ kind: 'color', old: 100, new: 150, extraFree: 60 })).toEqual([
      { field: 'color.extraFree', code: 'extra-free-too-large', params: { max: 50 } },
    ]);
    expect(checkCounterValues({ kind: 'color', old: 100, new: 150, extraFree: 50 })).toEqual([]);
  });

  it('refuses negative and fractional values', () => {
    expect(checkCounterValues({ kind: 'black', old: 0, new: 10, extraFree: -1 })).toEqual([
      { field: 'black.extraFree', code: 'negative' },
    ]);
    expect(checkCounterValues({ kind: 'black', old: 0, new: 10.5, extraFree: 0 })).toEqual([
      { field: 'black.new', code: 'not-whole-number' },
    ]);
  });
});

describe('meter exchange and true-up', () => {
  const exchange = { final: 350_000, start: 0 };

  it('counts the old counter up to its final value and the new one from its start', () => {
    expect(computeUsage(344_805, 2_500, 0, exchange)).toBe(5_195 + 2_500);
    expect(checkCounterValues({ kind: 'black', old: 344_805, new: 2_500, extraFree: 7_695, exchange })).toEqual([]);
    expect(checkCounterValues({ kind: 'black', old: 344_805, new: 2_500, extraFree: 7_696, exchange })).toEqual([
      { field: 'black.extraFree', code: 'extra-free-too-large', params: { max: 7_695 } },
    ]);
  });

  it('refuses an exchange whose final value is below old, or a new value below the start', () => {
    expect(checkCounterValues({ kind: 'color', old: 100, new: 50, extraFree: 0, exchange: { final: 99, start: 0 } })).toEqual([
      { field: 'color.final', code: 'final-below-old', params: { min: 100 } },
    ]);
    expect(checkCounterValues({ kind: 'color', old: 100, new: 50, extraFree: 0, exchange: { final: 120, start: 60 } })).toEqual([
      { field: 'color.new', code: 'new-below-start', params: { min: 60 } },
    ]);
    expect(checkCounterValues({ kind: 'color', old: 100, new: 50, extraFree: 0, exchange: { final: -1, start: 0 } })).toEqual([
      { field: 'color.final', code: 'negative' },
    ]);
  });

  it('lets a real value after an estimate go down to the last real counter, not below', () => {
    // Estimated 12,000, the last real counter was 10,000.
    expect(checkCounterValues({ kind: 'black', old: 12_000, new: 10_500, extraFree: 0, floor: 10_000 })).toEqual([]);
    expect(computeUsage(12_000, 10_500, 0)).toBe(-1_500);
    expect(checkCounterValues({ kind: 'black', old: 12_000, new: 9_999, extraFree: 0, floor: 10_000 })).toEqual([
      { field: 'black.new', code: 'new-below-real', params: { min: 10_000 } },
    ]);
    // A credit carries no extra free copies.
    expect(checkCounterValues({ kind: 'black', old: 12_000, new: 10_500, extraFree: 1, floor: 10_000 })).toEqual([
      { field: 'black.extraFree', code: 'extra-free-too-large', params: { max: 0 } },
    ]);
  });
});

describe('estimates', () => {
  it('is the last counter plus the usual daily usage times the days since; nothing without history', () => {
    expect(estimateCounter(344_805, '2026-10-31', 210, '2026-11-30')).toBe(344_805 + 6_300);
    expect(estimateCounter(344_805, '2026-10-31', 213.4, '2026-11-30')).toBe(344_805 + 6_402);
    expect(estimateCounter(344_805, '2026-10-31', null, '2026-11-30')).toBeNull();
    expect(estimateCounter(1_520, null, 12, '2026-11-30')).toBeNull();
  });
});
