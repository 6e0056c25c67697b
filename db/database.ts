/**
 * The one wrapper around better-sqlite3: nothing else in meterdesk touches the driver.
 * Opens the file with WAL and foreign keys, applies the numbered migrations in one
 * transaction (version in `PRAGMA user_version`), refuses a database from a newer meterdesk,
 * and snapshots an existing database before migrating it.
 */
import BetterSqlite3 from 'better-sqlite3';
import { closeSync, fdatasync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve as absolutePath } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lower case without accents, so `comptabilite` finds `COMPTABILITÉ`. */
export function searchable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export type SqlValue = string | number | bigint | null | Buffer;
export type SqlParams = Record<string, SqlValue | boolean | undefined> | SqlValue[];

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} is out of sequence (expected ${index + 1})`);
    }
  });
  return migrations;
}

export class DatabaseFromTheFutureError extends Error {
  constructor(found: number, known: number) {
    super(
      `this database has schema version ${found}, but this meterdesk knows only up to ${known}: ` +
        'it was written by a newer meterdesk, update meterdesk to open it',
    );
    this.name = 'DatabaseFromTheFutureError';
  }
}

/**
 * What a failed write means for the person who tried it, when the cause is the storage rather
 * than the code: the disk full, or the file not writable. SQLite rolled the transaction back,
 * so nothing was saved; null for any other error.
 */
export function storageFailure(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code === 'SQLITE_FULL') return 'the disk is full: nothing was saved; free some space on the disk and try again';
  if (code.startsWith('SQLITE_READONLY')) {
    return 'the database is read-only: nothing was saved; check that the data folder and its files can be written';
  }
  return null;
}

/** Pages in the write-ahead log at which a commit checkpoints it (see `Database.open`). */
export const CHECKPOINT_PAGES = 50;

export interface OpenOptions {
  file: string;
  migrationsDir?: string;
  readonly?: boolean;
}

function normalise(params: SqlParams): SqlParams {
  if (Array.isArray(params)) return params;
  const out: Record<string, SqlValue> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = value === undefined ? null : typeof value === 'boolean' ? Number(value) : value;
  }
  return out;
}

function stampOf(writes: number, tableWrites: ReadonlyMap<string, number>, reads?: readonly string[]): number {
  let stamp = writes;
  if (reads) for (const table of reads) stamp += tableWrites.get(table) ?? 0;
  else for (const count of tableWrites.values()) stamp += count;
  return stamp;
}

export class Database {
  private readonly db: BetterSqlite3.Database;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** The statements of `rows`, in raw mode (a statement's mode is its own, hence apart). */
  private readonly rawStatements = new Map<string, BetterSqlite3.Statement>();
  /**
   * Statements run through this connection that may have written, except those declared to
   * change one table only (`runIn`), which are counted by table.
   */
  private writes = 0;
  private readonly tableWrites = new Map<string, number>();
  /** `PRAGMA data_version` as read in the current synchronous run (see `dataVersion`). */
  private dataVersionNow: number | null = null;
  /**
   * One transaction function for every `transaction(fn)`: better-sqlite3 builds a new one
   * (five variants) on each `db.transaction()`, which showed in every portal post. It decides
   * between BEGIN and SAVEPOINT at each call, so nesting works as before.
   */
  private readonly inTransactionOf: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;
  /** `PRAGMA data_version` as read in the transaction under way (see `dataVersion`). */
  private dataVersionOfTransaction: number | null = null;
  /** The write counts when the transaction under way began (see `writeStampAtBegin`). */
  private writesAtBegin = 0;
  private tableWritesAtBegin = new Map<string, number>();
  readonly file: string;
  /** In WAL mode, with a log file beside it (see `transactionNotSynced`). */
  private wal = false;
  /** The write-ahead log, opened by the first `syncLog`, and its syncs under way. */
  private logFd: number | null = null;
  private syncsUnderWay = 0;
  private readonly logFile: string;

  private constructor(db: BetterSqlite3.Database, file: string) {
    this.db = db;
    this.file = file;
    this.logFile = absolutePath(`${file}-wal`);
    this.inTransactionOf = db.transaction((fn: () => unknown) => fn());
  }

  static open(options: OpenOptions): Database {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const raw = new BetterSqlite3(options.file, { readonly: options.readonly ?? false });
    const database = new Database(raw, options.file);
    try {
      raw.pragma('busy_timeout = 5000');
      // Lower case without accents, as the search fields compare text.
      raw.function('searchable', { deterministic: true }, (text: unknown) =>
        typeof text === 'string' ? searchable(text) : text,
      );
      raw.pragma('foreign_keys = ON');
      if (!options.readonly) {
        database.wal = raw.pragma('journal_mode = WAL', { simple: true }) === 'wal';
        // FULL: a clerk's saved reading survives a power cut, not only a crash.
        raw.pragma('synchronous = FULL');
        raw.pragma('cache_size = -65536');
        // A checkpoint runs inside the commit that takes the log past this many pages, and
        // waits for the disk twice. At SQLite's 1,000 one clerk's save in a hundred waited
        // 4–6 ms for it (the whole p99 of `npm run bench`); at 50 each checkpoint is small
        // (save p99 1.5 ms), and the log stays a few hundred kilobytes. A large transaction
        // (an import, a sync) is checkpointed at its commit either way.
        raw.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
        database.migrate(loadMigrations(options.migrationsDir));
      }
    } catch (error) {
      raw.close();
      throw error;
    }
    return database;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(migrations: Migration[]): void {
    const current = this.schemaVersion;
    const latest = migrations.length;
    if (current > latest) throw new DatabaseFromTheFutureError(current, latest);
    if (current === latest) return;
    if (current > 0 && this.file !== ':memory:') {
      // A copy of the data as it was, in case a migration turns out wrong.
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const target = join(dirname(this.file), 'backups', `pre-migration-v${current}-${stamp}.sqlite`);
      mkdirSync(dirname(target), { recursive: true });
      this.db.prepare('VACUUM INTO ?').run(target);
    }
    // SQLite's way to rebuild a table (a changed CHECK): foreign keys off while the tables are
    // swapped, so dropping the old one cascades nothing, then every reference checked before
    // the commit. The pragma has no effect inside a transaction, hence outside.
    this.db.pragma('foreign_keys = OFF');
    try {
      this.db.transaction(() => {
        for (const migration of migrations.slice(current)) this.db.exec(migration.sql);
        const broken = this.db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) {
          throw new Error(`the migration left ${broken.length} broken references; nothing was changed`);
        }
        this.db.pragma(`user_version = ${latest}`);
      })();
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  /** The prepared statement of `sql`, kept; `raw`: one that gives rows as arrays (`rows`). */
  private statement(sql: string, raw = false): BetterSqlite3.Statement {
    const cache = raw ? this.rawStatements : this.statements;
    let statement = cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (raw) statement.raw(true);
      cache.set(sql, statement);
    }
    return statement;
  }

  /** The statement, counted as a possible write unless SQLite knows it only reads. */
  private counted(sql: string, raw = false): BetterSqlite3.Statement {
    const statement = this.statement(sql, raw);
    if (!statement.readonly) this.writes++;
    return statement;
  }

  get<T>(sql: string, params: SqlParams = []): T | undefined {
    return this.counted(sql).get(normalise(params)) as T | undefined;
  }

  all<T>(sql: string, params: SqlParams = []): T[] {
    return this.counted(sql).all(normalise(params)) as T[];
  }

  /**
   * `all`, each row as an array of its columns in the SELECT's order rather than an object:
   * better-sqlite3 builds a row object at about twice the cost (measured on a device's chain).
   */
  rows<T extends unknown[]>(sql: string, params: SqlParams = []): T[] {
    return this.counted(sql, true).all(normalise(params)) as T[];
  }

  run(sql: string, params: SqlParams = []): { changes: number; lastInsertRowid: number } {
    const result = this.counted(sql).run(normalise(params));
    return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /**
   * `run` for a statement that changes `table` and nothing else: no trigger, no cascade, no
   * other table. Counted as a change of that table alone, so that a `ReadCache` whose loads do
   * not read it keeps its entries (`writeStamp`). For the portal's value post: run for every
   * post, it emptied the cache of the visits' sessions on every commit.
   */
  runIn(table: string, sql: string, params: SqlParams = []): { changes: number; lastInsertRowid: number } {
    const result = this.statement(sql).run(normalise(params));
    this.tableWrites.set(table, (this.tableWrites.get(table) ?? 0) + 1);
    return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /** Runs SQL text that takes no parameters, such as DDL, without caching a statement for it. */
  exec(sql: string): void {
    // It may write: counted like any statement that may.
    this.writes++;
    this.db.exec(sql);
  }

  /**
   * Runs `fn` in one transaction like `transaction`, but its COMMIT does not wait for the disk:
   * `synchronous = NORMAL` for it, so the write-ahead log's new frames are written, not synced.
   * Until `syncLog()` has synced the log a power cut may lose it (a crash of the process does
   * not, and the file stays sound either way: checkpoints still sync). For group commit, which
   * answers only once the log is synced and keeps the event loop free while the disk works.
   * Outside WAL mode (an in-memory database) it is `transaction`.
   */
  transactionNotSynced<T>(fn: () => T): T {
    if (this.db.inTransaction) throw new Error('transactionNotSynced must not be nested in a transaction');
    if (!this.wal) return this.transaction(fn);
    this.db.pragma('synchronous = NORMAL');
    try {
      // IMMEDIATE: the write lock from its start, so that what it reads first (such as
      // `dataVersion`) is what it writes on; group commit's batches always write.
      this.beginning();
      return this.inTransactionOf.immediate(fn) as T;
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /**
   * Syncs the write-ahead log to the disk (fdatasync on the libuv thread pool, not on the event
   * loop): every transaction committed before the call is then durable. The log is opened once,
   * by its absolute path, and kept open: SQLite creates it when the connection first reads and
   * removes it only when the last connection closes, and this one is open. A log that is not
   * there is an error (the file was moved or removed under meterdesk).
   */
  syncLog(): Promise<void> {
    if (!this.wal) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (!this.db.open) return reject(new Error('the database is closed: its log cannot be synced'));
      try {
        this.logFd ??= openSync(this.logFile, 'r+');
      } catch (error) {
        return reject(error instanceof Error ? error : new Error(String(error)));
      }
      this.syncsUnderWay += 1;
      fdatasync(this.logFd, (error) => {
        this.syncsUnderWay -= 1;
        // A close while the sync was under way left the log open for it.
        if (!this.db.open && this.syncsUnderWay === 0) this.closeLog();
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private closeLog(): void {
    if (this.logFd !== null) closeSync(this.logFd);
    this.logFd = null;
  }

  /**
   * Runs `fn` in one transaction (nested calls become savepoints); a throw rolls it all back.
   * What it wrote is counted statement by statement as it runs (`writeStamp`): a rollback undoes
   * no change that was not counted.
   */
  transaction<T>(fn: () => T): T {
    if (!this.db.inTransaction) this.beginning();
    return this.inTransactionOf(fn) as T;
  }

  /** What a transaction that begins (not a savepoint in one) starts from. */
  private beginning(): void {
    this.dataVersionOfTransaction = null;
    this.writesAtBegin = this.writes;
    if (this.tableWrites.size > 0) this.tableWritesAtBegin = new Map(this.tableWrites);
  }

  /**
   * A number that changes whenever this connection may have changed what a read of the tables
   * `reads` (any table when left out) returns: with every statement run through it that may
   * write, except those declared confined to another table (`runIn`).
   * With `dataVersion` (other connections' commits), what `ReadCache` compares. Inside a
   * transaction it counts the transaction's own writes too, which may yet be rolled back.
   */
  writeStamp(reads?: readonly string[]): number {
    return stampOf(this.writes, this.tableWrites, reads);
  }

  /**
   * `writeStamp` as it was when the transaction under way began: equal to `writeStamp` while
   * the transaction has not written what `reads` names, so that what it reads of those tables
   * is committed and cannot be rolled back with it.
   */
  writeStampAtBegin(reads?: readonly string[]): number {
    return stampOf(this.writesAtBegin, this.tableWritesAtBegin, reads);
  }

  /**
   * SQLite's `PRAGMA data_version`: changes with every commit by another connection to the
   * file, in this process or another (not with this connection's own).
   *
   * Inside a transaction it is asked once: what the transaction reads (its snapshot) moves
   * with no other connection's commit, and asking takes no lock of its own there. Outside one,
   * once per synchronous run of JavaScript (a request's handler may ask several times, and
   * each asking takes a read lock on the file). This holds as long as no other connection
   * in the same process writes to the file within that run — in meterdesk each process writes
   * a file through one connection — since another process's commit can only be learnt of
   * through I/O, whose callback starts a new run.
   */
  dataVersion(): number {
    // In a transaction: what it reads, which moves with no other connection's commit.
    if (this.db.inTransaction) return (this.dataVersionOfTransaction ??= this.askDataVersion());
    if (this.dataVersionNow === null) {
      this.dataVersionNow = this.askDataVersion();
      queueMicrotask(() => (this.dataVersionNow = null));
    }
    return this.dataVersionNow;
  }

  private askDataVersion(): number {
    return (this.statement('PRAGMA data_version').get() as { data_version: number }).data_version;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** An online copy of the database (SQLite's backup API): consistent while others write. */
  async backupTo(file: string): Promise<void> {
    await this.db.backup(file);
  }

  /**
   * Makes a backup copy self-contained (rollback journal, no -wal/-shm beside it) and returns
   * its integrity check ('ok' when sound).
   */
  static sealCopy(file: string): string {
    const raw = new BetterSqlite3(file);
    try {
      raw.pragma('journal_mode = DELETE');
      return raw.pragma('integrity_check', { simple: true }) as string;
    } finally {
      raw.close();
    }
  }

  /**
   * A copy (a backup) opened as it is, to change in place: no migration (its schema stays the
   * one it was made with) and no WAL (a backup is self-contained, `sealCopy`).
   */
  static openCopy(file: string): Database {
    const raw = new BetterSqlite3(file, { fileMustExist: true });
    raw.pragma('foreign_keys = ON');
    return new Database(raw, file);
  }

  /** 'ok' or the first problem; `quick`: SQLite's quick_check (no index against its table, O(N)). */
  integrityCheck(depth: 'full' | 'quick' = 'full'): string {
    return this.db.pragma(depth === 'quick' ? 'quick_check' : 'integrity_check', { simple: true }) as string;
  }

  pragma(source: string): unknown {
    this.writes++;
    return this.db.pragma(source, { simple: true });
  }

  close(): void {
    this.statements.clear();
    this.rawStatements.clear();
    if (this.db.open) this.db.close();
    // Not under a sync still running: the last one to finish closes it.
    if (this.syncsUnderWay === 0) this.closeLog();
  }
}
