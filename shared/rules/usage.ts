import type { FieldIssue } from '../errors';
import type { CounterKind } from '../models';

/** Counters beyond this are typos, not copiers (a quadrillion pages). */
export const MAX_COUNTER = 999_999_999_999;

/** *Verbrauch Kopie* = new − old − extra free copies (OBS: recomputed on every change). */
export function computeUsage(old: number, newValue: number, extraFree: number): number {
  return newValue - old - extraFree;
}

export interface CounterValues {
  kind: CounterKind;
  old: number;
  new: number;
  extraFree: number;
}

/** SPEC §3.2: new ≥ old; 0 ≤ extra free copies ≤ new − old. */
export function checkCounterValues(counter: CounterValues): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (column: 'old' | 'new' | 'extraFree') => `${counter.kind}.${column}`;
  for (const column of ['old', 'new', 'extraFree'] as const) {
    const value = counter[column];
    if (!Number.isSafeInteger(value)) issues.push({ field: at(column), code: 'not-whole-number' });
    else if (value < 0) issues.push({ field: at(column), code: 'negative' });
    else if (value > MAX_COUNTER) {
      issues.push({ field: at(column), code: 'too-large', params: { max: MAX_COUNTER } });
    }
  }
  if (issues.length > 0) return issues;
  if (counter.new < counter.old) {
    issues.push({ field: at('new'), code: 'new-below-old', params: { min: counter.old } });
  } else if (counter.extraFree > counter.new - counter.old) {
    issues.push({
      field: at('extraFree'),
      code: 'extra-free-too-large',
      params: { max: counter.new - counter.old },
    });
  }
  return issues;
}
