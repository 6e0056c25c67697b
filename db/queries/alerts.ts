/**
 * What needs a look (issue 5), one query per kind over the devices in service: the same
 * counter value three readings in a row, no reading for months, a latest usage far from the
 * device's usual, web values waiting for a decision. Each reads a device's latest readings
 * through readings_by_device, so a large dealer's history is never scanned whole.
 */
import type { Database } from '../database';
import { addMonths } from '../../shared/dates';
import type { CounterKind, IsoDate } from '../../shared/models';

export interface AlertDeviceRow {
  deviceId: number;
  equipmentId: string;
  model: string;
  customerNumber: string;
  customerName: string;
}

const DEVICE_COLUMNS = `d.id AS deviceId, d.equipment_id AS equipmentId, d.model, c.number AS customerNumber, c.name AS customerName`;
const IN_SERVICE = `FROM devices d JOIN contracts k ON k.id = d.contract_id JOIN customers c ON c.id = k.customer_id
  WHERE c.archived = 0 AND d.out_of_service IS NULL AND (k.end_date IS NULL OR k.end_date >= @today)`;

/**
 * Devices whose last three readings show the same value of a counter, unless a clerk confirmed
 * the latest of them (the device stood, say): `deviceId` for one device (the meter dialog's).
 */
export function stuckCounters(db: Database, today: IsoDate, deviceId?: number) {
  return db.all<AlertDeviceRow & { kind: CounterKind; value: number; date: IsoDate; readingId: number }>(
    `SELECT ${DEVICE_COLUMNS}, rc.kind, max(rc.new_value) AS value, max(r.date) AS date, max(r.id) AS readingId
       ${IN_SERVICE.replace('WHERE', `JOIN readings r ON r.id IN (SELECT id FROM readings WHERE device_id = d.id ORDER BY date DESC, id DESC LIMIT 3)
       JOIN reading_counters rc ON rc.reading_id = r.id WHERE ${deviceId === undefined ? '' : 'd.id = @device AND'}`)}
      GROUP BY d.id, rc.kind HAVING count(*) = 3 AND min(rc.new_value) = max(rc.new_value)
        -- The latest of them is not confirmed (confirmed ones, if any, are older).
        AND coalesce(max(CASE WHEN r.confirmed_by IS NOT NULL THEN r.id END), 0) < max(r.id)
      ORDER BY c.number, d.equipment_id`,
    { today, ...(deviceId !== undefined && { device: deviceId }) },
  );
}

/**
 * Devices whose latest reading (or installation, without one) is older than their contract
 * expects: `silentMonths` for a monthly one, and for one read every N months (quarterly,
 * yearly) that many more than its interval's N − 1 months between readings — a yearly
 * contract's device is not silent in its eleventh month. `months`: the device's threshold.
 */
export function silentDevices(db: Database, today: IsoDate, silentMonths: number) {
  // The day before which a device is silent, per interval (1, 3, 6, 12), on the calendar of
  // shared/dates (a month back from the 31st is the month's last day, not SQLite's overflow).
  const before = Object.fromEntries(
    [1, 3, 6, 12].map((interval) => [`before${interval}`, addMonths(today, -(interval - 1 + silentMonths))]),
  );
  return db.all<AlertDeviceRow & { date: IsoDate | null; months: number }>(
    `SELECT * FROM (SELECT ${DEVICE_COLUMNS}, d.install_date AS installDate, k.interval_months - 1 + @silent AS months,
            CASE k.interval_months WHEN 3 THEN @before3 WHEN 6 THEN @before6 WHEN 12 THEN @before12 ELSE @before1 END AS before,
            (SELECT max(date) FROM readings WHERE device_id = d.id) AS date
       ${IN_SERVICE}) WHERE coalesce(date, installDate) < before
      ORDER BY customerNumber, equipmentId`,
    { today, silent: silentMonths, ...before },
  );
}

/**
 * Per counter of each device's latest recorded (01), unconfirmed reading: its usage and the
 * days since the counter's reading before, and the usage and days of the device's readings of the `windowMonths` before it (for a usage
 * far below the usual, which the dialog's rule does not flag).
 */
export function latestUsages(db: Database, today: IsoDate, windowMonths: number, deviceId?: number) {
  return db.all<
    AlertDeviceRow & { readingId: number; date: IsoDate; kind: CounterKind; usage: number; days: number | null; windowUsage: number | null; windowDays: number | null }
  >(
    `SELECT ${DEVICE_COLUMNS}, r.id AS readingId, r.date, rc.kind, rc.usage,
            -- Days since the counter's reading before, as the dialog's rule counts them.
            julianday(r.date) - julianday((SELECT max(p.date) FROM readings p JOIN reading_counters pc ON pc.reading_id = p.id AND pc.kind = rc.kind
              WHERE p.device_id = d.id AND p.id <> r.id AND p.date <= r.date)) AS days,
            (SELECT sum(pc.usage) FROM readings p JOIN reading_counters pc ON pc.reading_id = p.id AND pc.kind = rc.kind
              WHERE p.device_id = d.id AND p.id <> r.id AND p.date <= r.date AND p.date >= date(r.date, '-' || @window || ' months')) AS windowUsage,
            (SELECT sum(julianday(p.valid_to) - julianday(p.valid_from) + 1) FROM readings p JOIN reading_counters pc ON pc.reading_id = p.id AND pc.kind = rc.kind
              WHERE p.device_id = d.id AND p.id <> r.id AND p.date <= r.date AND p.date >= date(r.date, '-' || @window || ' months')) AS windowDays
       ${IN_SERVICE.replace('WHERE', `JOIN readings r ON r.id = (SELECT id FROM readings WHERE device_id = d.id ORDER BY date DESC, id DESC LIMIT 1)
       JOIN reading_counters rc ON rc.reading_id = r.id WHERE r.status = '01' AND r.confirmed_by IS NULL AND
       ${deviceId === undefined ? '' : 'd.id = @device AND'}`)}
      ORDER BY c.number, d.equipment_id`,
    // One device (the meter dialog's): found by its key, not among all of them.
    { today, window: windowMonths, ...(deviceId !== undefined && { device: deviceId }) },
  );
}

/**
 * Readings saved flagged (*zu prüfen*: the dialog's plausibility rule, or the portal's *A
 * vérifier*) that no clerk has confirmed yet, of devices in service: few, so each can be
 * judged again by the rule itself.
 */
export function flaggedReadings(db: Database, today: IsoDate) {
  return db.all<AlertDeviceRow & { readingId: number; date: IsoDate }>(
    // From the recorded readings (index readings_by_status), not through every device's history.
    `SELECT ${DEVICE_COLUMNS}, r.id AS readingId, r.date
       FROM readings r ${IN_SERVICE.replace('FROM devices d', 'JOIN devices d ON d.id = r.device_id')}
        AND r.status = '01' AND r.flagged = 1 AND r.confirmed_by IS NULL
      ORDER BY c.number, d.equipment_id, r.date`,
    { today },
  );
}

/** Web values kept aside, waiting for a clerk's decision. */
export function waitingWebValues(db: Database) {
  return db.all<AlertDeviceRow & { submissionId: number; date: IsoDate; reason: string | null }>(
    `SELECT ${DEVICE_COLUMNS}, s.id AS submissionId, s.entered_on AS date, s.reason
       FROM web_submissions s JOIN devices d ON d.id = s.device_id JOIN contracts k ON k.id = d.contract_id
       JOIN customers c ON c.id = k.customer_id
      WHERE s.state = 'held' ORDER BY c.number, d.equipment_id`,
  );
}
