/**
 * Estimated readings (issue 5): for the devices of a period whose reading did not come by the
 * cut-off, one action writes an estimate each — last counter + usual daily usage × days since,
 * source `estimate`, dated the period's last day (or today, within the period). The next real
 * reading continues the chain from it and so trues it up.
 */
import type { EstimateSummary } from '../../../shared/api';
import { endOfMonth } from '../../../shared/dates';
import { ApiError } from '../../../shared/errors';
import type { CounterKind } from '../../../shared/models';
import { estimateCounter } from '../../../shared/rules/estimate';
import { firstDayOf } from '../../../shared/rules/web-reading';
import { today, settingsOf, type CoreContext } from '../context';
import { periodRows } from './period';
import { readingDraft, saveReadingOn } from './readings';

export function estimateMissing(core: CoreContext, period: string, equipmentIds?: string[]): EstimateSummary {
  const day = today(core, settingsOf(core));
  const from = firstDayOf(period);
  if (from > day) throw new ApiError('validation', `${period} has not begun yet: nothing to estimate`);
  const date = endOfMonth(from) < day ? endOfMonth(from) : day;
  const wanted = equipmentIds && new Set(equipmentIds);
  const missing = periodRows(core, { period, state: 'missing', startRow: 0, endRow: null }).rows.filter(
    (row) => !wanted || wanted.has(row.equipmentId),
  );
  const summary: EstimateSummary = { period, date, created: [], skipped: [] };
  core.db.transaction(() => {
    for (const row of missing) {
      const draft = readingDraft(core, { equipmentId: row.equipmentId });
      if (draft.previousDate !== null && draft.previousDate >= date) {
        summary.skipped.push({ equipmentId: row.equipmentId, reason: 'later-reading' });
        continue;
      }
      const values = new Map<CounterKind, number>();
      for (const counter of draft.counters) {
        const value = estimateCounter(counter.chainOld, counter.lastDate, counter.averageDaily, date);
        if (value !== null) values.set(counter.kind, value);
      }
      if (values.size < draft.counters.length) {
        summary.skipped.push({ equipmentId: row.equipmentId, reason: 'no-history' });
        continue;
      }
      try {
        // A savepoint each: a device the rules refuse leaves nothing and the others go on.
        const reading = core.db.transaction(() =>
          saveReadingOn(core, draft.device, date, values, { source: 'estimate' }),
        );
        summary.created.push({
          equipmentId: row.equipmentId,
          readingId: reading.id,
          counters: reading.counters.map(({ kind, new: value, usage }) => ({ kind, value, usage })),
        });
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'validation') throw error;
        summary.skipped.push({
          equipmentId: row.equipmentId,
          reason: 'refused',
          detail: error.issues.map((issue) => issue.code).join(', ') || error.message,
        });
      }
    }
  });
  return summary;
}
