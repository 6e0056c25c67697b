/**
 * The period overview's first block, asked for as soon as the app knows the month: when it
 * opens on `#/period`, right after its info and while the page's code (ag-grid) still loads.
 * The grid's first request takes that answer instead of waiting for a second round trip.
 */
import type { ApiArgs, PeriodPage } from '../../../shared/api';
import { BLOCK_SIZE } from '../../components/grid-blocks';
import { api } from '../../platform/transport';

type RowsArgs = ApiArgs<'period-rows'>;

/**
 * An answer older than this is not handed out: the clerk may have changed the data since
 * (the grid normally asks a few hundred ms after the prefetch).
 */
const FRESH_MS = 5000;

let prefetched: { key: string; at: number; page: Promise<PeriodPage> } | null = null;

const keyOf = (args: RowsArgs) =>
  JSON.stringify([
    args.period,
    args.state ?? null,
    args.search ?? null,
    args.sort ?? [],
    args.startRow,
    args.endRow,
  ]);

/** The block the page's grid asks for first: the month unfiltered, in the list's own order. */
export function prefetchFirstRows(period: string): void {
  const args: RowsArgs = { period, sort: [], startRow: 0, endRow: BLOCK_SIZE };
  const page = api.call('period-rows', args);
  // Unhandled only while nobody asks; the grid's call reports a failure itself.
  page.catch(() => undefined);
  prefetched = { key: keyOf(args), at: Date.now(), page };
}

/** `period-rows`, answered once from the prefetch when it asked for the same block. */
export function periodRows(args: RowsArgs): Promise<PeriodPage> {
  const ready = prefetched;
  prefetched = null;
  if (ready && ready.key === keyOf(args) && Date.now() - ready.at < FRESH_MS) return ready.page;
  return api.call('period-rows', args);
}
