import { describe, expect, it } from 'vitest';
import { planChainEdit, type NextLink } from '../../shared/rules/chain';
import { canTransition, isEditable } from '../../shared/rules/status';

describe('status (SPEC §3.5)', () => {
  it('moves 01 → 11 → 21 and back only from 11 to 01', () => {
    expect(canTransition('01', '11')).toBe(true);
    expect(canTransition('11', '21')).toBe(true);
    expect(canTransition('11', '01')).toBe(true);
    expect(canTransition('01', '21')).toBe(false);
    expect(canTransition('21', '11')).toBe(false);
    expect(canTransition('21', '01')).toBe(false);
  });

  it('lets only recorded readings be edited', () => {
    expect(isEditable('01')).toBe(true);
    expect(isEditable('11')).toBe(false);
    expect(isEditable('21')).toBe(false);
  });
});

describe('the chain when a middle reading is edited (SPEC §3.6)', () => {
  const next = (status: NextLink['status']): NextLink => ({
    readingId: 42,
    date: '2026-11-30',
    status,
    old: 358_965,
    new: 363_000,
    extraFree: 0,
    exchange: null,
  });

  it('changes nothing when the new value is unchanged', () => {
    expect(planChainEdit('black', 358_965, next('21'))).toEqual({ effect: { kind: 'none' }, issues: [] });
  });

  it("carries the new value into the next reading's old while it is recorded", () => {
    expect(planChainEdit('black', 358_000, next('01'))).toEqual({
      effect: { kind: 'relink', readingId: 42, old: 358_000 },
      issues: [],
    });
  });

  it.each(['11', '21'] as const)('refuses the edit when the next reading is %s', (status) => {
    const plan = planChainEdit('black', 358_000, next(status));
    expect(plan.effect).toEqual({ kind: 'none' });
    expect(plan.issues).toEqual([
      { field: 'black.new', code: 'next-reading-locked', params: { status, date: '2026-11-30', value: 358_965 } },
    ]);
  });

  it("refuses a value above the next reading's new", () => {
    expect(planChainEdit('black', 363_001, next('01')).issues[0]).toMatchObject({
      code: 'new-above-next',
      params: { max: 363_000 },
    });
  });

  it('is free when there is no next reading', () => {
    expect(planChainEdit('black', 1, null).effect).toEqual({ kind: 'none' });
  });
});
