/** The period overview's reads: devices in service with their contract's rhythm, and readings by validity. */
import type { Database } from '../database';
import { PERIOD_STATES, type PeriodRow, type PeriodSortColumn, type PeriodState } from '../../shared/api';
import { wordConditions } from './master-data';
import type { CounterKind, IsoDate, ReadingSource, ReadingStatus } from '../../shared/models';

/** A device of the period as the overview lists it, with its contract's rhythm (SQLite's 0/1 for web reading). */
export type PeriodDeviceRow = Pick<
  PeriodRow,
  'deviceId' | 'equipmentId' | 'model' | 'position' | 'location' | 'contractNumber' | 'customerNumber' | 'customerName'
> & { intervalMonths: number; startMonth: number; webReading: number };

/**
 * A device (`d`) in service during [@from, @to] under a contract (`k`) running then, of an
 * active customer (`c`): the period overview's devices, and a customer's due ones.
 */
export const IN_SERVICE_DURING = `c.archived = 0 AND k.start_date <= @to AND (k.end_date IS NULL OR k.end_date >= @from)
  AND d.install_date <= @to AND (d.out_of_service IS NULL OR d.out_of_service >= @from)`;

/**
 * Every device in service during [from, to] (IN_SERVICE_DURING), with its contract's billing
 * rhythm. NOT INDEXED: without
 * statistics SQLite walks devices_by_serial and looks every row up in the table, a third
 * slower for a dealer's whole fleet than reading the table itself (issue 6).
 */
export function devicesInPeriod(db: Database, from: IsoDate, to: IsoDate): PeriodDeviceRow[] {
  return db.all<PeriodDeviceRow>(
    `SELECT d.id AS deviceId, d.equipment_id AS equipmentId, d.model, d.position, d.location, k.number AS contractNumber,
            k.interval_months AS intervalMonths, k.start_month AS startMonth, c.number AS customerNumber, c.name AS customerName,
            c.web_reading AS webReading
       FROM devices d NOT INDEXED JOIN contracts k ON k.id = d.contract_id JOIN customers c ON c.id = k.customer_id
      WHERE ${IN_SERVICE_DURING}
      ORDER BY c.number, k.number, d.position, d.id`,
    { from, to },
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

/** What narrows the period's list: the month (its days and its number), a text search, a state. */
export interface PeriodListFilter {
  from: IsoDate;
  to: IsoDate;
  /** The period's month, 1–12: which contracts are due in it. */
  month: number;
  search?: string;
  state?: PeriodState;
}

export interface PeriodSort {
  colId: PeriodSortColumn;
  sort: 'asc' | 'desc';
}

/** The list's own order, and the tie-breaker after any sort the clerk picks. */
const LIST_ORDER = 'c.number, k.number, d.position, d.id';

/**
 * Each device's reading for the period: the latest one whose validity ends in the month, found
 * through readings_by_valid_to (a month's readings, not the fleet's history).
 */
const PERIOD_READINGS = `period_readings AS MATERIALIZED (
  SELECT device_id, id, date, status, source, flagged FROM (
    SELECT device_id, id, date, status, source, flagged,
           row_number() OVER (PARTITION BY device_id ORDER BY date DESC, id DESC) AS latest
      FROM readings WHERE valid_to BETWEEN @from AND @to)
   WHERE latest = 1)`;

/**
 * The state of a device's period reading `r` (NULL: none). The rule the page has always shown:
 * posted and billed before a flag, a flag before the source. In SQL so that the server filters,
 * sorts and counts by it; test/db/period-paging.test.ts holds it against the rule in code.
 */
function stateOf(r: string): string {
  return `CASE WHEN ${r}.id IS NULL THEN 'missing' WHEN ${r}.status = '21' THEN 'posted' WHEN ${r}.status = '11' THEN 'billed'
               WHEN ${r}.flagged = 1 THEN 'flagged' ELSE ${r}.source END`;
}

/** Sorting by state follows the page's order of the states, not the alphabet. */
function stateRank(r: string): string {
  return `CASE ${stateOf(r)} ${PERIOD_STATES.map((state, rank) => `WHEN '${state}' THEN ${rank}`).join(' ')} END`;
}

const SORT_KEYS: Record<PeriodSortColumn, string> = {
  state: stateRank('pr'),
  customer: 'c.number',
  contractNumber: 'k.number',
  equipmentId: 'd.equipment_id',
  position: 'd.position',
  model: 'd.model',
  location: 'd.location',
  date: 'pr.date',
};

/**
 * Devices in service during the month under a contract running then and due in it (the
 * contract's rhythm, as isDueIn in shared/rules/web-reading.ts), of active customers; and
 * every word of the search in the device's search text.
 */
function dueConditions(filter: PeriodListFilter): { where: string; params: Record<string, string | number> } {
  const search = wordConditions(filter.search ?? '', (word) => `d.search_text LIKE ${word} ESCAPE '\\'`);
  const where = [
    IN_SERVICE_DURING,
    '((@month - k.start_month + 12) % 12 + 1) % k.interval_months = 0',
    ...search.conditions,
  ].join(' AND ');
  return { where, params: { from: filter.from, to: filter.to, month: filter.month, ...search.params } };
}

/** How many due devices are in each state (states without any are left out). */
export function periodStateCounts(db: Database, filter: PeriodListFilter): Array<{ state: PeriodState; n: number }> {
  const due = dueConditions(filter);
  // NOT INDEXED: see devicesInPeriod; every due device is counted, so the table is read once.
  return db.all(
    `WITH ${PERIOD_READINGS}
     SELECT ${stateOf('pr')} AS state, count(*) AS n
       FROM devices d NOT INDEXED JOIN contracts k ON k.id = d.contract_id JOIN customers c ON c.id = k.customer_id
       LEFT JOIN period_readings pr ON pr.device_id = d.id
      WHERE ${due.where}
      GROUP BY 1`,
    due.params,
  );
}

/** A device of the period's list, as the page query gives it. */
export type PeriodListRow = Omit<PeriodRow, 'webReading' | 'counters'> & { webReading: number };

/** Where a device stands in the list's own order: the page after it starts there. */
export interface PeriodListKey {
  customerNumber: string;
  contractNumber: string;
  position: string;
  deviceId: number;
}

export function periodListKey(db: Database, deviceId: number): PeriodListKey | undefined {
  return db.get<PeriodListKey>(
    `SELECT c.number AS customerNumber, k.number AS contractNumber, d.position, d.id AS deviceId
       FROM devices d JOIN contracts k ON k.id = d.contract_id JOIN customers c ON c.id = k.customer_id WHERE d.id = ?`,
    [deviceId],
  );
}

/**
 * One page of the period's list: `limit` rows from `offset` (every row with limit null), in the
 * sort asked for and then in the list's order, filtered by state; optionally only rows after
 * `after` in the list's order.
 *
 * Two steps, so that a page costs what it shows: the inner query picks the page's device ids
 * from narrow rows, the outer one reads the page's columns and readings. The period's readings
 * are joined into the inner query only when the state is filtered or sorted on; otherwise only
 * the page's devices look theirs up (readings_by_device). The inner query walks customers by
 * number, their contracts and devices: in the list's order SQLite sorts only within a customer
 * and stops at the page's end instead of sorting the fleet (the window function's order is
 * what leads the planner there: keep it the same as the ORDER BY).
 */
export function periodPage(
  db: Database,
  filter: PeriodListFilter,
  sort: PeriodSort[],
  offset: number,
  limit: number | null,
  after?: PeriodListKey,
): PeriodListRow[] {
  const due = dueConditions(filter);
  const order = [...sort.map((s) => `${SORT_KEYS[s.colId]} ${s.sort === 'desc' ? 'DESC' : 'ASC'}`), LIST_ORDER].join(', ');
  const needsState = filter.state !== undefined || sort.some((s) => s.colId === 'state' || s.colId === 'date');
  const conditions = [due.where];
  if (filter.state !== undefined) conditions.push(`${stateOf('pr')} = @state`);
  if (after) conditions.push('(c.number, k.number, d.position, d.id) > (@afterCustomer, @afterContract, @afterPosition, @afterDevice)');
  const columns = (r: string) => `d.id AS deviceId, d.equipment_id AS equipmentId, d.model, d.position, d.location, k.number AS contractNumber,
           c.number AS customerNumber, c.name AS customerName, c.web_reading AS webReading,
           ${r}.id AS readingId, ${r}.date, ${stateOf(r)} AS state`;
  const sql =
    limit === null
      ? // The whole list (scripts, the estimates): one pass over the devices and the month's readings.
        `WITH ${PERIOD_READINGS}
         SELECT ${columns('pr')}
           FROM devices d NOT INDEXED JOIN contracts k ON k.id = d.contract_id JOIN customers c ON c.id = k.customer_id
           LEFT JOIN period_readings pr ON pr.device_id = d.id
          WHERE ${conditions.join(' AND ')}
          ORDER BY ${order} LIMIT -1 OFFSET @offset`
      : // CROSS JOIN keeps SQLite from scanning the devices to probe the page: the page leads.
        `WITH ${needsState ? `${PERIOD_READINGS},` : ''}
         page AS (
           SELECT d.id, row_number() OVER (ORDER BY ${order}) AS n
             FROM customers c CROSS JOIN contracts k ON k.customer_id = c.id CROSS JOIN devices d ON d.contract_id = k.id
             ${needsState ? 'LEFT JOIN period_readings pr ON pr.device_id = d.id' : ''}
            WHERE ${conditions.join(' AND ')}
            ORDER BY ${order} LIMIT @limit OFFSET @offset)
         SELECT ${columns('r')}
           FROM page CROSS JOIN devices d ON d.id = page.id CROSS JOIN contracts k ON k.id = d.contract_id
                CROSS JOIN customers c ON c.id = k.customer_id
           LEFT JOIN readings r ON r.id = (SELECT id FROM readings WHERE device_id = page.id AND valid_to BETWEEN @from AND @to
                                            ORDER BY date DESC, id DESC LIMIT 1)
          ORDER BY page.n`;
  return db.all<PeriodListRow>(sql, {
    ...due.params,
    state: filter.state ?? null,
    ...(limit === null ? {} : { limit }),
    offset,
    ...(after
      ? { afterCustomer: after.customerNumber, afterContract: after.contractNumber, afterPosition: after.position, afterDevice: after.deviceId }
      : {}),
  });
}
