import { describe, expect, it } from 'vitest';
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
