/**
 * A synthetic dealer for benchmarks and fault tests (issue 6): customers, contracts with their
 * terms, devices and years of monthly, quarterly or yearly readings, the same every time for
 * the same seed, sizes and "today".
 *
 * The rows obey the product's rules, so the core treats them as a real dealer's: each
 * counter's chain runs from the device's counter at installation (*old* = the previous
 * *new*), validity periods follow each other day by day from the install date, a reading is
 * dated after its device's installation and never after today, and one dated on the 1st–4th
 * belongs to the previous month (the default cut-off). Readings of periods billed by today
 * (the 10th of the following month) are posted (21); the latest ones are recorded (01).
 *
 * Written in one transaction: about 9 rows per device and year, some 5.5 million for 30,000
 * devices over ten years, the readings and their counters 64 to a statement (BulkInsert) and
 * the readings' indexes built once at the end.
 */
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BulkInsert } from '../../db/bulk-insert';
import { Database } from '../../db/database';
import { countCustomers, deviceSearchText } from '../../db/queries/master-data';
import { addDays, addMonths, daysBetween, endOfMonth, startOfMonth, todayIn } from '../../shared/dates';
import type { CounterKind, IsoDate, Language, ReadingSource } from '../../shared/models';
import { DEFAULT_CUTOFF_DAY } from '../../shared/rules/validity';
import { isDueIn } from '../../shared/rules/web-reading';
import { dataDirHolder, lockDataDir } from '../jobs/backup';
import { databaseFile } from './paths';
import { readSettings } from './settings';

export interface GenerateOptions {
  customers: number;
  devices: number;
  years: number;
  seed: number;
  /** The core clock's today: no reading is dated later. */
  today: IsoDate;
}

export interface GenerateCounts {
  customers: number;
  emails: number;
  contracts: number;
  terms: number;
  devices: number;
  /** device_counters: the counter kinds of each device with its counter at installation. */
  deviceCounters: number;
  readings: number;
  counters: number;
  /** Every row written, all tables (device_contracts: one per device). */
  rows: number;
}

export class GenerateRefusedError extends Error {
  /** The customers already in the folder, or why else nothing is generated there. */
  constructor(reason: number | string) {
    super(
      typeof reason === 'number'
        ? `the data folder already holds ${reason} customer(s); a dealer is only generated into an empty one`
        : reason,
    );
    this.name = 'GenerateRefusedError';
  }
}

/** The limits the options are checked against (the CLI's usage errors). */
export const GENERATE_LIMITS = { customers: 1_000_000, devices: 2_000_000, years: 30 } as const;

export function checkGenerateOptions(options: GenerateOptions): string | null {
  const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!whole(options.customers, 1, GENERATE_LIMITS.customers)) return `customers must be a whole number 1–${GENERATE_LIMITS.customers}`;
  if (!whole(options.devices, 1, GENERATE_LIMITS.devices)) return `devices must be a whole number 1–${GENERATE_LIMITS.devices}`;
  if (options.devices < options.customers) return 'devices must be at least customers (every customer has a device)';
  if (!whole(options.years, 1, GENERATE_LIMITS.years)) return `years must be a whole number 1–${GENERATE_LIMITS.years}`;
  if (!whole(options.seed, 0, 2 ** 32 - 1)) return 'seed must be a whole number 0–4294967295';
  return null;
}

/** mulberry32: small, fast and the same on every platform, which Math.random is not. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of `choices` by weight. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let r = this.next() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }
}

const NAMES: Record<Language, { people: string[]; trades: string[]; forms: string[] }> = {
  de: {
    people: ['Keller', 'Meier', 'Brunner', 'Gerber', 'Huber', 'Baumann', 'Frei', 'Zimmermann', 'Steiner', 'Moser', 'Wyss', 'Graf'],
    trades: ['Treuhand', 'Architekten', 'Immobilien', 'Druck', 'Versicherungen', 'Praxis', 'Bau', 'Logistik', 'Anwälte', 'Informatik'],
    forms: ['AG', 'GmbH', '& Partner AG', 'Holding AG'],
  },
  fr: {
    people: ['Dubois', 'Favre', 'Rochat', 'Bonvin', 'Cuénod', 'Perret', 'Blanc', 'Morand', 'Chappuis', 'Girard', 'Rey', 'Jaquet'],
    trades: ['Fiduciaire', 'Architectes', 'Régie', 'Imprimerie', 'Assurances', 'Cabinet médical', 'Construction', 'Transports', 'Études', 'Informatique'],
    forms: ['SA', 'Sàrl', '& Associés SA'],
  },
  en: {
    people: ['Harbour', 'Wright', 'Baker', 'Carter', 'Hughes', 'Morgan', 'Fletcher', 'Parker'],
    trades: ['Print', 'Consulting', 'Legal', 'Properties', 'Engineering', 'Software', 'Logistics'],
    forms: ['Ltd', 'LLC', 'plc'],
  },
};

const LOCATIONS: Record<Language, string[]> = {
  de: ['EG - Empfang', '1. OG - Buchhaltung', '2. OG - Verkauf', 'UG - Lager', 'EG - Sekretariat', '3. OG - Geschäftsleitung', 'Werkstatt'],
  fr: ['REZ - COMPTABILITÉ', '1ER - TECHNIQUE', '1ER - COMMERCIAL', 'REZ - RÉCEPTION', '2E - DIRECTION', 'ATELIER', 'SOUS-SOL - ARCHIVES'],
  en: ['Ground floor - Reception', 'First floor - Accounts', 'Second floor - Sales', 'Basement - Stores', 'Board room'],
};

/** Models and whether they count colour pages (a `color` counter beside `black`). */
const MODELS: ReadonlyArray<readonly [string, boolean]> = [
  ['PH RICOH MP2550CSP', false],
  ['RICOH MP 2555', false],
  ['RICOH IM 4000', false],
  ['RICOH MPC2800', true],
  ['RICOH IM C3000', true],
  ['RICOH IM C4500', true],
  ['KYOCERA TASKalfa 2554ci', true],
  ['KYOCERA ECOSYS M3655idn', false],
  ['CANON iR-ADV C3826i', true],
  ['CANON iR-ADV 4725i', false],
  ['SHARP MX-3071', true],
  ['SHARP MX-M3051', false],
  ['KONICA MINOLTA bizhub 458', false],
  ['KONICA MINOLTA bizhub C300i', true],
];

const CLERKS = ['m.keller', 's.dubois', 'a.rossi', 'l.favre'];

/** Fewer pages in the summer holidays and around Christmas. */
const SEASON = [1.05, 1.0, 1.05, 1.0, 1.0, 0.95, 0.85, 0.7, 1.0, 1.05, 1.05, 0.85];

/** Billing runs on the 10th of the month after a period: readings of periods ending before then are posted. */
const POSTED_AFTER_DAYS = 10;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

function equipmentIdOf(index: number): string {
  const n = 5_000_001 + index;
  return `${Math.floor(n / 1_000_000)}.${pad(Math.floor(n / 1000) % 1000, 3)}.${pad(n % 1000, 3)}`;
}

interface Month {
  period: string;
  /** Day offsets from the history's first day (the index into `days`). */
  first: number;
  last: number;
  monthIndex: number;
}

/**
 * Dates as day offsets into one table of ISO strings, so the millions of date steps are
 * array lookups instead of parsing.
 */
class Calendar {
  readonly start: IsoDate;
  readonly days: IsoDate[] = [];
  readonly months: Month[] = [];
  readonly today: number;

  constructor(start: IsoDate, today: IsoDate) {
    this.start = start;
    this.today = daysBetween(start, today);
    const last = endOfMonth(addMonths(today, 1));
    for (let day = start; day <= last; day = addDays(day, 1)) this.days.push(day);
    for (let month = start; month <= today; month = addMonths(month, 1)) {
      this.months.push({
        period: month.slice(0, 7),
        first: this.offset(month),
        last: this.offset(endOfMonth(month)),
        monthIndex: Number(month.slice(5, 7)) - 1,
      });
    }
  }

  offset(date: IsoDate): number {
    return daysBetween(this.start, date);
  }

  date(offset: number): IsoDate {
    const date = this.days[offset];
    if (date === undefined) throw new RangeError(`day ${offset} is outside the generated calendar`);
    return date;
  }

  monthOf(offset: number): number {
    const first = this.date(offset).slice(0, 7);
    return this.months.findIndex((month) => month.period === first);
  }
}

interface PlannedCustomer {
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string[];
  devices: number;
}

function planCustomers(random: Random, options: GenerateOptions): PlannedCustomer[] {
  const customers: PlannedCustomer[] = [];
  const weights: number[] = [];
  for (let i = 0; i < options.customers; i++) {
    const language = random.weighted<Language>([['de', 55], ['fr', 35], ['en', 10]]);
    const names = NAMES[language];
    const person = random.pick(names.people);
    const name = `${person} ${random.pick(names.trades)} ${random.pick(names.forms)}`;
    const number = String(100_001 + i);
    const webReading = random.chance(0.35);
    const domain = `${person.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()}-${number}.example`;
    const emails = webReading ? [`info@${domain}`, ...(random.chance(0.2) ? [`compta@${domain}`] : [])] : [];
    customers.push({ number, name, language, webReading, emails, devices: 1 });
    // Few large customers, many small ones: e^(0..4.5) spans 1 to 90.
    weights.push(Math.exp(random.next() * 4.5));
  }
  const cumulative: number[] = [];
  weights.reduce((sum, weight, i) => (cumulative[i] = sum + weight), 0);
  const total = cumulative[cumulative.length - 1] ?? 0;
  for (let extra = options.devices - options.customers; extra > 0; extra--) {
    const r = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    customers[lo]!.devices += 1;
  }
  return customers;
}

interface DeviceUsage {
  /** Pages per month at the history's start, per counter kind. */
  monthly: Map<CounterKind, number>;
  /** Growth per year (−8 % … +8 %). */
  trend: number;
}

export function generateDealer(db: Database, options: GenerateOptions): GenerateCounts {
  const problem = checkGenerateOptions(options);
  if (problem) throw new RangeError(problem);
  const random = new Random(options.seed);
  const calendar = new Calendar(startOfMonth(addMonths(options.today, -12 * options.years)), options.today);
  const planned = planCustomers(random, options);
  const counts: GenerateCounts = { customers: 0, emails: 0, contracts: 0, terms: 0, devices: 0, deviceCounters: 0, readings: 0, counters: 0, rows: 0 };

  return withBulkCache(db, () =>
    db.transaction(() => {
      const existing = countCustomers(db);
      if (existing > 0) throw new GenerateRefusedError(existing);
      return withoutBulkIndexes(db, () => writeDealer(db, random, calendar, planned, counts));
    }),
  );
}

function writeDealer(db: Database, random: Random, calendar: Calendar, planned: PlannedCustomer[], counts: GenerateCounts): GenerateCounts {
  const lastMonth = calendar.months.length - 1;
  const at = (offset: number, time: string) => `${calendar.date(offset)}T${time}.000Z`;
  const bulk = readingsBulk(db);
  let deviceIndex = 0;
  for (const customer of planned) {
    const created = at(0, '07:00:00');
    const customerId = db.run(
      `INSERT INTO customers (number, name, language, web_reading, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [customer.number, customer.name, customer.language, customer.webReading ? 1 : 0, created, created],
    ).lastInsertRowid;
    counts.customers += 1;
    for (const email of customer.emails) {
      db.run('INSERT INTO customer_emails (customer_id, email) VALUES (?, ?)', [customerId, email]);
      counts.emails += 1;
    }
    const contractCount = Math.min(customer.devices, 1 + Math.floor(customer.devices / 12) + (random.chance(0.1) ? 1 : 0));
    for (let c = 0; c < contractCount; c++) {
      const devices = Math.floor(customer.devices / contractCount) + (c < customer.devices % contractCount ? 1 : 0);
      const interval = random.weighted<1 | 3 | 12>([[1, 75], [3, 18], [12, 7]]);
      const rhythm = { intervalMonths: interval, startMonth: interval === 1 ? 1 : random.int(1, 12) };
      // Most contracts start in the history's first month; the others later, up to two months ago.
      const startMonth = random.chance(0.7) ? 0 : random.int(0, Math.max(0, lastMonth - 2));
      const month = calendar.months[startMonth]!;
      const start = Math.min(month.first + random.int(0, 27), calendar.today);
      const number = `V-${customer.number}-${pad(c + 1, 2)}`;
      const contractId = db.run(
        `INSERT INTO contracts (customer_id, number, start_date, interval_months, start_month, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [customerId, number, calendar.date(start), rhythm.intervalMonths, rhythm.startMonth, at(start, '08:00:00'), at(start, '08:00:00')],
      ).lastInsertRowid;
      counts.contracts += 1;
      counts.terms += writeTerms(db, random, calendar, contractId, start, rhythm);

      for (let p = 0; p < devices; p++) {
        // The first device (lowest position) comes with the contract; later ones are added over time.
        const install = p === 0 || random.chance(0.7) ? start : random.int(start, Math.max(start, calendar.today - 20));
        const [model, colour] = random.pick(MODELS);
        const device = {
          customerNumber: customer.number,
          customerName: customer.name,
          contractNumber: number,
          model,
          position: pad(p + 1, 4),
          location: random.pick(LOCATIONS[customer.language]),
          equipmentId: equipmentIdOf(deviceIndex),
          serialNumber: `${model.slice(0, 1)}${pad(random.int(0, 999_999_999), 9)}`,
        };
        deviceIndex += 1;
        const installed = at(install, '08:00:00');
        const deviceId = db.run(
          `INSERT INTO devices (contract_id, position, model, location, equipment_id, serial_number, install_date, search_text, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [contractId, device.position, model, device.location, device.equipmentId, device.serialNumber, calendar.date(install),
            deviceSearchText(device), installed, installed],
        ).lastInsertRowid;
        db.run('INSERT INTO device_contracts (device_id, valid_from, contract_id) VALUES (?, ?, ?)', [deviceId, calendar.date(install), contractId]);
        counts.devices += 1;
        const kinds: CounterKind[] = colour ? ['black', 'color'] : ['black'];
        const used = random.chance(0.4);
        const startValues = new Map<CounterKind, number>();
        for (const kind of kinds) {
          const value = used ? random.int(5_000, kind === 'black' ? 400_000 : 150_000) : random.int(0, 3_000);
          startValues.set(kind, value);
          counts.deviceCounters += 1;
          db.run('INSERT INTO device_counters (device_id, kind, start_value) VALUES (?, ?, ?)', [deviceId, kind, value]);
        }
        // 300 to 25,000 black pages a month, evenly spread on a log scale; colour a fraction of it.
        const black = Math.exp(Math.log(300) + random.next() * Math.log(25_000 / 300));
        const usage: DeviceUsage = {
          monthly: new Map(kinds.map((kind) => [kind, kind === 'black' ? black : black * (0.1 + random.next() * 0.6)])),
          trend: (random.next() - 0.5) * 0.16,
        };
        const written = writeReadings(bulk, random, calendar, {
          deviceId,
          install,
          rhythm,
          startValues,
          usage,
          source: () => readingSource(random, customer),
        });
        counts.readings += written.readings;
        counts.counters += written.counters;
      }
    }
  }
  bulk.readings.flush();
  const { customers, emails, contracts, terms, devices, deviceCounters, readings, counters } = counts;
  counts.rows = customers + emails + contracts + terms + devices * 2 + deviceCounters + readings + counters;
  return counts;
}

/** The tables that take millions of rows. */
const BULK_TABLES = ['readings', 'reading_counters'];

/**
 * Runs `fn` with the secondary indexes of the bulk tables dropped, then creates them again from
 * their own SQL text, so the schema ends up exactly as the migrations left it. Readings come in
 * device by device, which puts each of them at a random place in the indexes by status or
 * validity: millions of B-tree inserts that each touch another page. CREATE INDEX sorts the
 * finished table once instead. Inside the caller's transaction, so a failure restores them.
 */
function withoutBulkIndexes<T>(db: Database, fn: () => T): T {
  const indexes = db.all<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')}) ORDER BY rowid`,
    BULK_TABLES,
  );
  for (const index of indexes) db.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
  const result = fn();
  for (const index of indexes) db.exec(index.sql);
  return result;
}

/** SQLite's page cache while generating, in KiB. */
const BULK_CACHE_KIB = 512 * 1024;

/** Runs `fn` with a page cache that holds the bulk tables' B-trees, then with the connection's own again. */
function withBulkCache<T>(db: Database, fn: () => T): T {
  const cache = db.pragma('cache_size') as number;
  // Negative: a size in KiB rather than a number of pages.
  db.pragma(`cache_size = ${-BULK_CACHE_KIB}`);
  try {
    return fn();
  } finally {
    db.pragma(`cache_size = ${cache}`);
  }
}

/**
 * Where a dealer is generated into a folder without a database: meterdesk opens only
 * `meterdesk.sqlite`, so a run killed midway leaves a file nobody takes for a dealer (and the
 * next run starts it over).
 */
export function generatingFile(dataDir: string): string {
  return `${databaseFile(dataDir)}.generating`;
}

/**
 * A dealer in the data folder `dataDir`, dated `now` in the folder's time zone. Into a folder
 * without a database the fast way: the file is written under another name without a rollback
 * journal on disk and without waiting for the disk, then handed over in meterdesk's own mode
 * (WAL), flushed to the disk and renamed. That is safe only because the file is new: nothing in
 * it can be lost but the dealer being made. A folder that has a database gets the dealer in
 * its ordinary mode, if it holds no customers yet.
 */
export function generateDealerFolder(
  dataDir: string,
  sizes: Omit<GenerateOptions, 'today'>,
  now: () => Date = () => new Date(),
): { counts: GenerateCounts; today: IsoDate } {
  const holder = dataDirHolder(dataDir);
  if (holder !== null) throw new GenerateRefusedError(`meterdesk (process ${holder}) is running on this data folder`);
  const unlock = lockDataDir(dataDir);
  try {
    return generateInto(dataDir, sizes, now);
  } finally {
    unlock();
  }
}

/** The database file or what SQLite keeps beside it (a WAL left by a crash is replayed on open). */
const DATABASE_SUFFIXES = ['', '-wal', '-shm', '-journal'];
const APPEARED = 'a database appeared in the data folder while the dealer was generated';

function generateInto(
  dataDir: string,
  sizes: Omit<GenerateOptions, 'today'>,
  now: () => Date,
): { counts: GenerateCounts; today: IsoDate } {
  const target = databaseFile(dataDir);
  // A -wal without its database (meterdesk crashed, the file was deleted) would be replayed
  // onto a file renamed into its place: only a folder with none of them takes the fast way.
  if (DATABASE_SUFFIXES.some((suffix) => existsSync(`${target}${suffix}`))) {
    const db = Database.open({ file: target });
    try {
      const today = todayIn(readSettings(db).timeZone, now());
      return { counts: generateDealer(db, { ...sizes, today }), today };
    } finally {
      db.close();
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const file = generatingFile(dataDir);
  const removeFile = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  };
  removeFile();
  let db: Database | undefined;
  try {
    db = Database.open({ file });
    const today = todayIn(readSettings(db).timeZone, now());
    // The rollback journal in memory (the driver refuses OFF): the transaction can still roll back.
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    // The sorting for CREATE INDEX in memory rather than in temporary files.
    db.pragma('temp_store = MEMORY');
    const counts = generateDealer(db, { ...sizes, today });
    const mode = db.pragma('journal_mode = WAL');
    if (mode !== 'wal') throw new Error(`the generated database stayed in journal mode ${String(mode)}`);
    db.close();
    db = undefined;
    // synchronous = OFF left the pages to the operating system: on the disk before the rename.
    syncToDisk(file);
    // Never over a database that appeared meanwhile: a hard link fails where the name is taken.
    if (DATABASE_SUFFIXES.some((suffix) => existsSync(`${target}${suffix}`))) {
      throw new GenerateRefusedError(APPEARED);
    }
    try {
      linkSync(file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new GenerateRefusedError(APPEARED);
      }
      throw error;
    }
    rmSync(file);
    syncToDisk(dirname(target));
    return { counts, today };
  } catch (error) {
    db?.close();
    removeFile();
    throw error;
  }
}

/** fsync: a file's contents, or a folder's entries (which Windows cannot open: skipped there). */
function syncToDisk(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Black and colour terms from the contract's start, and for some a price rise at the start of a later interval. */
function writeTerms(
  db: Database,
  random: Random,
  calendar: Calendar,
  contractId: number,
  start: number,
  rhythm: { intervalMonths: number; startMonth: number },
): number {
  const black = { free: random.pick([0, 0, 0, 500, 1_000, 2_000, 5_000]), price: 5_000 + 100 * random.int(0, 70) };
  const colour = { free: random.pick([0, 0, 100, 200, 500]), price: 40_000 + 500 * random.int(0, 100) };
  const insert = (from: number, kind: CounterKind, terms: { free: number; price: number }) =>
    db.run('INSERT INTO contract_terms (contract_id, kind, valid_from, free_per_month, price_per_page) VALUES (?, ?, ?, ?, ?)', [
      contractId,
      kind,
      calendar.date(from),
      terms.free,
      terms.price,
    ]);
  insert(start, 'black', black);
  insert(start, 'color', colour);
  if (!random.chance(0.15)) return 2;
  // A change applies from the first day of an interval, never inside a billed period.
  const firstMonth = calendar.monthOf(start) + 1;
  const due = calendar.months.slice(firstMonth, -1).filter((month) => isDueIn(rhythm, month.period));
  if (due.length === 0) return 2;
  const from = random.pick(due).last + 1;
  const rise = 1.03 + random.next() * 0.05;
  insert(from, 'black', { free: black.free, price: Math.round((black.price * rise) / 100) * 100 });
  insert(from, 'color', { free: colour.free, price: Math.round((colour.price * rise) / 100) * 100 });
  return 4;
}

function readingSource(random: Random, customer: PlannedCustomer): { source: ReadingSource; author: string } {
  if (customer.webReading && random.chance(0.7)) return { source: 'web', author: `web ${customer.number}` };
  if (random.chance(0.15)) return { source: 'import', author: 'import fleet' };
  return { source: 'manual', author: random.pick(CLERKS) };
}

/** Readings and their counters on their way into the database, and the next reading's id. */
interface ReadingsBulk {
  readings: BulkInsert;
  counters: BulkInsert;
  nextId: number;
}

function readingsBulk(db: Database): ReadingsBulk {
  const readings = new BulkInsert(db, 'readings', ['id', 'device_id', 'date', 'status', 'valid_from', 'valid_to', 'source', 'author', 'revision', 'created_at', 'updated_at']);
  return {
    readings,
    counters: new BulkInsert(db, 'reading_counters', ['reading_id', 'kind', 'old_value', 'new_value', 'extra_free'], { parent: readings }),
    // The ids SQLite would give (the largest so far plus one), given here as the counters need
    // them before their reading is written.
    nextId: db.get<{ id: number }>('SELECT coalesce(max(id), 0) + 1 AS id FROM readings')!.id,
  };
}

interface DeviceHistory {
  deviceId: number;
  install: number;
  rhythm: { intervalMonths: number; startMonth: number };
  startValues: Map<CounterKind, number>;
  usage: DeviceUsage;
  source: () => { source: ReadingSource; author: string };
}

/**
 * The device's readings, one per due period from its installation on: dated between the
 * 20th (the request e-mails) and the 4th of the next month, validity from the day after the
 * previous one's end to the end of the due month. A few periods are missing (the next reading
 * then covers them), and the current period's readings come in only up to today.
 */
function writeReadings(bulk: ReadingsBulk, random: Random, calendar: Calendar, device: DeviceHistory): { readings: number; counters: number } {
  let readings = 0;
  let counters = 0;
  let validFrom = device.install;
  const current = new Map(device.startValues);
  for (let m = calendar.monthOf(device.install); m < calendar.months.length; m++) {
    const month = calendar.months[m]!;
    if (!isDueIn(device.rhythm, month.period)) continue;
    // A device installed in the last days of a due month is first read in the next one.
    if (month.last - device.install < 10) continue;
    const windowOpen = Math.max(month.first + 19, device.install + 1);
    const date = random.int(windowOpen, month.last + DEFAULT_CUTOFF_DAY);
    const missing = random.chance(0.03);
    if (date > calendar.today || missing) continue;
    const validTo = month.last;
    const posted = calendar.today >= validTo + POSTED_AFTER_DAYS;
    const { source, author } = device.source();
    const created = `${calendar.date(date)}T${pad(random.int(6, 17), 2)}:${pad(random.int(0, 59), 2)}:00.000Z`;
    const updated = posted ? `${calendar.date(validTo + POSTED_AFTER_DAYS)}T05:00:00.000Z` : created;
    const readingId = bulk.nextId++;
    bulk.readings.add([readingId, device.deviceId, calendar.date(date), posted ? '21' : '01', calendar.date(validFrom), calendar.date(validTo), source,
      author, posted ? 2 : 0, created, updated]);
    readings += 1;
    const months = (validTo - validFrom + 1) / 30.4375;
    const years = (validTo - device.install) / 365.25;
    for (const [kind, monthly] of device.usage.monthly) {
      const old = current.get(kind) ?? 0;
      const pages = Math.round(monthly * months * SEASON[month.monthIndex]! * (1 + device.usage.trend) ** years * (0.75 + random.next() * 0.5));
      // Now and then test prints or a jam the dealer does not bill.
      const extraFree = random.chance(0.02) ? Math.min(pages, random.int(10, 200)) : 0;
      bulk.counters.add([readingId, kind, old, old + pages, extraFree]);
      current.set(kind, old + pages);
      counters += 1;
    }
    validFrom = validTo + 1;
  }
  return { readings, counters };
}
