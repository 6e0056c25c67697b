import { daysBetween } from '../dates';
import type { IsoDate } from '../models';

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
