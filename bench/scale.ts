/**
 * Dealer-scale timings of the back-office's everyday operations: a large dealer has some
 * 30,000 devices and ten years of monthly readings (≈ 5 million). Generates that database
 * once (bench/.tmp/, reused), then times search, opening a device, the dialog's draft and a
 * save through the core API, beside a bare SQLite primary-key lookup measured in the same run.
 *
 *   npm run bench -- [--devices N] [--months N] [--runs N]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { addDays, addMonths, endOfMonth } from '../shared/dates';
import { databaseFile } from '../src-main/core/paths';
import { openCore } from '../src-main/node-main';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '30000' },
    months: { type: 'string', default: '167' },
    runs: { type: 'string', default: '200' },
  },
});
const DEVICES = Number(values.devices);
const MONTHS = Number(values.months);
const RUNS = Number(values.runs);
const DEVICES_PER_CONTRACT = 6;
const dir = join(import.meta.dirname, '.tmp', `d${DEVICES}-m${MONTHS}`);
let now = new Date('2026-11-23T09:00:00Z');
const core = openCore({ dataDir: dir, author: 'bench', version: 'bench', now: () => now });
const { db } = core;

function generate(): number {
  const started = performance.now();
  const firstMonthEnd = endOfMonth(addMonths('2026-10-01', -(MONTHS - 1)));
  const install = addDays(addMonths(firstMonthEnd, -1), 1);
  const stamp = now.toISOString();
  db.transaction(() => {
    for (let c = 0; c < DEVICES / DEVICES_PER_CONTRACT; c++) {
      const number = String(100_000 + c);
      db.run(`INSERT INTO customers (id, number, name, language, web_reading, created_at, updated_at)
              VALUES (?, ?, ?, 'de', 1, ?, ?)`, [c + 1, number, `Kunde ${number} AG`, stamp, stamp]);
      db.run(`INSERT INTO contracts (id, customer_id, number, start_date, interval_months, start_month, created_at, updated_at)
              VALUES (?, ?, ?, ?, 1, 1, ?, ?)`, [c + 1, c + 1, `V-${number}`, install, stamp, stamp]);
      db.run(`INSERT INTO contract_terms VALUES (?, 'black', ?, 500, 8500)`, [c + 1, install]);
      db.run(`INSERT INTO contract_terms VALUES (?, 'color', ?, 100, 65000)`, [c + 1, install]);
    }
    let readingId = 0;
    for (let d = 0; d < DEVICES; d++) {
      const contract = Math.floor(d / DEVICES_PER_CONTRACT) + 1;
      const equipmentId = `4.${String(Math.floor(d / 1000)).padStart(3, '0')}.${String(d % 1000).padStart(3, '0')}`;
      const color = d % 2 === 0;
      const search = `${100_000 + contract - 1} | kunde ${100_000 + contract - 1} ag | v-${100_000 + contract - 1} | ricoh mpc${2000 + (d % 50)} | ${String(d % 6).padStart(4, '0')} | etage ${d % 9} | ${equipmentId} | ${equipmentId.replace(/\./g, '')} | sn${d}`;
      db.run(`INSERT INTO devices (id, contract_id, position, model, location, equipment_id, serial_number, install_date, search_text, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [d + 1, contract, String(d % 6).padStart(4, '0'), `RICOH MPC${2000 + (d % 50)}`, `ETAGE ${d % 9}`, equipmentId, `SN${d}`, install, search, stamp, stamp]);
      db.run(`INSERT INTO device_counters VALUES (?, 'black', 1000)`, [d + 1]);
      if (color) db.run(`INSERT INTO device_counters VALUES (?, 'color', 500)`, [d + 1]);
      let black = 1000;
      let colour = 500;
      let from = install;
      for (let m = 0; m < MONTHS; m++) {
        const date = endOfMonth(addMonths(firstMonthEnd, m));
        readingId += 1;
        db.run(`INSERT INTO readings (id, device_id, date, status, valid_from, valid_to, source, author, created_at, updated_at)
                VALUES (?, ?, ?, '21', ?, ?, 'manual', 'bench', ?, ?)`, [readingId, d + 1, date, from, date, stamp, stamp]);
        const usage = 800 + ((d * 7 + m * 13) % 900);
        db.run(`INSERT INTO reading_counters (reading_id, kind, old_value, new_value) VALUES (?, 'black', ?, ?)`, [readingId, black, black + usage]);
        black += usage;
        if (color) {
          db.run(`INSERT INTO reading_counters (reading_id, kind, old_value, new_value) VALUES (?, 'color', ?, ?)`, [readingId, colour, colour + 300]);
          colour += 300;
        }
        from = addDays(date, 1);
      }
    }
  });
  db.pragma('optimize');
  return performance.now() - started;
}

interface Timing {
  name: string;
  median: number;
  p95: number;
  max: number;
}

async function timed(name: string, fn: (i: number) => unknown): Promise<Timing> {
  for (let i = 0; i < 5; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { name, median: at(0.5), p95: at(0.95), max: times.at(-1) ?? 0 };
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const fresh = (db.get<{ n: number }>('SELECT count(*) AS n FROM devices')?.n ?? 0) === 0;
  const generateMs = fresh ? generate() : null;
  // A reused database already has this run's readings of "today": each run saves a day later.
  const latest = db.get<{ date: string }>('SELECT max(date) AS date FROM readings')?.date ?? '2026-11-22';
  if (latest >= '2026-11-23') now = new Date(`${addDays(latest, 1)}T09:00:00Z`);
  const today = now.toISOString().slice(0, 10);
  const counts = db.get<{ devices: number; readings: number; counters: number }>(
    `SELECT (SELECT count(*) FROM devices) AS devices, (SELECT count(*) FROM readings) AS readings,
            (SELECT count(*) FROM reading_counters) AS counters`,
  );
  const api = core.api;
  const results: Timing[] = [];
  const randomDevice = (i: number) => 1 + ((i * 7919) % DEVICES);
  const equipmentIdOf = (id: number) =>
    db.get<{ equipment_id: string }>('SELECT equipment_id FROM devices WHERE id = ?', [id])?.equipment_id ?? '';
  const ids = Array.from({ length: RUNS + 5 }, (_, i) => equipmentIdOf(randomDevice(i)));

  results.push(await timed('baseline: SQLite primary-key lookup (devices)', (i) => db.get('SELECT * FROM devices WHERE id = ?', [randomDevice(i)])));
  const hits = async (query: string) => (await api['devices-search']({ query })).total;
  results.push(await timed(`devices-search, a serial number (${await hits(`sn${DEVICES - 1}`)} hit)`, (i) => api['devices-search']({ query: `sn${randomDevice(i) - 1}` })));
  results.push(await timed(`devices-search, a customer number (${await hits('100017')} hits)`, (i) => api['devices-search']({ query: String(100_000 + (i % Math.floor(DEVICES / DEVICES_PER_CONTRACT))) })));
  results.push(await timed(`devices-search, a model (${await hits('mpc2017')} hits, at most 500 listed)`, (i) => api['devices-search']({ query: `mpc${2000 + (i % 50)}` })));
  results.push(await timed(`devices-get (device page, ${MONTHS} readings)`, (i) => api['devices-get']({ equipmentId: ids[i] ?? '' })));
  results.push(await timed('readings-draft (the dialog opens)', (i) => api['readings-draft']({ equipmentId: ids[i] ?? '' })));
  let saved = 0;
  results.push(await timed('readings-save (new reading, one transaction)', async (i) => {
    const draft = await api['readings-draft']({ equipmentId: ids[i] ?? '' });
    if (draft.previousDate === today) return;
    saved += 1;
    await api['readings-save']({
      equipmentId: draft.device.equipmentId,
      date: today,
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + 1500, extraFree: 0 })),
    });
  }));

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `# meterdesk scale benchmark`,
    ``,
    `Machine: ${machine}. Database: ${counts?.devices} devices, ${counts?.readings} readings, ${counts?.counters} counter values (${databaseFile(dir)}).`,
    generateMs === null ? 'Database reused from an earlier run.' : `Generated in ${(generateMs / 1000).toFixed(1)} s (one transaction).`,
    `${RUNS} runs each (after 5 warm-up runs); times in milliseconds; the save row includes its draft (${saved} saves).`,
    ``,
    `| operation | median | p95 | max | median ÷ baseline |`,
    `|---|---:|---:|---:|---:|`,
    ...results.map((r) => `| ${r.name} | ${r.median.toFixed(3)} | ${r.p95.toFixed(3)} | ${r.max.toFixed(3)} | ${(r.median / (results[0]?.median || 1)).toFixed(0)}× |`),
  ];
  console.log(lines.join('\n'));
  writeFileSync(join(import.meta.dirname, 'RESULTS.md'), `${lines.join('\n')}\n`);
  core.close();
}

if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
await main();
