/**
 * The back-office's everyday operations at dealer scale, each beside the bare SQLite work it
 * stands on, measured in the same run: saving a reading (with its draft), opening a device
 * and the meter dialog, and the period overview of the whole fleet.
 */
import { performance } from 'node:perf_hooks';
import { ApiError } from '../shared/errors';
import { PERIOD_PAGE_MAX, type PeriodRow } from '../shared/api';
import { periodOf } from '../shared/rules/web-reading';
import type { BenchContext } from './context';
import { quantile, type BenchRow } from './table';

/** Whom the bench's saves are recorded by, so a later run can take them out again. */
export const BENCH_AUTHOR = 'bench';
const BARE_AUTHOR = 'bench-bare';
/** The period page's grid asks for rows in blocks of this many (src-renderer/components/Grid.tsx). */
const BLOCK = 100;

/**
 * Calls made before the timed ones, on other devices, and not counted. A process's first few
 * dozen calls of an operation are slower — V8 still compiling its code, the young heap still
 * growing (scavenges of 5–9 ms), statements prepared: the device history's first 20 calls
 * after start went up to 14 ms. The bench measures an office's day, not the minute after
 * start. Later calls still pause now and then for a garbage collection (6–8 ms, one or two in
 * 200 device histories): those stay in the samples.
 */
export const WARM_UP = 30;

/** Milliseconds of each call, after WARM_UP calls (`fn(runs + i)`) that are not counted. */
async function samples(runs: number, fn: (i: number) => unknown): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await fn(runs + i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return times;
}

function pair(
  name: string,
  times: number[],
  baselineName: string,
  baseline: number[],
  goalMs: number | null,
): BenchRow[] {
  const row = (q: number, label: string, goal: boolean): BenchRow => {
    const value = quantile(times, q);
    return {
      name: `${name}, ${label}`,
      value,
      unit: 'ms',
      baselineName: `${baselineName}, ${label}`,
      baseline: quantile(baseline, q),
      goal: goal && goalMs !== null ? `< ${goalMs} ms` : '',
      met: goal && goalMs !== null ? value < goalMs : null,
    };
  };
  return [row(0.5, 'median', false), row(0.99, 'p99', true)];
}

/** Takes out what earlier bench runs saved, so the dealer stays as generated. */
export function removeBenchReadings(ctx: BenchContext): number {
  const { db } = ctx.core;
  return db.transaction(() => {
    db.run(`DELETE FROM audit_log WHERE entity = 'reading' AND author = ?`, [BENCH_AUTHOR]);
    return db.run('DELETE FROM readings WHERE author IN (?, ?)', [BENCH_AUTHOR, BARE_AUTHOR]).changes;
  });
}

export async function rows(ctx: BenchContext, runs = 1000): Promise<BenchRow[]> {
  const { api, db } = ctx.core;
  const period = periodOf(ctx.today);
  const deviceCount = db.get<{ n: number }>('SELECT count(*) AS n FROM devices')!.n;
  const ids = db.all<{ id: number; equipment_id: string }>('SELECT id, equipment_id FROM devices ORDER BY id');
  const pick = (i: number) => ids[(i * 7919) % ids.length]!;

  // 2. Opening a device and the dialog, beside a bare primary-key lookup.
  const bareLookup = await samples(runs, (i) => db.get('SELECT * FROM devices WHERE id = ?', [pick(i).id]));
  const deviceGet = await samples(runs, (i) => api['devices-get']({ equipmentId: pick(i).equipment_id }));
  const draft = await samples(runs, (i) => api['readings-draft']({ equipmentId: pick(i).equipment_id }));
  const readingsOfOne = Math.round(db.get<{ n: number }>('SELECT count(*) AS n FROM readings')!.n / deviceCount);

  // 1. Saving a reading of a device still missing this period, as a clerk does: draft, then save.
  // A device whose contract's first device locks a validity that overlaps its own history
  // (that device skipped a period) would be refused: the clerk would pick the validity by hand.
  // One device per contract, so that no save here changes another one's lock.
  const candidates: string[] = [];
  const contracts = new Set<string>();
  const missing: PeriodRow[] = [];
  for (let startRow = 0; ; startRow += PERIOD_PAGE_MAX) {
    const page = await api['period-rows']({ period, state: 'missing', startRow, endRow: startRow + PERIOD_PAGE_MAX });
    missing.push(...page.rows);
    if (page.lastRow !== null || new Set(missing.map((row) => row.contractNumber)).size >= 2 * (runs + WARM_UP)) break;
  }
  for (const row of missing) {
    if (candidates.length >= runs + WARM_UP) break;
    if (contracts.has(row.contractNumber)) continue;
    contracts.add(row.contractNumber);
    const d = await api['readings-draft']({ equipmentId: row.equipmentId });
    if (d.validityLock && d.previousValidTo !== null && d.validityLock.from <= d.previousValidTo) continue;
    candidates.push(row.equipmentId);
  }
  if (candidates.length < runs + WARM_UP) throw new Error(`only ${candidates.length} devices are missing a reading in ${period}; generate a larger dealer`);
  const saved: Array<{ deviceId: number; date: string; validFrom: string; validTo: string; counters: Array<{ kind: string; old: number; new: number }> }> = [];
  // The dialog was opened (its draft) before the clerk types: only the save is timed.
  const drafts = new Map<string, Awaited<ReturnType<(typeof api)['readings-draft']>>>();
  for (const equipmentId of candidates) drafts.set(equipmentId, await api['readings-draft']({ equipmentId }));
  const save = await samples(runs, async (i) => {
    const equipmentId = candidates[i]!;
    const d = drafts.get(equipmentId)!;
    try {
      const reading = await api['readings-save']({
        equipmentId,
        previousReadingId: d.previousReadingId,
        date: d.today,
        validFrom: d.validity.from,
        validTo: d.validity.to,
        counters: d.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + 1_500, extraFree: 0 })),
      });
      saved.push({ deviceId: reading.deviceId, date: reading.date, validFrom: reading.validFrom, validTo: reading.validTo, counters: reading.counters });
    } catch (error) {
      if (error instanceof ApiError) throw new Error(`saving a reading of ${equipmentId} was refused: ${JSON.stringify(error.issues ?? error.message)}`);
      throw error;
    }
  });
  // The same rows, written bare: one readings row and its counters in one transaction.
  const now = new Date().toISOString();
  const bareInsert = await samples(runs, (i) => {
    const reading = saved[i % saved.length]!;
    db.transaction(() => {
      const { lastInsertRowid: id } = db.run(
        `INSERT INTO readings (device_id, date, status, valid_from, valid_to, source, author, created_at, updated_at)
         VALUES (?, ?, '01', ?, ?, 'manual', ?, ?, ?)`,
        [reading.deviceId, reading.date, reading.validFrom, reading.validTo, BARE_AUTHOR, now, now],
      );
      for (const counter of reading.counters) {
        db.run('INSERT INTO reading_counters (reading_id, kind, old_value, new_value) VALUES (?, ?, ?, ?)', [id, counter.kind, counter.old, counter.new]);
      }
    });
  });

  // 3. The period overview of the whole fleet, as the page asks for it (issue 6): the grid's
  // first block of rows, then the counts per state (the full count), each its own call;
  // beside a bare scan and a bare count of the devices. Also a block at the end of the list
  // (the scroll to the end), without a goal of its own.
  const overviewRuns = Math.max(5, Math.min(runs, 30));
  const bareCount = await samples(overviewRuns, () => db.get('SELECT count(*) AS n FROM devices'));
  const bareScan = await samples(overviewRuns, () => db.all('SELECT * FROM devices'));
  let due = 0;
  const countTimes = await samples(overviewRuns, async () => {
    due = (await api['period-counts']({ period })).total;
  });
  const firstRows = await samples(overviewRuns, () => api['period-rows']({ period, startRow: 0, endRow: BLOCK }));
  const lastStart = Math.max(0, due - BLOCK);
  const lastRows = await samples(overviewRuns, () => api['period-rows']({ period, startRow: lastStart, endRow: lastStart + BLOCK }));

  return [
    ...pair('save a reading (readings-save, core API; the dialog opened before)', save, 'bare insert of the same readings + reading_counters rows, one transaction', bareInsert, 2),
    ...pair(`open a device (devices-get, ~${readingsOfOne} readings)`, deviceGet, 'bare primary-key lookup (devices)', bareLookup, 5),
    ...pair('open the meter dialog (readings-draft)', draft, 'bare primary-key lookup (devices)', bareLookup, 5),
    ...pair(
      `period overview ${period} of ${due} due of ${deviceCount} devices: the first rows (period-rows 0–${BLOCK}, the grid's first block)`,
      firstRows,
      'bare scan of devices (SELECT *)',
      bareScan,
      300,
    ),
    ...pair(`period overview ${period}: the full count (period-counts, ${due} due devices per state)`, countTimes, 'bare SELECT count(*) FROM devices', bareCount, 300),
    ...pair(`period overview ${period}: the last rows (period-rows ${lastStart}–${lastStart + BLOCK}, the scroll to the end)`, lastRows, 'bare scan of devices (SELECT *)', bareScan, null),
  ];
}
