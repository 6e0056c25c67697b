import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { periodEndFor } from '../../shared/rules/validity';
import { generateDealer, generateDealerFolder, generatingFile, GenerateRefusedError, type GenerateOptions } from '../../src-main/core/generate';
import { loadDemo, openCore, type OpenedCore } from '../../src-main/node-main';
import { recordReading, tempDir, testCore } from './helpers';

const TODAY = '2026-11-23';
const SMALL: GenerateOptions = { customers: 20, devices: 60, years: 2, seed: 7, today: TODAY };

const TABLES = [
  'SELECT * FROM customers ORDER BY id',
  'SELECT * FROM customer_emails ORDER BY customer_id, email',
  'SELECT * FROM contracts ORDER BY id',
  'SELECT * FROM contract_terms ORDER BY contract_id, kind, valid_from',
  'SELECT * FROM devices ORDER BY id',
  'SELECT * FROM device_counters ORDER BY device_id, kind',
  'SELECT * FROM device_contracts ORDER BY device_id, valid_from',
  'SELECT * FROM readings ORDER BY id',
  'SELECT * FROM reading_counters ORDER BY reading_id, kind',
];

function contentHash(core: OpenedCore): string {
  const hash = createHash('sha256');
  for (const sql of TABLES) hash.update(JSON.stringify(core.db.all(sql)));
  return hash.digest('hex');
}

function generated(options: GenerateOptions = SMALL) {
  const core = testCore({ demo: false, now: `${options.today}T09:30:00Z` });
  const counts = generateDealer(core.db, options);
  return { core, counts };
}

/** The schema as SQLite keeps it, without the page numbers (a rebuilt index lives elsewhere in the file). */
const schema = (core: OpenedCore) => core.db.all('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');

const count = (core: OpenedCore, table: string) => core.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;

describe('generate: a synthetic dealer', () => {
  it('writes the sizes asked for and says how many rows of each it wrote', () => {
    const { core, counts } = generated();
    expect(counts.customers).toBe(20);
    expect(counts.devices).toBe(60);
    for (const [table, n] of [
      ['customers', counts.customers],
      ['customer_emails', counts.emails],
      ['contracts', counts.contracts],
      ['contract_terms', counts.terms],
      ['devices', counts.devices],
      ['device_counters', counts.deviceCounters],
      ['device_contracts', counts.devices],
      ['readings', counts.readings],
      ['reading_counters', counts.counters],
    ] as const) {
      expect(count(core, table), table).toBe(n);
    }
    // Two years of mostly monthly readings for 60 devices.
    expect(counts.readings).toBeGreaterThan(600);
  });

  it('is reproducible: the same seed gives the same rows, another seed others', () => {
    const first = contentHash(generated().core);
    expect(contentHash(generated().core)).toBe(first);
    expect(contentHash(generated({ ...SMALL, seed: 8 }).core)).not.toBe(first);
  });

  it('makes a varied dealer: languages, web reading with e-mails, intervals, colour devices, terms', () => {
    const { core } = generated({ ...SMALL, customers: 60, devices: 200 });
    const languages = core.db.all<{ language: string }>('SELECT DISTINCT language FROM customers ORDER BY 1').map((r) => r.language);
    expect(languages).toEqual(['de', 'en', 'fr']);
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM customers WHERE web_reading = 1')!.n).toBeGreaterThan(0);
    expect(
      core.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM customers c WHERE web_reading = 1 AND NOT EXISTS (SELECT 1 FROM customer_emails e WHERE e.customer_id = c.id)',
      )!.n,
    ).toBe(0);
    const intervals = core.db.all<{ i: number }>('SELECT DISTINCT interval_months AS i FROM contracts ORDER BY 1').map((r) => r.i);
    expect(intervals).toEqual([1, 3, 12]);
    expect(count(core, "device_counters WHERE kind = 'color'")).toBeGreaterThan(0);
    expect(count(core, "device_counters WHERE kind = 'color'")).toBeLessThan(200);
    expect(count(core, 'contract_terms WHERE price_per_page > 0')).toBeGreaterThan(0);
    expect(count(core, 'reading_counters WHERE extra_free > 0')).toBeGreaterThan(0);
    const sources = core.db.all<{ s: string }>('SELECT DISTINCT source AS s FROM readings ORDER BY 1').map((r) => r.s);
    expect(sources).toEqual(['import', 'manual', 'web']);
    // Some periods are missing: a validity longer than the contract's interval.
    expect(
      core.db.get<{ n: number }>(
        `SELECT count(*) AS n FROM readings r JOIN devices d ON d.id = r.device_id JOIN contracts k ON k.id = d.contract_id
          WHERE k.interval_months = 1 AND r.valid_from < date(r.valid_to, 'start of month') AND r.valid_from > d.install_date`,
      )!.n,
    ).toBeGreaterThan(0);
  });

  it("keeps the dialog's rules on every device: the chain, contiguous validity, dates, statuses", () => {
    const { core } = generated({ ...SMALL, customers: 60, devices: 200 });
    // Each counter's old is the previous reading's new; the first one's is the counter at installation.
    const brokenChain = core.db.all(
      `SELECT * FROM (
         SELECT rc.reading_id, rc.old_value,
                lag(rc.new_value) OVER (PARTITION BY r.device_id, rc.kind ORDER BY r.date, r.id) AS previous_new,
                dc.start_value
           FROM reading_counters rc JOIN readings r ON r.id = rc.reading_id
           JOIN device_counters dc ON dc.device_id = r.device_id AND dc.kind = rc.kind)
        WHERE old_value <> coalesce(previous_new, start_value)`,
    );
    expect(brokenChain).toEqual([]);
    // Every reading has every counter of its device.
    expect(
      core.db.all(
        `SELECT r.id, dc.kind FROM readings r JOIN device_counters dc ON dc.device_id = r.device_id
          LEFT JOIN reading_counters rc ON rc.reading_id = r.id AND rc.kind = dc.kind WHERE rc.reading_id IS NULL`,
      ),
    ).toEqual([]);
    // Validity from the install date, then from the day after the previous one's end.
    const brokenValidity = core.db.all(
      `SELECT * FROM (
         SELECT r.id, r.valid_from, r.valid_to, d.install_date,
                lag(r.valid_to) OVER (PARTITION BY r.device_id ORDER BY r.date, r.id) AS previous_to
           FROM readings r JOIN devices d ON d.id = r.device_id)
        WHERE valid_from <> coalesce(date(previous_to, '+1 day'), install_date) OR valid_to < valid_from`,
    );
    expect(brokenValidity).toEqual([]);
    // Dated after installation, never after today; a device's dates follow its chain order.
    expect(
      core.db.all(
        `SELECT r.id FROM readings r JOIN devices d ON d.id = r.device_id
          WHERE r.date <= d.install_date OR r.date > ? OR d.install_date > ?`,
        [TODAY, TODAY],
      ),
    ).toEqual([]);
    expect(core.db.all('SELECT r.id FROM readings r JOIN contracts k ON k.id = (SELECT contract_id FROM devices WHERE id = r.device_id) WHERE k.start_date > r.valid_from')).toEqual([]);
    // Each reading's validity ends where the default validity puts it (the 1st–4th: the month before).
    const readings = core.db.all<{ date: string; valid_to: string }>('SELECT date, valid_to FROM readings');
    expect(readings.filter((r) => periodEndFor(r.date) !== r.valid_to)).toEqual([]);
    // Posted up to last month's billing, the latest ones recorded — never a recorded one before a posted one.
    expect(core.db.all("SELECT id FROM readings WHERE status = '01' AND valid_to < '2026-11-01'")).toEqual([]);
    expect(core.db.all("SELECT id FROM readings WHERE status = '21' AND valid_to >= '2026-11-01'")).toEqual([]);
    expect(count(core, "readings WHERE status = '01'")).toBeGreaterThan(0);
    expect(count(core, "readings WHERE status = '11'")).toBe(0);
  });

  it('leaves a sound database the core works with', async () => {
    const { core } = generated();
    expect(core.db.integrityCheck()).toBe('ok');
    expect(core.db.all('SELECT * FROM pragma_foreign_key_check')).toEqual([]);
    // The indexes it drops for the load are all back, exactly as the migrations wrote them.
    expect(schema(core)).toEqual(schema(testCore({ demo: false })));
    expect(core.db.pragma('cache_size')).toBe(testCore({ demo: false }).db.pragma('cache_size'));
    const overview = await core.api['period-overview']({ period: '2026-11' });
    expect(overview.rows.length).toBeGreaterThan(0);
    expect(overview.counts.missing).toBeGreaterThan(0);
    // The dialog accepts the next reading of a device that has none this period, on the chain.
    const missing = overview.rows.find((row) => row.state === 'missing' && row.position === '0001')!;
    const saved = await recordReading(core, missing.equipmentId, 1_000);
    expect(saved.status).toBe('01');
    const device = await core.api['devices-get']({ equipmentId: missing.equipmentId });
    expect(device.device.equipmentId).toBe(missing.equipmentId);
  });

  it('into a folder: the same rows written the fast way as into an open database, and in place where a database is', () => {
    const { seed, customers, devices, years } = SMALL;
    const now = new Date(`${TODAY}T09:30:00Z`);
    const fresh = tempDir();
    expect(generateDealerFolder(fresh, { seed, customers, devices, years }, () => now).today).toBe(TODAY);
    const expected = contentHash(generated().core);
    expect(contentHash(testCore({ dir: fresh, demo: false, now: now.toISOString() }))).toBe(expected);
    // An empty database already in the folder (meterdesk was started on it once) is filled where it is.
    const existing = tempDir();
    const core = testCore({ dir: existing, demo: false, now: now.toISOString() });
    expect(generateDealerFolder(existing, { seed, customers, devices, years }, () => now).counts.customers).toBe(20);
    expect(contentHash(core)).toBe(expected);
    expect(existsSync(generatingFile(existing))).toBe(false);
  });

  it('never renames a new dealer onto a WAL a crash left behind, and refuses a folder meterdesk runs on', () => {
    const { seed, customers, devices, years } = SMALL;
    const now = new Date(`${TODAY}T09:30:00Z`);
    // meterdesk crashed with the demo data still in its WAL; then the database file was deleted.
    const dir = tempDir();
    const crashed = openCore({ dataDir: dir, author: 'test', version: 'test', now: () => now });
    loadDemo(crashed);
    const wal = `${join(dir, 'meterdesk.sqlite')}-wal`;
    expect(statSync(wal).size).toBeGreaterThan(0);
    copyFileSync(wal, `${wal}.kept`);
    crashed.close();
    rmSync(join(dir, 'meterdesk.sqlite'));
    rmSync(`${join(dir, 'meterdesk.sqlite')}-shm`, { force: true });
    renameSync(`${wal}.kept`, wal);
    expect(generateDealerFolder(dir, { seed, customers, devices, years }, () => now).counts.customers).toBe(20);
    const core = testCore({ dir, demo: false, now: now.toISOString() });
    expect(core.db.get<{ integrity_check: string }>('PRAGMA integrity_check')!.integrity_check).toBe('ok');
    expect(count(core, 'customers')).toBe(20);

    // Another process holds the folder (meterdesk runs on it): nothing is written.
    const busy = tempDir();
    writeFileSync(join(busy, 'meterdesk.lock'), String(process.ppid));
    expect(() => generateDealerFolder(busy, { seed, customers, devices, years }, () => now)).toThrow(/is running on this data folder/);
    expect(readdirSync(busy)).toEqual(['meterdesk.lock']);
  });

  it('refuses a data folder that already holds customers and changes nothing', () => {
    const core = testCore({ demo: true });
    const before = contentHash(core);
    const schemaBefore = schema(core);
    expect(() => generateDealer(core.db, SMALL)).toThrow(GenerateRefusedError);
    expect(contentHash(core)).toBe(before);
    expect(schema(core)).toEqual(schemaBefore);
  });
});
