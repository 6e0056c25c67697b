/**
 * The month's work list (issue 4): every device whose contract is due in the period, with the
 * state of its reading for it — missing, recorded by hand, from the web or an import, flagged
 * (*A vérifier*), billed (11), posted (21).
 */
import { countersOf, devicesInPeriod, readingsEndingIn } from '../../../db/queries/period';
import type { PeriodOverview, PeriodRow, PeriodState } from '../../../shared/api';
import { endOfMonth } from '../../../shared/dates';
import { firstDayOf, isDueIn } from '../../../shared/rules/web-reading';
import type { CoreContext } from '../context';

export const PERIOD_STATES: PeriodState[] = ['missing', 'manual', 'web', 'import', 'estimate', 'flagged', 'billed', 'posted'];

export function periodOverview(core: CoreContext, period: string): PeriodOverview {
  const from = firstDayOf(period);
  const to = endOfMonth(from);
  const devices = devicesInPeriod(core.db, from, to).filter((device) => isDueIn(device, period));
  // A device's reading for the period: the latest one whose validity ends in it.
  const latest = new Map(readingsEndingIn(core.db, from, to).map((reading) => [reading.deviceId, reading]));
  const readingIds = devices.map((d) => latest.get(d.deviceId)?.id).filter((id): id is number => id !== undefined);
  const counters = new Map<number, Array<{ kind: PeriodRow['counters'][number]['kind']; value: number }>>();
  for (const counter of countersOf(core.db, readingIds)) {
    counters.set(counter.readingId, [...(counters.get(counter.readingId) ?? []), { kind: counter.kind, value: counter.value }]);
  }
  const counts = Object.fromEntries(PERIOD_STATES.map((state) => [state, 0])) as Record<PeriodState, number>;
  const rows: PeriodRow[] = devices.map((device) => {
    const reading = latest.get(device.deviceId);
    const state: PeriodState = !reading
      ? 'missing'
      : reading.status === '21'
        ? 'posted'
        : reading.status === '11'
          ? 'billed'
          : reading.flagged === 1
            ? 'flagged'
            : reading.source;
    counts[state] += 1;
    return {
      deviceId: device.deviceId,
      equipmentId: device.equipmentId,
      model: device.model,
      position: device.position,
      location: device.location,
      contractNumber: device.contractNumber,
      customerNumber: device.customerNumber,
      customerName: device.customerName,
      webReading: device.webReading === 1,
      state,
      readingId: reading?.id ?? null,
      date: reading?.date ?? null,
      counters: reading ? (counters.get(reading.id) ?? []) : [],
    };
  });
  return { period, rows, counts };
}
