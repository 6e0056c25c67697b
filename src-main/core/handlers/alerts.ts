/**
 * The alerts view (issue 5): what needs a look, each opening its device. Unusual usage above
 * the usual is what the meter dialog flagged (*zu prüfen*), per counter as its plausibility
 * rule (SPEC §3.8) judges the reading now — the same counters the dialog warns about. Below
 * the usual, which the dialog does not flag, the latest reading of every device is compared
 * with its usage of the window before: below (expected − margin) / factor.
 */
import { flaggedReadings, latestUsages, silentDevices, stuckCounters, waitingWebValues } from '../../../db/queries/alerts';
import { getDevice } from '../../../db/queries/master-data';
import type { Alert, AlertKind, AlertsOverview } from '../../../shared/api';
import type { Database } from '../../../db/database';
import { deepFreeze, ReadCache } from '../../../db/read-cache';
import type { IsoDate } from '../../../shared/models';
import { lowUsageExpected } from '../../../shared/rules/plausibility';
import { settingsOf, today, type CoreContext } from '../context';
import type { Settings } from '../settings';
import { usageVerdicts } from './readings';

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
  for (const row of silentDevices(core.db, day, settings.silentMonths)) {
    alerts.push({ ...device(row), kind: 'silent', date: row.date, readingId: null, months: row.months });
  }
  for (const row of flaggedReadings(core.db, day)) {
    const found = getDevice(core.db, row.deviceId);
    const judged = found && usageVerdicts(core, settings, found, row.readingId);
    if (!judged) continue;
    const implausible = judged.verdicts.filter((verdict) => verdict.implausible);
    // Flagged by the portal's check, or under other settings: still to look at, by its largest usage.
    const shown = implausible.length > 0 ? implausible : [...judged.verdicts].sort((a, b) => b.usage - a.usage).slice(0, 1);
    for (const verdict of shown) {
      alerts.push({
        ...device(row),
        kind: 'unusual',
        date: row.date,
        readingId: row.readingId,
        counter: verdict.kind,
        value: verdict.usage,
        // The usual usage only where the rule finds the usage far above it (the detail says so).
        ...(verdict.implausible && verdict.expected !== null && { expected: verdict.expected }),
        direction: 'high',
      });
    }
  }
  for (const row of latestUsages(core.db, day, rule.windowMonths)) {
    const expected = lowUsageExpected(row, rule);
    if (expected === null) continue;
    alerts.push({
      ...device(row),
      kind: 'unusual',
      date: row.date,
      readingId: row.readingId,
      counter: row.kind,
      value: row.usage,
      expected,
      direction: 'low',
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
