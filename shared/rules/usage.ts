import type { FieldIssue } from '../errors';
import type { CounterExchange, CounterKind } from '../models';

/** Counters beyond this are typos, not copiers (a quadrillion pages). */
export const MAX_COUNTER = 999_999_999_999;

/** The pages counted, before extra free copies: across a meter exchange, both counters' stretches. */
export function countedPages(old: number, newValue: number, exchange: CounterExchange | null = null): number {
  return exchange ? exchange.final - old + (newValue - exchange.start) : newValue - old;
}

/** *Verbrauch Kopie* = new − old − extra free copies (OBS: recomputed on every change). */
export function computeUsage(
  old: number,
  newValue: number,
  extraFree: number,
  exchange: CounterExchange | null = null,
): number {
  return countedPages(old, newValue, exchange) - extraFree;
}

export interface CounterValues {
  kind: CounterKind;
  old: number;
  new: number;
  extraFree: number;
  exchange?: CounterExchange | null;
  /**
   * The lowest *new* allowed when *old* comes from an estimate: the last real counter. A real
   * reading below the estimate trues it up (a negative usage, a credit), never below that.
   */
  floor?: number | null;
}

type CounterColumn = 'old' | 'new' | 'extraFree' | 'final' | 'start';

/** A counter's field as issues name it: `black.new`. */
function fieldOf(kind: CounterKind, column: CounterColumn): string {
  return `${kind}.${column}`;
}

/**
 * SPEC §3.2: new ≥ old; 0 ≤ extra free copies ≤ the usage. Across a meter exchange: the old
 * counter's final value ≥ old, new ≥ the new counter's start value.
 */
export function checkCounterValues(counter: CounterValues): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const numbers: Array<[CounterColumn, number]> = [
    ['old', counter.old],
    ['new', counter.new],
    ['extraFree', counter.extraFree],
  ];
  if (counter.exchange) numbers.push(['final', counter.exchange.final], ['start', counter.exchange.start]);
  for (const [column, value] of numbers) {
    if (!Number.isSafeInteger(value)) issues.push({ field: fieldOf(counter.kind, column), code: 'not-whole-number' });
    else if (value < 0) issues.push({ field: fieldOf(counter.kind, column), code: 'negative' });
    else if (value > MAX_COUNTER) {
      issues.push({ field: fieldOf(counter.kind, column), code: 'too-large', params: { max: MAX_COUNTER } });
    }
  }
  if (issues.length > 0) return issues;
  const { exchange } = counter;
  if (exchange) {
    if (exchange.final < counter.old) {
      issues.push({ field: fieldOf(counter.kind, 'final'), code: 'final-below-old', params: { min: counter.old } });
    }
    if (counter.new < exchange.start) {
      issues.push({ field: fieldOf(counter.kind, 'new'), code: 'new-below-start', params: { min: exchange.start } });
    }
    if (issues.length > 0) return issues;
  } else {
    const floor = counter.floor ?? counter.old;
    if (counter.new < Math.min(floor, counter.old)) {
      // After an estimate the limit is the last real counter, not the *old* shown: said so.
      const code = floor < counter.old ? 'new-below-real' : 'new-below-old';
      issues.push({ field: fieldOf(counter.kind, 'new'), code, params: { min: Math.min(floor, counter.old) } });
      return issues;
    }
  }
  const counted = Math.max(0, countedPages(counter.old, counter.new, exchange ?? null));
  if (counter.extraFree > counted) {
    issues.push({ field: fieldOf(counter.kind, 'extraFree'), code: 'extra-free-too-large', params: { max: counted } });
  }
  return issues;
}
