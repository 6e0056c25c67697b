import type {
  CounterKind,
  IsoDate,
  Reading,
  ReadingCounter,
  ReadingSource,
  ReadingStatus,
} from '../../shared/models';
import { COUNTER_KINDS } from '../../shared/models';
import type { ContractDeviceReadings } from '../../shared/rules/validity';
import type { Database } from '../database';

interface ReadingRow {
  id: number;
  device_id: number;
  date: string;
  status: ReadingStatus;
  valid_from: string;
  valid_to: string;
  source: ReadingSource;
  author: string;
  note: string;
  flagged: number;
  confirmed_by: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
  kind: CounterKind | null;
  old_value: number | null;
  new_value: number | null;
  extra_free: number | null;
  final_value: number | null;
  start_value: number | null;
  usage: number | null;
}

const READING_SELECT = `SELECT r.id, r.device_id, r.date, r.status, r.valid_from, r.valid_to,
  r.source, r.author, r.note, r.flagged, r.confirmed_by, r.revision, r.created_at, r.updated_at,
  rc.kind, rc.old_value, rc.new_value, rc.extra_free, rc.final_value, rc.start_value, rc.usage
  FROM readings r LEFT JOIN reading_counters rc ON rc.reading_id = r.id`;

function group(rows: ReadingRow[]): Reading[] {
  const readings = new Map<number, Reading>();
  for (const row of rows) {
    let reading = readings.get(row.id);
    if (!reading) {
      reading = {
        id: row.id,
        deviceId: row.device_id,
        date: row.date,
        status: row.status,
        validFrom: row.valid_from,
        validTo: row.valid_to,
        source: row.source,
        author: row.author,
        note: row.note,
        flagged: row.flagged === 1,
        confirmedBy: row.confirmed_by,
        revision: row.revision,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        counters: [],
      };
      readings.set(row.id, reading);
    }
    if (row.kind !== null) {
      reading.counters.push({
        kind: row.kind,
        old: row.old_value ?? 0,
        new: row.new_value ?? 0,
        extraFree: row.extra_free ?? 0,
        exchange:
          row.final_value === null || row.start_value === null
            ? null
            : { final: row.final_value, start: row.start_value },
        usage: row.usage ?? 0,
      });
    }
  }
  for (const reading of readings.values()) {
    reading.counters.sort((a, b) => COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind));
  }
  return [...readings.values()];
}

/** A device's readings in chain order (date, then entry order). */
export function listReadings(db: Database, deviceId: number): Reading[] {
  return group(
    db.all<ReadingRow>(`${READING_SELECT} WHERE r.device_id = ? ORDER BY r.date, r.id`, [deviceId]),
  );
}

export function getReading(db: Database, id: number): Reading | undefined {
  return group(db.all<ReadingRow>(`${READING_SELECT} WHERE r.id = ?`, [id]))[0];
}

/** Per device of the contract: its position and its readings that are not posted yet. */
export function unpostedReadingsOfContract(
  db: Database,
  contractId: number,
): ContractDeviceReadings[] {
  const devices = new Map<number, ContractDeviceReadings>();
  for (const row of db.all<{ id: number; position: string }>(
    'SELECT id, position FROM devices WHERE contract_id = ?',
    [contractId],
  )) {
    devices.set(row.id, { deviceId: row.id, position: row.position, readings: [] });
  }
  for (const row of db.all<{
    id: number;
    device_id: number;
    date: string;
    status: ReadingStatus;
    valid_from: string;
    valid_to: string;
  }>(
    `SELECT r.id, r.device_id, r.date, r.status, r.valid_from, r.valid_to
     FROM readings r JOIN devices d ON d.id = r.device_id
     WHERE d.contract_id = ? AND r.status <> '21'`,
    [contractId],
  )) {
    devices.get(row.device_id)?.readings.push({
      id: row.id,
      date: row.date,
      status: row.status,
      from: row.valid_from,
      to: row.valid_to,
    });
  }
  return [...devices.values()];
}

export interface ReadingRecord {
  deviceId: number;
  date: IsoDate;
  status: ReadingStatus;
  validFrom: IsoDate;
  validTo: IsoDate;
  source: ReadingSource;
  author: string;
  note: string;
  flagged: boolean;
  confirmedBy: string | null;
  counters: Array<Omit<ReadingCounter, 'usage'>>;
}

export function insertReading(db: Database, reading: ReadingRecord, now: string): number {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO readings (device_id, date, status, valid_from, valid_to, source, author, note, flagged, confirmed_by, created_at, updated_at)
     VALUES (@deviceId, @date, @status, @validFrom, @validTo, @source, @author, @note, @flagged, @confirmedBy, @now, @now)`,
    {
      deviceId: reading.deviceId,
      date: reading.date,
      status: reading.status,
      validFrom: reading.validFrom,
      validTo: reading.validTo,
      source: reading.source,
      author: reading.author,
      note: reading.note,
      flagged: reading.flagged,
      confirmedBy: reading.confirmedBy,
      now,
    },
  );
  for (const counter of reading.counters) {
    db.run(
      `INSERT INTO reading_counters (reading_id, kind, old_value, new_value, extra_free, final_value, start_value)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        counter.kind,
        counter.old,
        counter.new,
        counter.extraFree,
        counter.exchange?.final ?? null,
        counter.exchange?.start ?? null,
      ],
    );
  }
  return id;
}

/**
 * Rewrites a reading's fields and counters; bumps its revision. The author stays who entered
 * it: who changed it is in the audit trail.
 */
export function updateReading(
  db: Database,
  id: number,
  reading: Omit<ReadingRecord, 'deviceId' | 'status' | 'source' | 'author'>,
  now: string,
): void {
  db.run(
    `UPDATE readings SET date = @date, valid_from = @validFrom, valid_to = @validTo,
       note = @note, flagged = @flagged, confirmed_by = @confirmedBy,
       revision = revision + 1, updated_at = @now
     WHERE id = @id`,
    {
      id,
      date: reading.date,
      validFrom: reading.validFrom,
      validTo: reading.validTo,
      note: reading.note,
      flagged: reading.flagged,
      confirmedBy: reading.confirmedBy,
      now,
    },
  );
  for (const counter of reading.counters) {
    setCounterValues(db, id, counter);
  }
}

/** Old, new, extra free copies and the exchange in one statement, so the table's CHECKs see them together. */
export function setCounterValues(
  db: Database,
  readingId: number,
  counter: Omit<ReadingCounter, 'usage'>,
): void {
  db.run(
    `UPDATE reading_counters SET old_value = @old, new_value = @new, extra_free = @extraFree,
       final_value = @final, start_value = @start
     WHERE reading_id = @readingId AND kind = @kind`,
    {
      readingId,
      kind: counter.kind,
      old: counter.old,
      new: counter.new,
      extraFree: counter.extraFree,
      final: counter.exchange?.final ?? null,
      start: counter.exchange?.start ?? null,
    },
  );
}

export function bumpRevision(db: Database, id: number, now: string): void {
  db.run('UPDATE readings SET revision = revision + 1, updated_at = ? WHERE id = ?', [now, id]);
}

export function setValidFrom(db: Database, id: number, validFrom: IsoDate, now: string): void {
  db.run('UPDATE readings SET valid_from = ?, revision = revision + 1, updated_at = ? WHERE id = ?', [
    validFrom,
    now,
    id,
  ]);
}

/** Flags a reading for a clerk's look (*A vérifier*), dropping an earlier confirmation. */
export function flagReading(db: Database, id: number, now: string): void {
  db.run(
    `UPDATE readings SET flagged = 1, confirmed_by = NULL, revision = revision + 1, updated_at = ?
     WHERE id = ?`,
    [now, id],
  );
}

export function setReadingStatus(db: Database, id: number, status: ReadingStatus, now: string): void {
  db.run(
    'UPDATE readings SET status = ?, revision = revision + 1, updated_at = ? WHERE id = ?',
    [status, now, id],
  );
}

export function confirmReading(db: Database, id: number, by: string, now: string): void {
  db.run(
    `UPDATE readings SET flagged = 0, confirmed_by = ?, revision = revision + 1, updated_at = ?
     WHERE id = ?`,
    [by, now, id],
  );
}

export function deleteReading(db: Database, id: number): void {
  db.run('DELETE FROM readings WHERE id = ?', [id]);
}
