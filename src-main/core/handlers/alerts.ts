/**
 * The alerts view (issue 5): what needs a look, each opening its device. The usual usage is
 * the plausibility rule's (SPEC §3.8), applied to the latest reading of every source and in
 * both directions: above factor × expected + margin, or below (expected − margin) / factor.
 */
import { latestUsages, silentDevices, stuckCounters, waitingWebValues } from '../../../db/queries/alerts';
import type { Alert, AlertKind, AlertsOverview } from '../../../shared/api';
import { addMonths } from '../../../shared/dates';
import type { Database } from '../../../db/database';
import { deepFreeze, ReadCache } from '../../../db/read-cache';
import type { IsoDate } from '../../../shared/models';
import { settingsOf, today, type CoreContext } from '../context';
import type { Settings } from '../settings';

export const ALERT_KINDS: AlertKind[] = ['stuck', 'silent', 'unusual', 'web-waiting'];

// The overview scans the whole fleet (0.2 s at 30,000 devices): kept per database until any
// write (a saved reading, a changed setting) or another day, as the period page asks on every visit.
const overviews = new WeakMap<Database, ReadCache<IsoDate, AlertsOverview>>();

export function alertsList(core: CoreContext): AlertsOverview {
  const settings = settingsOf(core);
  const day = today(core, settings);
  let cache = overviews.get(core.db);
  if (!cache) {
    cache = new ReadCache(core.db, 2);
    overviews.set(core.db, cache);
  }
  return cache.get(day, () => deepFreeze(alertsOn(core, settings, day)));
}

function alertsOn(core: CoreContext, settings: Settings, day: IsoDate): AlertsOverview {
  const rule = settings.plausibility;
  const alerts: Alert[] = [];
  for (const row of stuckCounters(core.db, day)) {
    alerts.push({ ...device(row), kind: 'stuck', date: row.date, readingId: row.readingId, counter: row.kind, value: row.value });
  }
  for (const row of silentDevices(core.db, day, addMonths(day, -settings.silentMonths))) {
    alerts.push({ ...device(row), kind: 'silent', date: row.date, readingId: null, months: settings.silentMonths });
  }
  for (const row of latestUsages(core.db, day, rule.windowMonths)) {
    if (!row.windowUsage || !row.windowDays) continue;
    const expected = Math.round((row.windowUsage / row.windowDays) * row.days);
    const high = row.usage > rule.factor * expected + rule.marginPages;
    const low = row.usage * rule.factor < expected - rule.marginPages;
    if (!high && !low) continue;
    alerts.push({
      ...device(row),
      kind: 'unusual',
      date: row.date,
      readingId: row.readingId,
      counter: row.kind,
      value: row.usage,
      expected,
      direction: high ? 'high' : 'low',
    });
  }
  for (const row of waitingWebValues(core.db)) {
    alerts.push({ ...device(row), kind: 'web-waiting', date: row.date, readingId: null, reason: row.reason });
  }
  const counts = Object.fromEntries(ALERT_KINDS.map((kind) => [kind, alerts.filter((a) => a.kind === kind).length]));
  return { alerts, counts: counts as Record<AlertKind, number>, silentMonths: settings.silentMonths };
}

function device(row: { deviceId: number; equipmentId: string; model: string; customerNumber: string; customerName: string }) {
  const { deviceId, equipmentId, model, customerNumber, customerName } = row;
  return { deviceId, equipmentId, model, customerNumber, customerName };
}
