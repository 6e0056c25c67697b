/** The print billing's tables: candidates, runs, their contracts, lines and readings. */
import type { Database } from '../database';
import type { NotBilledDevice, StatementReading } from '../../shared/api';
import { COUNTER_KINDS, type CounterKind, type IsoDate, type Micros } from '../../shared/models';
import type { BilledLine } from '../../shared/rules/billing';

export interface BillingCandidate {
  readingId: number;
  deviceId: number;
  equipmentId: string;
  contractId: number;
  validFrom: IsoDate;
  validTo: IsoDate;
  flagged: boolean;
}

/**
 * Recorded (01) readings whose validity ends by `until`: the period's, and any left over from
 * earlier periods. Each under the contract its device belonged to at the validity's end.
 */
export function billingCandidates(db: Database, until: IsoDate): BillingCandidate[] {
  return db
    .all<Omit<BillingCandidate, 'flagged'> & { flagged: number }>(
      `SELECT r.id AS readingId, r.device_id AS deviceId, d.equipment_id AS equipmentId,
              (SELECT dc.contract_id FROM device_contracts dc WHERE dc.device_id = r.device_id AND dc.valid_from <= r.valid_to
                ORDER BY dc.valid_from DESC LIMIT 1) AS contractId,
              r.valid_from AS validFrom, r.valid_to AS validTo, r.flagged
         FROM readings r JOIN devices d ON d.id = r.device_id
        WHERE r.status = '01' AND r.valid_to <= ?
        ORDER BY r.valid_to, r.id`,
      [until],
    )
    .map((row) => ({ ...row, contractId: row.contractId ?? 0, flagged: row.flagged === 1 }));
}

export function usageByKind(db: Database, readingIds: number[]): Map<CounterKind, number> {
  const rows = db.all<{ kind: CounterKind; usage: number }>(
    `SELECT kind, sum(usage) AS usage FROM reading_counters WHERE reading_id IN (SELECT value FROM json_each(?)) GROUP BY kind`,
    [JSON.stringify(readingIds)],
  );
  return new Map(rows.map((row) => [row.kind, row.usage]));
}

export function insertRun(db: Database, run: { period: string; total: Micros; by: string }, now: string): number {
  return db.run(
    `INSERT INTO billing_runs (period, state, total, created_at, created_by) VALUES (?, 'billed', ?, ?, ?)`,
    [run.period, run.total, now, run.by],
  ).lastInsertRowid;
}

export function insertRunContract(
  db: Database,
  runId: number,
  contract: { contractId: number; validFrom: IsoDate; validTo: IsoDate; total: Micros; totalRounded: Micros },
): void {
  db.run(
    `INSERT INTO billing_contracts (run_id, contract_id, valid_from, valid_to, total, total_rounded)
     VALUES (@runId, @contractId, @validFrom, @validTo, @total, @totalRounded)`,
    { runId, ...contract },
  );
}

export function insertRunLine(
  db: Database,
  runId: number,
  contractId: number,
  line: { kind: CounterKind; usage: number; freeCopies: number; billable: number; pricePerPage: Micros; amount: Micros },
): void {
  db.run(
    `INSERT INTO billing_lines (run_id, contract_id, kind, usage, free_copies, billable, price_per_page, amount)
     VALUES (@runId, @contractId, @kind, @usage, @freeCopies, @billable, @pricePerPage, @amount)`,
    { runId, contractId, ...line },
  );
}

export function insertRunReading(db: Database, runId: number, contractId: number, readingId: number): void {
  db.run('INSERT INTO billing_readings (reading_id, run_id, contract_id) VALUES (?, ?, ?)', [readingId, runId, contractId]);
}

export function runReadings(db: Database, runId: number): number[] {
  return db.all<{ reading_id: number }>('SELECT reading_id FROM billing_readings WHERE run_id = ? ORDER BY reading_id', [runId]).map((r) => r.reading_id);
}

export function releaseRunReadings(db: Database, runId: number): void {
  db.run('DELETE FROM billing_readings WHERE run_id = ?', [runId]);
}

export type RunState = 'billed' | 'posted' | 'cancelled';

export interface RunRow {
  id: number;
  period: string;
  state: RunState;
  total: Micros;
  createdAt: string;
  createdBy: string;
  postedAt: string | null;
  cancelledAt: string | null;
}

const RUN_SELECT = `SELECT id, period, state, total, created_at AS createdAt, created_by AS createdBy, posted_at AS postedAt,
  cancelled_at AS cancelledAt FROM billing_runs`;

export function getRun(db: Database, id: number): RunRow | undefined {
  return db.get<RunRow>(`${RUN_SELECT} WHERE id = ?`, [id]);
}

export function runsOfPeriod(db: Database, period: string): RunRow[] {
  return db.all<RunRow>(`${RUN_SELECT} WHERE period = ? ORDER BY id`, [period]);
}

export function setRunState(db: Database, id: number, state: 'posted' | 'cancelled', by: string, now: string): void {
  const column = state === 'posted' ? 'posted' : 'cancelled';
  db.run(`UPDATE billing_runs SET state = ?, ${column}_at = ?, ${column}_by = ? WHERE id = ?`, [state, now, by, id]);
}

export interface RunContractRow {
  contractId: number;
  validFrom: IsoDate;
  validTo: IsoDate;
  total: Micros;
  totalRounded: Micros;
  lines: Array<{ kind: CounterKind; usage: number; freeCopies: number; billable: number; pricePerPage: Micros; amount: Micros }>;
}

export function runContracts(db: Database, runId: number): RunContractRow[] {
  const contracts = db.all<Omit<RunContractRow, 'lines'>>(
    `SELECT contract_id AS contractId, valid_from AS validFrom, valid_to AS validTo, total, total_rounded AS totalRounded
       FROM billing_contracts WHERE run_id = ? ORDER BY contract_id`,
    [runId],
  );
  return contracts.map((contract) => ({
    ...contract,
    lines: db.all(
      `SELECT kind, usage, free_copies AS freeCopies, billable, price_per_page AS pricePerPage, amount
         FROM billing_lines WHERE run_id = ? AND contract_id = ?
        ORDER BY CASE kind WHEN 'black' THEN 1 WHEN 'scan' THEN 2 WHEN 'color' THEN 3 WHEN 'free1' THEN 4 ELSE 5 END`,
      [runId, contract.contractId],
    ),
  }));
}

/** A counter kind's line of a contract in a run that stands (billed or posted), with its validity. */
export type EarlierLine = BilledLine & { kind: CounterKind };

/**
 * The lines of `contractId` in the runs that stand (not cancelled) whose validity overlaps
 * `from`–`to`: the free copies they used are not granted again (a late reading of a month
 * already billed).
 */
export function earlierLines(db: Database, contractId: number, from: IsoDate, to: IsoDate): EarlierLine[] {
  return db.all<EarlierLine>(
    `SELECT l.kind, c.valid_from AS validFrom, c.valid_to AS validTo, l.usage, l.billable
       FROM billing_contracts c
       JOIN billing_runs r ON r.id = c.run_id AND r.state <> 'cancelled'
       JOIN billing_lines l ON l.run_id = c.run_id AND l.contract_id = c.contract_id
      WHERE c.contract_id = ? AND c.valid_from <= ? AND c.valid_to >= ?
      ORDER BY c.run_id`,
    [contractId, to, from],
  );
}

/** The estimated readings among `readingIds`: a statement names them. */
export function estimatesAmong(
  db: Database,
  readingIds: number[],
): Array<{ readingId: number; equipmentId: string; date: IsoDate }> {
  return db.all(
    `SELECT r.id AS readingId, d.equipment_id AS equipmentId, r.date
       FROM readings r JOIN devices d ON d.id = r.device_id
      WHERE r.source = 'estimate' AND r.id IN (SELECT value FROM json_each(?))
      ORDER BY d.equipment_id, r.date`,
    [JSON.stringify(readingIds)],
  );
}

/**
 * The contract's devices in service during `validFrom`–`validTo` that none of `readingIds`
 * is of: on the statement, named as coming with a later one (a reading held to check, or none
 * yet), so that the customer does not take the bill for the whole fleet. A device billed for
 * that period by an earlier run (`beforeRun`; left out: any run) is not named: it came.
 */
export function devicesNotBilled(
  db: Database,
  contractId: number,
  readingIds: number[],
  validFrom: IsoDate,
  validTo: IsoDate,
  beforeRun?: number,
): NotBilledDevice[] {
  return db.all<NotBilledDevice>(
    `SELECT d.equipment_id AS equipmentId, d.position, d.model, d.location
       FROM devices d
      WHERE d.contract_id = @contractId AND d.install_date <= @validTo AND (d.out_of_service IS NULL OR d.out_of_service >= @validFrom)
        AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.device_id = d.id AND r.id IN (SELECT value FROM json_each(@ids)))
        AND NOT EXISTS (SELECT 1 FROM readings r JOIN billing_readings b ON b.reading_id = r.id
                         WHERE r.device_id = d.id AND b.run_id < @beforeRun AND r.valid_to >= @validFrom AND r.valid_from <= @validTo)
      ORDER BY d.position, d.equipment_id`,
    { contractId, validFrom, validTo, ids: JSON.stringify(readingIds), beforeRun: beforeRun ?? Number.MAX_SAFE_INTEGER },
  );
}

/** The billed readings with their devices and counters, for the statements (in contract and position order per device). */
export function statementReadings(db: Database, readingIds: number[]): StatementReading[] {
  const rows = db.all<Omit<StatementReading, 'counters'> & { counters: string }>(
    `SELECT r.id AS readingId, d.equipment_id AS equipmentId, d.position, d.model, d.location, r.date, r.source,
            (SELECT json_group_array(json_object('kind', rc.kind, 'old', rc.old_value, 'new', rc.new_value, 'extraFree', rc.extra_free, 'usage', rc.usage,
                      'exchange', CASE WHEN rc.final_value IS NULL THEN NULL ELSE json_object('final', rc.final_value, 'start', rc.start_value) END))
               FROM reading_counters rc WHERE rc.reading_id = r.id) AS counters
       FROM readings r JOIN devices d ON d.id = r.device_id
      WHERE r.id IN (SELECT value FROM json_each(?))
      ORDER BY d.position, d.equipment_id, r.date, r.id`,
    [JSON.stringify(readingIds)],
  );
  const order = (kind: CounterKind) => COUNTER_KINDS.indexOf(kind);
  return rows.map((row) => ({
    ...row,
    counters: (JSON.parse(row.counters) as StatementReading['counters']).sort((a, b) => order(a.kind) - order(b.kind)),
  }));
}
