/** The period overview's reads: devices in service with their contract's rhythm, and readings by validity. */
import type { Database } from '../database';
import type { PeriodRow } from '../../shared/api';
import type { CounterKind, IsoDate, ReadingSource, ReadingStatus } from '../../shared/models';

/** A device of the period as the overview lists it, with its contract's rhythm (SQLite's 0/1 for web reading). */
export type PeriodDeviceRow = Pick<
  PeriodRow,
  'deviceId' | 'equipmentId' | 'model' | 'position' | 'location' | 'contractNumber' | 'customerNumber' | 'customerName'
> & { intervalMonths: number; startMonth: number; webReading: number };

/**
 * Every device in service during [from, to] under a contract running then, of active
 * customers (or of one customer), with its contract's billing rhythm. NOT INDEXED: without
 * statistics SQLite walks devices_by_serial and looks every row up in the table, a third
 * slower for a dealer's whole fleet than reading the table itself (issue 6).
 */
export function devicesInPeriod(db: Database, from: IsoDate, to: IsoDate, customerId: number | null = null): PeriodDeviceRow[] {
  return db.all<PeriodDeviceRow>(
    `SELECT d.id AS deviceId, d.equipment_id AS equipmentId, d.model, d.position, d.location, k.number AS contractNumber,
            k.interval_months AS intervalMonths, k.start_month AS startMonth, c.number AS customerNumber, c.name AS customerName,
            c.web_reading AS webReading
       FROM devices d NOT INDEXED JOIN contracts k ON k.id = d.contract_id JOIN customers c ON c.id = k.customer_id
      WHERE c.archived = 0 AND (@customerId IS NULL OR c.id = @customerId) AND k.start_date <= @to AND (k.end_date IS NULL OR k.end_date >= @from)
        AND d.install_date <= @to AND (d.out_of_service IS NULL OR d.out_of_service >= @from)
      ORDER BY c.number, k.number, d.position, d.id`,
    { from, to, customerId },
  );
}

export interface PeriodReadingRow {
  id: number;
  deviceId: number;
  date: IsoDate;
  status: ReadingStatus;
  source: ReadingSource;
  flagged: number;
}

/** Readings whose validity ends within [from, to]: the period's readings (index readings_by_valid_to). */
export function readingsEndingIn(db: Database, from: IsoDate, to: IsoDate): PeriodReadingRow[] {
  return db.all<PeriodReadingRow>(
    `SELECT id, device_id AS deviceId, date, status, source, flagged FROM readings
      WHERE valid_to BETWEEN ? AND ? ORDER BY date, id`,
    [from, to],
  );
}

export function countersOf(db: Database, readingIds: number[]): Array<{ readingId: number; kind: CounterKind; value: number }> {
  return db.all(
    `SELECT reading_id AS readingId, kind, new_value AS value FROM reading_counters WHERE reading_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(readingIds)],
  );
}
