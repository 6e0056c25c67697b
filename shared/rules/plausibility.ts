import { addMonths, daysBetween } from '../dates';
import type { IsoDate } from '../models';

/**
 * SPEC §3.8 and the portal's *A vérifier*: expected = average daily usage over the last
 * `windowMonths` × days since the last reading; flag when the usage exceeds
 * `factor` × expected + `marginPages`. No history, no flag. A setting later.
 */
export interface PlausibilityRule {
  factor: number;
  marginPages: number;
  windowMonths: number;
}

export const DEFAULT_PLAUSIBILITY: PlausibilityRule = {
  factor: 3,
  marginPages: 500,
  windowMonths: 12,
};

export interface CounterPoint {
  date: IsoDate;
  value: number;
}

/**
 * Average pages per day of one counter, from its history points (chronological), over the
 * window before `referenceDate`; the last point before the window anchors its start.
 */
export function averageDailyUsage(
  points: CounterPoint[],
  referenceDate: IsoDate,
  rule: PlausibilityRule = DEFAULT_PLAUSIBILITY,
): number | null {
  const windowStart = addMonths(referenceDate, -rule.windowMonths);
  const history = points.filter((point) => point.date <= referenceDate);
  let firstInWindow = history.findIndex((point) => point.date >= windowStart);
  if (firstInWindow === -1) return null;
  if (firstInWindow > 0) firstInWindow -= 1;
  const first = history[firstInWindow];
  const last = history.at(-1);
  if (!first || !last) return null;
  const days = daysBetween(first.date, last.date);
  if (days <= 0) return null;
  return Math.max(0, last.value - first.value) / days;
}

/** The highest usage that is not flagged, or null when there is no history to judge by. */
export function plausibilityLimit(
  averageDaily: number | null,
  daysSinceLast: number,
  rule: PlausibilityRule = DEFAULT_PLAUSIBILITY,
): number | null {
  if (averageDaily === null) return null;
  return rule.factor * averageDaily * Math.max(daysSinceLast, 0) + rule.marginPages;
}

export function isImplausible(
  usage: number,
  averageDaily: number | null,
  daysSinceLast: number,
  rule: PlausibilityRule = DEFAULT_PLAUSIBILITY,
): boolean {
  const limit = plausibilityLimit(averageDaily, daysSinceLast, rule);
  return limit !== null && usage > limit;
}

/**
 * Hinweise's rule for a usage far *below* the usual, which the dialog's rule does not flag: a
 * latest reading's counter whose usage, times the factor, is under the usual usage for its
 * days (from the window before) less the margin. Returns that usual usage, or null when the
 * usage is not that low or there is no history to judge by.
 */
export function lowUsageExpected(
  row: { usage: number; days: number | null; windowUsage: number | null; windowDays: number | null },
  rule: PlausibilityRule = DEFAULT_PLAUSIBILITY,
): number | null {
  if (!row.windowUsage || !row.windowDays || row.days === null) return null;
  const expected = Math.round((row.windowUsage / row.windowDays) * row.days);
  return row.usage * rule.factor >= expected - rule.marginPages ? null : expected;
}
