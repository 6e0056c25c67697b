import type {
  CounterKind,
  IsoDate,
  Reading,
  ReadingCounter,
  ReadingSource,
  ReadingStatus,
} from '../../shared/models';
import { COUNTER_KINDS } from '../../shared/models';
import { firstByPosition, type ContractDeviceReadings } from '../../shared/rules/validity';
import type { Database } from '../database';

/** A row of READING_SELECT: a reading's columns, then one of its counters' (null without one). */
type ReadingRow = [
  id: number,
  deviceId: number,
  date: string,
  status: ReadingStatus,
  validFrom: string,
  validTo: string,
  source: ReadingSource,
  author: string,
  note: string,
  flagged: number,
  confirmedBy: string | null,
  revision: number,
  createdAt: string,
  updatedAt: string,
  kind: CounterKind | null,
  old: number | null,
  new: number | null,
  extraFree: number | null,
  final: number | null,
  start: number | null,
  usage: number | null,
];

// Read with `Database.rows`, as arrays: a device's history is read on every save and dialog.
const READING_SELECT = `SELECT r.id, r.device_id, r.date, r.status, r.valid_from, r.valid_to,
  r.source, r.author, r.note, r.flagged, r.confirmed_by, r.revision, r.created_at, r.updated_at,
  rc.kind, rc.old_value, rc.new_value, rc.extra_free, rc.final_value, rc.start_value, rc.usage
  FROM readings r LEFT JOIN reading_counters rc ON rc.reading_id = r.id`;

function group(rows: ReadingRow[]): Reading[] {
  const readings = new Map<number, Reading>();
  for (const row of rows) {
    let reading = readings.get(row[0]);
    if (!reading) {
      reading = {
        id: row[0],
        deviceId: row[1],
        date: row[2],
        status: row[3],
        validFrom: row[4],
        validTo: row[5],
        source: row[6],
        author: row[7],
        note: row[8],
        flagged: row[9] === 1,
        confirmedBy: row[10],
        revision: row[11],
        createdAt: row[12],
        updatedAt: row[13],
        counters: [],
      };
      readings.set(row[0], reading);
    }
    const kind = row[14];
    if (kind !== null) {
      const final = row[18];
      const start = row[19];
      reading.counters.push({
        kind,
        old: row[15] ?? 0,
        new: row[16] ?? 0,
        extraFree: row[17] ?? 0,
        exchange: final === null || start === null ? null : { final, start },
        usage: row[20] ?? 0,
      });
    }
  }
  for (const reading of readings.values()) {
    if (reading.counters.length > 1) {
      reading.counters.sort((a, b) => COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind));
    }
  }
  return [...readings.values()];
}

/** A device's readings in chain order (date, then entry order). */
export function listReadings(db: Database, deviceId: number): Reading[] {
  return group(
    db.rows<ReadingRow>(`${READING_SELECT} WHERE r.device_id = ? ORDER BY r.date, r.id`, [deviceId]),
  );
}

/**
 * A device's readings dated `since` or later, in chain order, and whether that is all of them
 * (no reading before `since`): the tail of a long chain that the meter dialog's rules look at.
 */
export function listReadingsSince(
  db: Database,
  deviceId: number,
  since: IsoDate,
): { readings: Reading[]; complete: boolean } {
  const readings = group(
    db.rows<ReadingRow>(`${READING_SELECT} WHERE r.device_id = ? AND r.date >= ? ORDER BY r.date, r.id`, [
      deviceId,
      since,
    ]),
  );
  const earlier = db.get<{ id: number }>(
    'SELECT id FROM readings WHERE device_id = ? AND date < ? LIMIT 1',
    [deviceId, since],
  );
  return { readings, complete: earlier === undefined };
}

/**
 * For a new reading of a device, the few readings the meter dialog's rules read, in chain
 * order: the device's latest, and per counter its latest with that counter, its latest before
 * `windowStart` (the plausibility average's anchor: the average reads only that one and the
 * latest) — or, for a counter with no reading before the window, its first reading and the
 * one before that (whose date starts the counter's history) — and, when the latest is an
 * estimate and `truesUp`, its latest real one (the floor). The readings between them are left
 * out: no rule on a new reading looks at them (test/db/chain-tail.test.ts).
 */
export function readingsForNewReading(
  db: Database,
  deviceId: number,
  kinds: CounterKind[],
  windowStart: IsoDate,
  truesUp: boolean,
): Reading[] {
  const withKind = (kind: CounterKind, condition: string, order: 'ASC' | 'DESC', params: Array<string | number>) =>
    db.get<{ id: number; date: IsoDate; source: ReadingSource }>(
      `SELECT id, date, source FROM readings r WHERE device_id = ? ${condition}
         AND EXISTS (SELECT 1 FROM reading_counters WHERE reading_id = r.id AND kind = ?)
       ORDER BY date ${order}, id ${order} LIMIT 1`,
      [deviceId, ...params, kind],
    );
  const latest = db.get<{ id: number }>(
    'SELECT id FROM readings WHERE device_id = ? ORDER BY date DESC, id DESC LIMIT 1',
    [deviceId],
  );
  if (!latest) return [];
  const ids = new Set([latest.id]);
  for (const kind of kinds) {
    const last = withKind(kind, '', 'DESC', []);
    if (!last) continue;
    ids.add(last.id);
    const anchor = withKind(kind, 'AND date < ?', 'DESC', [windowStart]);
    if (anchor) ids.add(anchor.id);
    else {
      const first = withKind(kind, '', 'ASC', [])!;
      ids.add(first.id);
      const before = db.get<{ id: number }>(
        `SELECT id FROM readings WHERE device_id = ? AND (date < ? OR (date = ? AND id < ?))
         ORDER BY date DESC, id DESC LIMIT 1`,
        [deviceId, first.date, first.date, first.id],
      );
      if (before) ids.add(before.id);
    }
    if (truesUp && last.source === 'estimate') {
      const real = withKind(kind, "AND source <> 'estimate'", 'DESC', []);
      if (real) ids.add(real.id);
    }
  }
  return group(
    db.rows<ReadingRow>(
      `${READING_SELECT} WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.date, r.id`,
      [JSON.stringify([...ids])],
    ),
  );
}

/**
 * `readingsForNewReading` for many devices at once (the meter import: some 20,000 in a file),
 * in two statements instead of five or six per device; the same readings. A device whose
 * counter has no reading before the window, or whose latest with a counter is an estimate
 * (when `truesUp`), takes the one-device way: few do.
 */
export function readingsForNewReadings(
  db: Database,
  devices: ReadonlyArray<{ id: number; kinds: readonly CounterKind[] }>,
  windowStart: IsoDate,
  truesUp: boolean,
): Map<number, Reading[]> {
  const chains = new Map<number, Reading[]>();
  if (devices.length === 0) return chains;
  const pairs = devices.flatMap((device) => device.kinds.map((kind) => [device.id, kind]));
  const withKind = (condition: string) =>
    `(SELECT r.id FROM readings r WHERE r.device_id = p.value ->> 0 ${condition}
        AND EXISTS (SELECT 1 FROM reading_counters WHERE reading_id = r.id AND kind = p.value ->> 1)
      ORDER BY r.date DESC, r.id DESC LIMIT 1)`;
  const found = db.rows<[deviceId: number, latest: number | null, last: number | null, anchor: number | null]>(
    `SELECT p.value ->> 0,
            (SELECT id FROM readings WHERE device_id = p.value ->> 0 ORDER BY date DESC, id DESC LIMIT 1),
            ${withKind('')}, ${withKind('AND r.date < ?')}
       FROM json_each(?) p`,
    [windowStart, JSON.stringify(pairs)],
  );
  const ids = new Map<number, Set<number>>();
  /** Each device's latest reading with each of its counters (an estimate calls for the floor). */
  const lasts = new Map<number, number[]>();
  const oneByOne = new Set<number>();
  for (const [deviceId, latest, last, anchor] of found) {
    if (latest === null) continue;
    let set = ids.get(deviceId);
    if (!set) ids.set(deviceId, (set = new Set([latest])));
    if (last === null) continue;
    set.add(last);
    if (anchor === null) oneByOne.add(deviceId);
    else set.add(anchor);
    const known = lasts.get(deviceId);
    if (known) known.push(last);
    else lasts.set(deviceId, [last]);
  }
  const wanted: number[] = [];
  for (const [deviceId, set] of ids) if (!oneByOne.has(deviceId)) wanted.push(...set);
  const rows = db.rows<ReadingRow>(
    `${READING_SELECT} WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.device_id, r.date, r.id`,
    [JSON.stringify(wanted)],
  );
  for (let start = 0; start < rows.length; ) {
    const deviceId = rows[start]![1];
    let end = start;
    while (end < rows.length && rows[end]![1] === deviceId) end++;
    chains.set(deviceId, group(rows.slice(start, end)));
    start = end;
  }
  for (const device of devices) {
    const chain = chains.get(device.id);
    const estimated =
      truesUp && chain !== undefined && (lasts.get(device.id) ?? []).some((id) => chain.find((r) => r.id === id)?.source === 'estimate');
    if (oneByOne.has(device.id) || estimated) {
      chains.set(device.id, readingsForNewReading(db, device.id, [...device.kinds], windowStart, truesUp));
    } else if (!chain) {
      chains.set(device.id, []);
    }
  }
  return chains;
}

/** A device's readings of one day, in chain order. */
export function readingsOnDay(db: Database, deviceId: number, date: IsoDate): Reading[] {
  return group(
    db.rows<ReadingRow>(`${READING_SELECT} WHERE r.device_id = ? AND r.date = ? ORDER BY r.id`, [
      deviceId,
      date,
    ]),
  );
}

export function getReading(db: Database, id: number): Reading | undefined {
  return group(db.rows<ReadingRow>(`${READING_SELECT} WHERE r.id = ?`, [id]))[0];
}

/**
 * The devices of a contract with their positions, and the unposted readings of the first of
 * them — all that the validity lock (`findValidityLock`) looks at: the others' readings stay
 * empty, so a contract of many devices costs one device's readings (index readings_unposted).
 */
export function unpostedReadingsOfContract(
  db: Database,
  contractId: number,
): ContractDeviceReadings[] {
  const devices = db
    // The first device in service: one taken out of service no longer sets the others' period
    // (its final reading ends the day it left; the rest of the month is theirs).
    .all<{ id: number; position: string }>('SELECT id, position FROM devices WHERE contract_id = ? AND out_of_service IS NULL', [
      contractId,
    ])
    .map((row): ContractDeviceReadings => ({ deviceId: row.id, position: row.position, readings: [] }));
  const first = firstByPosition(devices);
  if (!first) return devices;
  for (const row of db.all<{
    id: number;
    date: string;
    status: ReadingStatus;
    valid_from: string;
    valid_to: string;
  }>(
    `SELECT id, date, status, valid_from, valid_to FROM readings
     WHERE device_id = ? AND status <> '21' ORDER BY date, id`,
    [first.deviceId],
  )) {
    first.readings.push({
      id: row.id,
      date: row.date,
      status: row.status,
      from: row.valid_from,
      to: row.valid_to,
    });
  }
  return devices;
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
  // Positional: the import writes tens of thousands in a row, and named parameters are
  // copied into a new object per call (`normalise`).
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO readings (device_id, date, status, valid_from, valid_to, source, author, note, flagged, confirmed_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      reading.deviceId,
      reading.date,
      reading.status,
      reading.validFrom,
      reading.validTo,
      reading.source,
      reading.author,
      reading.note,
      reading.flagged ? 1 : 0,
      reading.confirmedBy,
      now,
      now,
    ],
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

export function setValidity(db: Database, id: number, validity: { from: IsoDate; to: IsoDate }, now: string): void {
  db.run('UPDATE readings SET valid_from = ?, valid_to = ?, revision = revision + 1, updated_at = ? WHERE id = ?', [
    validity.from,
    validity.to,
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

/** Where a reading's values come from now (a clerk's reading corrected with a customer's web values). */
export function setReadingSource(db: Database, id: number, source: ReadingSource, now: string): void {
  db.run('UPDATE readings SET source = ?, revision = revision + 1, updated_at = ? WHERE id = ?', [source, now, id]);
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

/** A clerk's confirmation withdrawn: what it judged (the usage) has changed. */
export function unconfirmReading(db: Database, id: number): void {
  db.run('UPDATE readings SET confirmed_by = NULL WHERE id = ?', [id]);
}

export function deleteReading(db: Database, id: number): void {
  db.run('DELETE FROM readings WHERE id = ?', [id]);
}
