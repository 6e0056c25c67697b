/** Contracts and their terms over time (issue 7). */
import { COUNTER_KINDS, type ContractTermChange, type CounterKind, type IsoDate } from '../../shared/models';
import type { TermInput } from '../../shared/rules/master-data';
import type { Database } from '../database';

export function getContractIdByNumber(db: Database, number: string): number | undefined {
  return db.get<{ id: number }>('SELECT id FROM contracts WHERE number = ?', [number])?.id;
}

export function getContractNumber(db: Database, id: number): string | undefined {
  return db.get<{ number: string }>('SELECT number FROM contracts WHERE id = ?', [id])?.number;
}

/**
 * The day a device's contract starts for it: the contract's start, or the day the device was
 * moved into it if later (`firstValidFrom`: no validity of the device begins before it).
 */
export function contractStartFor(db: Database, device: { id: number; contractId: number }): IsoDate | null {
  return (
    db.get<{ start: IsoDate }>(
      `SELECT max(c.start_date, coalesce((SELECT max(valid_from) FROM device_contracts WHERE device_id = ? AND contract_id = c.id), c.start_date)) AS start
         FROM contracts c WHERE c.id = ?`,
      [device.id, device.contractId],
    )?.start ?? null
  );
}

export function termHistory(db: Database, contractId: number): ContractTermChange[] {
  return db
    .all<{ kind: CounterKind; valid_from: string; free_per_month: number; price_per_page: number }>(
      `SELECT kind, valid_from, free_per_month, price_per_page FROM contract_terms
       WHERE contract_id = ? ORDER BY valid_from, kind`,
      [contractId],
    )
    .map((row) => ({
      kind: row.kind,
      validFrom: row.valid_from,
      freePerMonth: row.free_per_month,
      pricePerPage: row.price_per_page,
    }))
    .sort((a, b) => a.validFrom.localeCompare(b.validFrom) || COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind));
}

/** The end of the latest billed (11) or posted (21) validity of any device of the contract. */
export function billedUntil(db: Database, contractId: number): IsoDate | null {
  return (
    db.get<{ until: string | null }>(
      `SELECT max(r.valid_to) AS until FROM readings r JOIN devices d ON d.id = r.device_id
       WHERE d.contract_id = ? AND r.status IN ('11', '21')`,
      [contractId],
    )?.until ?? null
  );
}

/**
 * The first day a reading of the contract holds (its devices' readings from the day each came
 * under it, device_contracts), or null: the contract cannot start after it.
 */
export function firstReadingDay(db: Database, contractId: number): IsoDate | null {
  return (
    db.get<{ first: string | null }>(
      `SELECT min(r.valid_from) AS first FROM device_contracts dc
         JOIN readings r ON r.device_id = dc.device_id AND r.valid_to >= dc.valid_from
        WHERE dc.contract_id = ?
          AND NOT EXISTS (SELECT 1 FROM device_contracts later WHERE later.device_id = dc.device_id
                           AND later.valid_from > dc.valid_from AND later.valid_from <= r.valid_to)`,
      [contractId],
    )?.first ?? null
  );
}

export interface ContractFields {
  number: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  intervalMonths: number;
  startMonth: number;
}

export function updateContract(db: Database, id: number, contract: ContractFields, now: string): void {
  db.run(
    `UPDATE contracts SET number = @number, start_date = @startDate, end_date = @endDate,
       interval_months = @intervalMonths, start_month = @startMonth,
       revision = revision + 1, updated_at = @now
     WHERE id = @id`,
    { id, ...contract, now },
  );
}

/** Terms from `validFrom` on: replaces a change already made on that very day. */
export function setTerms(db: Database, contractId: number, validFrom: IsoDate, terms: TermInput[]): void {
  for (const term of terms) {
    db.run(
      `INSERT INTO contract_terms (contract_id, kind, valid_from, free_per_month, price_per_page)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (contract_id, kind, valid_from) DO UPDATE SET
         free_per_month = excluded.free_per_month, price_per_page = excluded.price_per_page`,
      [contractId, term.kind, validFrom, term.freePerMonth, term.pricePerPage],
    );
  }
}

/** Keeps the first terms at the contract's start when its start date moves. */
export function moveFirstTerms(db: Database, contractId: number, from: IsoDate, to: IsoDate): void {
  db.run('UPDATE contract_terms SET valid_from = ? WHERE contract_id = ? AND valid_from = ?', [to, contractId, from]);
}
