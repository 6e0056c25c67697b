/**
 * The meter import (issue 5): readings from fleet-management exports. Rows are grouped into
 * one reading per device and day; each reading is judged by the meter dialog's rules before
 * anything of it is written, so a refused one is listed with its reasons and leaves nothing
 * behind while the others go in, all in one transaction. The same file twice adds nothing:
 * a reading of that device and day with the same values is "unchanged".
 */
import type { Database } from '../../../db/database';
import { contractStartFor } from '../../../db/queries/contracts';
import { getMapping, saveMapping } from '../../../db/queries/import-mappings';
import { getDeviceByEquipmentId, getDevicesByEquipmentIds } from '../../../db/queries/master-data';
import { readingsOnDay, unpostedReadingsOfContract } from '../../../db/queries/readings';
import type { ReadingImportReport, ReadingImportRow } from '../../../shared/api';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { parseCounter } from '../../../shared/format';
import type { ColumnMapping } from '../../../shared/import/master-fields';
import {
  autoReadingMapping,
  detectDateOrder,
  kindOf,
  missingReadingColumns,
  parseImportDate,
} from '../../../shared/import/reading-fields';
import { COUNTER_KINDS, type CounterKind, type Device, type IsoDate } from '../../../shared/models';
import { estimateCovers } from '../../../shared/rules/estimate';
import { normaliseEquipmentId } from '../../../shared/rules/master-data';
import { comparePositions, findValidityLock, firstByPosition, periodEndFor, type ContractDeviceReadings } from '../../../shared/rules/validity';
import { settingsOf, timestamp, today, type CoreContext } from '../context';
import { loadChainsForNew, saveNextReading } from '../handlers/readings';
import { mappingFor, readUpload, rowsAt, type Table } from './read-table';

export interface ReadingImportArgs {
  fileName: string;
  content: string;
  source?: string;
  mapping?: ColumnMapping;
}

class Rollback extends Error {}

/** 3100001, as fleet tools write an equipment ID without its dots: 3.100.001 (`normaliseEquipmentId`). */
function withDots(key: string): string | null {
  const dotted = normaliseEquipmentId(key);
  return dotted !== key ? dotted : null;
}

/**
 * The device a file's row names: by equipment ID (also without its dots), else by serial
 * number. The file's equipment IDs are looked up all at once, up front.
 */
function deviceFinder(db: Database, keys: Iterable<string>) {
  const candidates = new Set<string>();
  for (const key of keys) {
    candidates.add(key);
    const dotted = withDots(key);
    if (dotted) candidates.add(dotted);
  }
  const known = getDevicesByEquipmentIds(db, [...candidates]);
  const cache = new Map<string, Device | null>();
  return (key: string): Device | null => {
    if (cache.has(key)) return cache.get(key)!;
    const dotted = withDots(key);
    let device = known.get(key) ?? (dotted !== null ? known.get(dotted) : undefined) ?? null;
    if (!device) {
      const bySerial = db.all<{ equipment_id: string }>('SELECT equipment_id FROM devices WHERE serial_number = ?', [key]);
      if (bySerial.length === 1) device = getDeviceByEquipmentId(db, bySerial[0]!.equipment_id) ?? null;
    }
    cache.set(key, device);
    return device;
  };
}

interface Group {
  device: Device;
  date: IsoDate;
  lines: number[];
  values: Map<CounterKind, number>;
  issues: FieldIssue[];
}

/** A row's cell by field, through the mapping: each field's column is looked up once per file. */
function cellReader(table: Table, mapping: ColumnMapping): (row: string[], field: string) => string {
  const places = new Map<string, number>();
  for (const [field, header] of Object.entries(mapping)) {
    if (header !== undefined) places.set(field, table.headers.indexOf(header));
  }
  return (row, field) => {
    const place = places.get(field);
    return place === undefined ? '' : (row[place] ?? '').trim();
  };
}

function issuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) throw error;
  return error.refusal();
}

export async function importReadings(core: CoreContext, args: ReadingImportArgs, commit: boolean): Promise<ReadingImportReport> {
  const table = await readUpload(args.fileName, args.content);
  const saved = args.source ? getMapping(core.db, args.source, 'readings') : undefined;
  const mapping = mappingFor(table, args.mapping, saved, () => autoReadingMapping(table.headers));
  const missingColumns = missingReadingColumns(mapping);
  const cell = cellReader(table, mapping);
  const dateOrder = detectDateOrder(table.rows.map((row) => cell(row, 'date')));
  const rows: ReadingImportRow[] = [];
  const wideKinds = COUNTER_KINDS.filter((kind) => mapping[`value.${kind}`] !== undefined);

  if (missingColumns.length === 0) {
    const keys = table.rows.map((row) => cell(row, 'equipmentId') || cell(row, 'serialNumber'));
    const find = deviceFinder(core.db, new Set(keys));
    const groups = new Map<string, Group>();
    table.rows.forEach((row, index) => {
      const line = index + 2;
      if (row.every((value) => value.trim() === '')) return;
      const key = keys[index]!;
      const dateText = cell(row, 'date');
      const issues: FieldIssue[] = [];
      const device = key ? find(key) : null;
      if (!device) issues.push({ field: 'equipmentId', code: 'unknown-device', params: { value: key || '—' } });
      const date = parseImportDate(dateText, dateOrder);
      if (!date) issues.push({ field: 'date', code: 'date-invalid', params: { value: dateText } });
      const values: Array<[CounterKind, string]> = wideKinds.length > 0
        ? wideKinds.map((kind) => [kind, cell(row, `value.${kind}`)] as [CounterKind, string]).filter(([, text]) => text !== '')
        : [[kindOf(cell(row, 'kind')) ?? ('' as CounterKind), cell(row, 'value')]];
      const parsed = new Map<CounterKind, number>();
      for (const [kind, text] of values) {
        if (!kind) {
          issues.push({ field: 'kind', code: 'unknown-counter', params: { value: cell(row, 'kind') } });
          continue;
        }
        const number = parseCounter(text);
        if (number.ok) parsed.set(kind, number.value);
        else issues.push({ field: `${kind}.new`, code: number.code });
      }
      if (issues.length > 0 || !device || !date) {
        rows.push({ lines: [line], equipmentId: device?.equipmentId ?? key, date, counters: [], action: 'error', issues });
        return;
      }
      const groupKey = `${device.id}|${date}`;
      let group = groups.get(groupKey);
      if (!group) {
        group = { device, date, lines: [], values: new Map(), issues: [] };
        groups.set(groupKey, group);
      }
      group.lines.push(line);
      for (const [kind, value] of parsed) {
        const before = group.values.get(kind);
        if (before !== undefined && before !== value) {
          group.issues.push({ field: `${kind}.new`, code: 'duplicate-row', params: { line: String(group.lines[0]) } });
        }
        group.values.set(kind, value);
      }
    });

    // Day by day, and within a contract its first device first: a file of several months for a
    // whole contract then gets the validities the clerk would enter month by month (the first
    // device's reading of a month sets the lock for the others' of that month).
    // Positions ranked once (a file has a few dozen): the collator per comparison cost the sort a tenth of a second.
    const positions = [...new Set([...groups.values()].map((group) => group.device.position))].sort(comparePositions);
    const rank = new Map(positions.map((position, index) => [position, index]));
    const ordered = [...groups.values()].sort(
      (a, b) =>
        (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
        a.device.contractId - b.device.contractId ||
        rank.get(a.device.position)! - rank.get(b.device.position)! ||
        a.device.id - b.device.id,
    );
    const importer: CoreContext = { ...core, author: args.source ? `import ${args.source}` : core.author };
    const settings = settingsOf(core);
    const todayDate = today(core, settings);
    // Each contract's first device (the lock comes from its unposted readings) is read once;
    // what is saved of it is added to it, and every reading to its device's chain.
    const firsts = new Map<number, ContractDeviceReadings | null>();
    try {
      core.db.transaction(() => {
        // The chain of every device with a reading to judge, all at once.
        const due = new Map<number, Device>();
        for (const group of ordered) if (group.issues.length === 0) due.set(group.device.id, group.device);
        const chains = loadChainsForNew(core, settings, [...due.values()], 'import');
        for (const group of ordered) {
          const result: ReadingImportRow = {
            lines: group.lines,
            equipmentId: group.device.equipmentId,
            date: group.date,
            counters: [...group.values].map(([kind, value]) => ({ kind, value })),
            action: 'create',
            issues: group.issues,
          };
          rows.push(result);
          if (group.issues.length > 0) {
            result.action = 'error';
            continue;
          }
          const { device } = group;
          const chain = chains.get(device.id)!;
          // A reading of that day can only be there if the device's latest is not older. An
          // unbilled estimate of the month takes the file's values instead (`estimateCovers`).
          const latest = chain.at(-1);
          const sameDay =
            !estimateCovers(latest, group.date, settings.cutoffDay) && latest && latest.date >= group.date ? readingsOnDay(core.db, device.id, group.date)[0] : undefined;
          if (sameDay) {
            const same = sameDay.counters.every((counter) => group.values.get(counter.kind) === counter.new) && sameDay.counters.length === group.values.size;
            result.action = same ? 'unchanged' : 'error';
            if (!same) result.issues = [{ field: 'reading', code: 'reading-differs' }];
            continue;
          }
          let first = firsts.get(device.contractId);
          if (first === undefined) {
            first = firstByPosition(unpostedReadingsOfContract(core.db, device.contractId)) ?? null;
            firsts.set(device.contractId, first);
          }
          // Where a first reading's validity may begin: read only for a device without readings.
          const contractStart = chain.length === 0 ? contractStartFor(core.db, device) : null;
          const state = { chain, lock: first && findValidityLock([first], device.id), contractStart, today: todayDate, settings, device };
          try {
            // No savepoint of its own: a refused reading is refused before anything is written.
            const saved = saveNextReading(importer, state, group.date, group.values, { source: 'import' });
            // The values went into the estimate (the same reading, now real) — or they are a
            // second reading of a month already covered (the dialog's notice): it counts only
            // from after that month, which the clerk should know before billing it.
            if (latest && saved.id === latest.id) {
              result.notices = [{ field: 'reading', code: 'estimate-replaced', params: { estimate: latest.date } }];
            } else if (latest && periodEndFor(group.date, settings.cutoffDay) <= latest.validTo) {
              const params = { previous: latest.date, to: latest.validTo, from: saved.validFrom };
              result.notices = [{ field: 'date', code: 'period-covered', params }];
            }
            // Far above the usual (the dialog's plausibility rule): saved to check, held from billing.
            if (saved.flagged) result.notices = [...(result.notices ?? []), { field: 'reading', code: 'import-flagged' }];
            // The contract's first device sets the validity of the others' readings (the OBS lock).
            if (first?.deviceId === device.id) {
              const entry = { id: saved.id, date: saved.date, status: saved.status, from: saved.validFrom, to: saved.validTo };
              const at = first.readings.findIndex((reading) => reading.id === saved.id);
              if (at >= 0) first.readings[at] = entry;
              else first.readings.push(entry);
            }
          } catch (error) {
            result.action = 'error';
            result.issues = issuesOf(error);
          }
        }
        if (!commit) throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
  }
  rows.sort((a, b) => (a.lines[0] ?? 0) - (b.lines[0] ?? 0));
  const counts = { create: 0, unchanged: 0, error: 0 };
  for (const row of rows) counts[row.action] += 1;
  const committed = commit && missingColumns.length === 0;
  if (committed && args.source) saveMapping(core.db, args.source, 'readings', mapping, timestamp(core));
  return {
    source: args.source ?? null,
    encoding: table.encoding,
    delimiter: table.delimiter,
    headers: table.headers,
    errorListRows: rowsAt(table, rows.filter((row) => row.action === 'error').flatMap((row) => row.lines)),
    mapping,
    missingColumns,
    dateOrder,
    rows,
    counts,
    committed,
  };
}
