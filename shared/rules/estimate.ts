import { daysBetween } from '../dates';
import type { IsoDate, ReadingSource, ReadingStatus } from '../models';
import { periodEndFor } from './validity';

/**
 * An estimated counter for a reading that did not come: the last counter plus the device's
 * usual daily usage (its average over its last readings) times the days since. Null without
 * a usage to go by (no history) — such a device needs a real reading.
 */
export function estimateCounter(
  lastValue: number,
  lastDate: IsoDate | null,
  averageDaily: number | null,
  date: IsoDate,
): number | null {
  if (averageDaily === null || lastDate === null) return null;
  return lastValue + Math.round(averageDaily * Math.max(0, daysBetween(lastDate, date)));
}

/**
 * Whether real values dated `date` belong in the estimate `latest` rather than in a reading
 * after it: `latest` is an estimate not billed yet (01) and the month `date` belongs to lies in
 * its validity. They then replace its values, date and source and keep its validity — instead
 * of a second reading of a single day after a month already covered.
 */
export function estimateCovers(
  latest:
    | { source: ReadingSource; status: ReadingStatus; validFrom: IsoDate; validTo: IsoDate }
    | undefined,
  date: IsoDate,
  cutoffDay: number,
): boolean {
  return latest !== undefined && isOpenEstimate(latest) && coversMonthOf(latest, date, cutoffDay);
}

/** An estimate not billed yet (01): real values for its months go into it. */
export function isOpenEstimate(reading: { source: ReadingSource; status: ReadingStatus }): boolean {
  return reading.source === 'estimate' && reading.status === '01';
}

/** Whether the month a reading dated `date` belongs to lies in `validity`. */
export function coversMonthOf(
  validity: { validFrom: IsoDate; validTo: IsoDate },
  date: IsoDate,
  cutoffDay: number,
): boolean {
  const end = periodEndFor(date, cutoffDay);
  return validity.validFrom <= end && end <= validity.validTo;
}
