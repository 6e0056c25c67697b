/**
 * The month's work list (issue 4): every device whose contract is due in the period, with the
 * state of its reading for it — missing, recorded by hand, from the web or an import, flagged
 * (*A vérifier*), billed (11), posted (21).
 *
 * A large dealer's month has tens of thousands of devices (issue 6): the page asks for a page
 * of rows at a time (`period-rows`, sorted and filtered here) and for the counts apart
 * (`period-counts`); `period-overview` answers everything at once for scripts and tests.
 */
import {
  countersOf,
  periodListKey,
  periodPage,
  periodStateCounts,
  type PeriodListFilter,
  type PeriodListRow,
  type PeriodSort,
} from '../../../db/queries/period';
import {
  PERIOD_STATES,
  type ApiArgs,
  type PeriodCounts,
  type PeriodOverview,
  type PeriodPage,
  type PeriodRow,
  type PeriodState,
} from '../../../shared/api';
import { endOfMonth } from '../../../shared/dates';
import { firstDayOf } from '../../../shared/rules/web-reading';
import type { CoreContext } from '../context';

/** The period list's filter of a month (`YYYY-MM`), as the period page and the billing preview read it. */
export function periodFilter(period: string, search?: string, state?: PeriodState): PeriodListFilter {
  const from = firstDayOf(period);
  return { from, to: endOfMonth(from), month: Number(period.slice(5, 7)), search, state };
}

/** The page's rows with the counters of their readings. */
function withCounters(core: CoreContext, rows: PeriodListRow[]): PeriodRow[] {
  const counters = new Map<number, PeriodRow['counters']>();
  const readingIds = rows.map((row) => row.readingId).filter((id): id is number => id !== null);
  for (const counter of countersOf(core.db, readingIds)) {
    counters.set(counter.readingId, [...(counters.get(counter.readingId) ?? []), { kind: counter.kind, value: counter.value }]);
  }
  return rows.map((row) => ({
    ...row,
    webReading: row.webReading === 1,
    counters: row.readingId === null ? [] : (counters.get(row.readingId) ?? []),
  }));
}

/** All rows (endRow null) or rows [startRow, endRow) of the period's list. */
export function periodRows(
  core: CoreContext,
  args: Omit<ApiArgs<'period-rows'>, 'endRow'> & { endRow: number | null },
): PeriodPage {
  const filter = periodFilter(args.period, args.search, args.state);
  const sort: PeriodSort[] = args.sort ?? [];
  const limit = args.endRow === null ? null : args.endRow - args.startRow;
  const rows = withCounters(core, periodPage(core.db, filter, sort, args.startRow, limit));
  const complete = limit === null || rows.length < limit;
  return { period: args.period, startRow: args.startRow, rows, lastRow: complete ? args.startRow + rows.length : null };
}

export function periodCounts(core: CoreContext, period: string, search?: string): PeriodCounts {
  const counts = Object.fromEntries(PERIOD_STATES.map((state) => [state, 0])) as Record<PeriodState, number>;
  let total = 0;
  for (const { state, n } of periodStateCounts(core.db, periodFilter(period, search))) {
    counts[state] = n;
    total += n;
  }
  return { period, total, counts };
}

export function periodOverview(core: CoreContext, period: string): PeriodOverview {
  const { counts } = periodCounts(core, period);
  return { period, rows: periodRows(core, { period, startRow: 0, endRow: null }).rows, counts };
}

/**
 * After a save from the missing list the next missing device opens: the first one after the
 * device just saved in the list's own order, else the first one from the top.
 */
export function nextMissing(core: CoreContext, period: string, after: number): PeriodRow | null {
  const filter = periodFilter(period, undefined, 'missing');
  const key = periodListKey(core.db, after);
  const next =
    (key ? periodPage(core.db, filter, [], 0, 1, key)[0] : undefined) ?? periodPage(core.db, filter, [], 0, 1)[0];
  return next && next.deviceId !== after ? withCounters(core, [next])[0]! : null;
}
