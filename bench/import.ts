/**
 * Issue 6, row 4: the meter import of a 100,000-row CSV into the dealer-scale database, in rows
 * per second, beside a bare prepared-statement insert loop of the same readings.
 *
 * The file is what a fleet-management tool exports for the three months after the generated
 * data ends (December to February): one row per device, day and counter ("Geräte-ID;Datum;
 * Zähler;Stand", dates dd.mm.yyyy), for the devices in service of whole contracts until
 * 100,000 rows, in the order of the devices' equipment IDs. It goes through the core API's `import-readings-run` as
 * the UI and the CLI send it: parsed, detected, every reading judged by the meter dialog's
 * rules and written with its audit entry, in one transaction. The core's clock stands at the
 * end of February so the readings are not in the future.
 *
 * The baseline writes the readings the import wrote (read back, then taken out again) with
 * two prepared statements in a loop, one transaction, on a connection of its own: no parsing,
 * no rules, no audit trail. Each side runs twice; the better run counts. Every reading written
 * here is taken out again, so the dealer stays as generated.
 *
 *   npm run bench -- --only import
 */
import BetterSqlite3 from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { openCore } from '../src-main/node-main';
import type { BenchContext } from './context';
import { BENCH_AUTHOR, removeBenchReadings } from './core';
import type { BenchRow } from './table';

const ROWS = 100_000;
const DATES: Array<[iso: string, text: string]> = [
  ['2026-12-28', '28.12.2026'],
  ['2027-01-28', '28.01.2027'],
  ['2027-02-25', '25.02.2027'],
];
const CLOCK = new Date('2027-02-26T09:00:00Z');
const KIND_NAMES: Record<string, string> = { black: 'Schwarz', color: 'Farbe', scan: 'Scan', free1: 'Frei1', free2: 'Frei2' };

interface Written {
  device_id: number;
  date: string;
  status: string;
  valid_from: string;
  valid_to: string;
  source: string;
  flagged: number;
  created_at: string;
  counters: string;
}

/**
 * The CSV text: the devices' current counters plus a monthly usage, three months in a row,
 * for whole contracts (a contract's first device sets its others' validity) until 100,000 rows.
 */
export function exportFile(ctx: BenchContext): { text: string; rows: number } {
  const devices = ctx.core.db.all<{ id: number; contract_id: number; equipment_id: string; kinds: string; values_: string }>(
    `SELECT d.id, d.contract_id, d.equipment_id, group_concat(rc.kind) AS kinds, group_concat(rc.new_value) AS values_
       FROM devices d
       JOIN readings r ON r.id = (SELECT id FROM readings WHERE device_id = d.id ORDER BY date DESC, id DESC LIMIT 1)
       JOIN reading_counters rc ON rc.reading_id = r.id
      WHERE d.out_of_service IS NULL AND r.date < ?
      GROUP BY d.id ORDER BY d.contract_id, d.id`,
    [DATES[0]![0]],
  );
  const chosen: typeof devices = [];
  let perMonth = 0;
  for (let i = 0; i < devices.length; ) {
    let end = i;
    while (end < devices.length && devices[end]!.contract_id === devices[i]!.contract_id) end++;
    const contract = devices.slice(i, end);
    const rows = contract.reduce((sum, device) => sum + device.kinds.split(',').length, 0);
    if ((perMonth + rows) * DATES.length > ROWS) break;
    chosen.push(...contract);
    perMonth += rows;
    i += contract.length;
  }
  chosen.sort((a, b) => a.equipment_id.localeCompare(b.equipment_id));
  const lines = ['Geräte-ID;Datum;Zähler;Stand'];
  for (const [month, [, text]] of DATES.entries()) {
    for (const device of chosen) {
      const kinds = device.kinds.split(',');
      const values = device.values_.split(',').map(Number);
      kinds.forEach((kind, k) => {
        const monthly = kind === 'black' ? 900 + (device.id % 9) * 120 : 250 + (device.id % 5) * 60;
        lines.push(`${device.equipment_id};${text};${KIND_NAMES[kind] ?? kind};${values[k]! + monthly * (month + 1)}`);
      });
    }
  }
  return { text: `${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
}

export async function rows(ctx: BenchContext): Promise<BenchRow[]> {
  removeBenchReadings(ctx);
  const file = exportFile(ctx);
  // A second core on the same file, its clock at the end of February.
  const later = openCore({ dataDir: ctx.dataDir, author: BENCH_AUTHOR, version: 'bench', now: () => CLOCK });
  const bare = new BetterSqlite3(ctx.core.db.file);
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  const insertReading = bare.prepare(
    `INSERT INTO readings (device_id, date, status, valid_from, valid_to, source, author, flagged, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'bench', ?, ?, ?)`,
  );
  const insertCounter = bare.prepare(
    'INSERT INTO reading_counters (reading_id, kind, old_value, new_value) VALUES (?, ?, ?, ?)',
  );
  try {
    let importMs = Infinity;
    let counts = { create: 0, unchanged: 0, error: 0 };
    // As the UI and the CLI hand a file to the API: its bytes in base64.
    const content = Buffer.from(file.text, 'utf8').toString('base64');
    for (let run = 0; run < 2; run++) {
      removeBenchReadings(ctx);
      const started = performance.now();
      const report = await later.api['import-readings-run']({ fileName: 'fleet-export.csv', content });
      importMs = Math.min(importMs, performance.now() - started);
      counts = report.counts;
    }
    // What the (second) import wrote, for the baseline to write again.
    const written = ctx.core.db.all<Written>(
      `SELECT r.device_id, r.date, r.status, r.valid_from, r.valid_to, r.source, r.flagged, r.created_at,
              json_group_array(json_array(rc.kind, rc.old_value, rc.new_value)) AS counters
         FROM readings r JOIN reading_counters rc ON rc.reading_id = r.id
        WHERE r.author = ? GROUP BY r.id ORDER BY r.id`,
      [BENCH_AUTHOR],
    );
    if (counts.create === 0) throw new Error(`the import wrote nothing: ${JSON.stringify(counts)}`);
    const parsed = written.map((reading) => ({
      ...reading,
      counters: JSON.parse(reading.counters) as Array<[string, number, number]>,
    }));
    const bareRows = parsed.reduce((sum, reading) => sum + reading.counters.length, 0);
    let bareMs = Infinity;
    for (let run = 0; run < 2; run++) {
      removeBenchReadings(ctx);
      const started = performance.now();
      bare.transaction(() => {
        for (const r of parsed) {
          const { lastInsertRowid: id } = insertReading.run(
            r.device_id, r.date, r.status, r.valid_from, r.valid_to, r.source, r.flagged, r.created_at, r.created_at,
          );
          for (const [kind, old, value] of r.counters) insertCounter.run(id, kind, old, value);
        }
      })();
      bareMs = Math.min(bareMs, performance.now() - started);
    }
    removeBenchReadings(ctx);
    const importRate = file.rows / (importMs / 1000);
    const bareRate = bareRows / (bareMs / 1000);
    return [
      {
        name:
          `meter import of a ${file.rows.toLocaleString('en-US')}-row CSV (import-readings-run: parse, rules, audit; ` +
          `${counts.create.toLocaleString('en-US')} readings written, ${counts.error} refused), ${(importMs / 1000).toFixed(2)} s`,
        value: Math.round(importRate),
        unit: 'rows/s',
        baselineName: `bare prepared-statement insert loop of the same ${bareRows.toLocaleString('en-US')} counter rows, one transaction, ${(bareMs / 1000).toFixed(2)} s`,
        baseline: Math.round(bareRate),
        goal: '≥ ½ bare',
        met: importRate >= bareRate / 2,
      },
    ];
  } finally {
    bare.close();
    later.close();
  }
}
