/**
 * `npm run bench`: dealer-scale timings (issue 6), one table (bench/table.ts) written to
 * bench/RESULTS.md. Builds the dealer with the generator — or reuses bench/.tmp/<sizes>/ from
 * an earlier run — then runs bench/core.ts, bench/web.ts (sync, portal load) and bench/ui.ts
 * (Chromium), each exporting `rows(ctx: BenchContext)`, each row beside its same-run baseline.
 *
 *   npm run bench -- [--customers N] [--devices N] [--years N] [--seed N] [--runs N] [--only core,import,web,ui]
 *   npm run bench -- --devices 3000 --customers 500 --years 2      (a quick run)
 *
 * With --only, just those modules run and bench/RESULTS.md is left as it was.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { today as todayOf } from '../src-main/core/context';
import { countCustomers } from '../db/queries/master-data';
import { checkGenerateOptions, generateDealer } from '../src-main/core/generate';
import { openCore } from '../src-main/node-main';
import type { BenchContext } from './context';
import { removeBenchReadings, rows as coreRows, WARM_UP } from './core';
import { rows as importRows } from './import';
import { formatTable, machine, type BenchRow } from './table';
import { rows as uiRows } from './ui';
import { rows as webRows } from './web';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '5000' },
    devices: { type: 'string', default: '30000' },
    years: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    // 1,000: of 200 calls the p99 is the second slowest, and two pauses of the garbage
    // collector (6–8 ms, one or two per 200 device histories) decided it alone.
    runs: { type: 'string', default: '1000' },
    only: { type: 'string' },
  },
});
const sizes = { customers: Number(values.customers), devices: Number(values.devices), years: Number(values.years), seed: Number(values.seed) };
const runs = Number(values.runs);
const MODULES = ['core', 'import', 'web', 'ui'] as const;
const only = values.only?.split(',').map((name) => name.trim());
const unknownModule = only?.find((name) => !(MODULES as readonly string[]).includes(name));
if (unknownModule !== undefined) {
  console.error(`bench: --only takes ${MODULES.join(', ')}; not ${unknownModule}`);
  process.exit(2);
}
const selected = (name: (typeof MODULES)[number]) => !only || only.includes(name);
// A fixed clock: a reused dealer stays exactly as generated, and runs compare with each other.
// The 23rd: this month's requests are out, so its readings are coming in (recorded, 01).
const NOW = new Date('2026-11-23T09:00:00Z');

const problem = checkGenerateOptions({ ...sizes, today: '' });
if (problem || !Number.isInteger(runs) || runs < 1) {
  console.error(`bench: ${problem ?? 'runs must be a whole number ≥ 1'}`);
  process.exit(2);
}

const dataDir = join(import.meta.dirname, '.tmp', `c${sizes.customers}-d${sizes.devices}-y${sizes.years}-s${sizes.seed}`);
const core = openCore({ dataDir, author: 'bench', version: 'bench', now: () => NOW });
const ctx: BenchContext = { dataDir, core, today: todayOf(core.context) };
try {
  let origin: string;
  if (countCustomers(core.db) === 0) {
    const started = performance.now();
    const counts = generateDealer(core.db, { ...sizes, today: ctx.today });
    const seconds = (performance.now() - started) / 1000;
    origin = `generated in ${seconds.toFixed(1)} s (${counts.rows.toLocaleString('en-US')} rows, ${Math.round(counts.rows / seconds).toLocaleString('en-US')} rows/s, one transaction)`;
  } else {
    const removed = removeBenchReadings(ctx);
    origin = `reused from an earlier run${removed > 0 ? ` (its ${removed} bench readings taken out first)` : ''}`;
  }
  const count = (table: string) => core.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;
  const dealer =
    `${count('customers').toLocaleString('en-US')} customers, ${count('contracts').toLocaleString('en-US')} contracts, ` +
    `${count('devices').toLocaleString('en-US')} devices, ${count('readings').toLocaleString('en-US')} readings, ` +
    `${count('reading_counters').toLocaleString('en-US')} counter values`;

  const results: BenchRow[] = [];
  if (selected('core')) results.push(...(await coreRows(ctx, runs)));
  if (selected('import')) results.push(...(await importRows(ctx)));
  if (selected('web')) results.push(...(await webRows(ctx)));
  if (selected('ui')) results.push(...(await uiRows(ctx)));
  removeBenchReadings(ctx);

  const text = [
    '# meterdesk dealer-scale benchmark (npm run bench)',
    '',
    `Machine: ${machine()}.`,
    `Dealer: ${dealer} (seed ${sizes.seed}, ${sizes.years} years up to ${ctx.today}); ${origin}.`,
    `${runs} samples per operation (the period overview: ${Math.max(5, Math.min(runs, 30))}), after ${WARM_UP} warm-up calls on other devices; baselines measured in the same run.`,
    '',
    formatTable(results),
    '',
  ].join('\n');
  console.log(text);
  if (!only) writeFileSync(join(import.meta.dirname, 'RESULTS.md'), text);
} finally {
  core.close();
}
