import { daysBetween, daysInMonth, parts } from '../dates';
import type { IsoDate } from '../models';

/**
 * Least common multiple of every month length (28, 29, 30, 31): a period's length in months
 * is kept as an integer count of these units, so proration is exact, with no float drift.
 */
const MONTH_UNITS = 755_160;

/**
 * The months a validity period covers, in 1/755160 month units: whole months count 1, a
 * partial month counts its days over the month's length (SPEC §3.3: 1 Jan – 15 Feb is
 * 1 + 15/28 months). Both ends are included.
 */
export function periodMonthUnits(from: IsoDate, to: IsoDate): number {
  if (daysBetween(from, to) < 0) return 0;
  let units = 0;
  let { year, month, day } = parts(from);
  const end = parts(to);
  for (;;) {
    const length = daysInMonth(year, month);
    const lastDay = year === end.year && month === end.month ? end.day : length;
    units += ((lastDay - day + 1) * MONTH_UNITS) / length;
    if (year === end.year && month === end.month) return units;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    day = 1;
  }
}

export function periodMonths(from: IsoDate, to: IsoDate): number {
  return periodMonthUnits(from, to) / MONTH_UNITS;
}

/**
 * *Freikopien Vertrag*: the contract's free copies per month over the validity period,
 * rounded half up to a whole copy.
 */
export function contractFreeCopies(freePerMonth: number, from: IsoDate, to: IsoDate): number {
  const units = periodMonthUnits(from, to);
  // Integer half-up rounding of freePerMonth × units / MONTH_UNITS.
  return Math.floor((2 * freePerMonth * units + MONTH_UNITS) / (2 * MONTH_UNITS));
}
