import BetterSqlite3 from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_PAGES,
  Database,
  DatabaseFromTheFutureError,
  DEFAULT_MIGRATIONS_DIR,
  loadMigrations,
} from '../../db/database';
import { databaseFile } from '../../src-main/core/paths';
import { tempDir } from './helpers';

describe('database and migrations', () => {
  it('creates every table from empty, with WAL, foreign keys and the schema version', () => {
    const dir = tempDir();
    const db = Database.open({ file: databaseFile(dir) });
    try {
      expect(db.schemaVersion).toBe(loadMigrations().length);
      expect(db.pragma('journal_mode')).toBe('wal');
      expect(db.pragma('foreign_keys')).toBe(1);
      const tables = db
        .all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining(['customers', 'contracts', 'contract_terms', 'devices', 'device_counters', 'readings', 'reading_counters', 'audit_log', 'settings']),
      );
      expect(db.integrityCheck()).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('checkpoints the log every few dozen pages, so that no single save waits for a large checkpoint', () => {
    const file = databaseFile(tempDir());
    const db = Database.open({ file });
    try {
      // 400 small transactions (a clerk's saves) write well over 1,000 pages into the log...
      for (let i = 0; i < 400; i++) {
        db.transaction(() => db.run(`INSERT INTO settings (key, value) VALUES (?, ?)`, [`bench.k${i}`, 'x'.repeat(2000)]));
      }
      // ...which is reused from its start after each checkpoint: it never grew past a few of them.
      const pageSize = db.pragma('page_size') as number;
      expect(statSync(`${file}-wal`).size).toBeLessThan(4 * CHECKPOINT_PAGES * (pageSize + 24));
    } finally {
      db.close();
    }
  });

  it('indexes the chain and the status for a large dealer', () => {
    const dir = tempDir();
    const db = Database.open({ file: databaseFile(dir) });
    try {
      const plan = db
        .all<{ detail: string }>(
          "EXPLAIN QUERY PLAN SELECT * FROM readings WHERE device_id = 1 ORDER BY date, id",
        )
        .map((row) => row.detail)
        .join(' ');
      expect(plan).toContain('readings_by_device');
    } finally {
      db.close();
    }
  });

  it('opens an up-to-date database again without migrating or backing up', () => {
    const dir = tempDir();
    Database.open({ file: databaseFile(dir) }).close();
    const db = Database.open({ file: databaseFile(dir) });
    db.close();
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('refuses a database written by a newer meterdesk and leaves it untouched', () => {
    const dir = tempDir();
    const file = databaseFile(dir);
    Database.open({ file }).close();
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => Database.open({ file })).toThrow(DatabaseFromTheFutureError);
    const check = new BetterSqlite3(file);
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    check.close();
  });

  it('backs up an older database before migrating it, and rolls back a failing migration', () => {
    const dir = tempDir();
    const file = databaseFile(dir);
    // Schema 1 with a customer in it, then a migration 2 that fails half-way.
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    copyFileSync(join(DEFAULT_MIGRATIONS_DIR, '0001_init.sql'), join(migrations, '0001_init.sql'));
    Database.open({ file, migrationsDir: migrations }).close();
    const raw = new BetterSqlite3(file);
    raw.prepare(
      "INSERT INTO customers (number, name, language, created_at, updated_at) VALUES ('1', 'A', 'de', 'x', 'x')",
    ).run();
    raw.close();
    writeFileSync(
      join(migrations, '0002_broken.sql'),
      'ALTER TABLE customers ADD COLUMN extra TEXT; INSERT INTO nowhere VALUES (1);',
    );
    expect(() => Database.open({ file, migrationsDir: migrations })).toThrow(/nowhere/);
    const after = new BetterSqlite3(file);
    expect(after.pragma('user_version', { simple: true })).toBe(1);
    expect(after.prepare('SELECT * FROM customers').all()).toHaveLength(1);
    expect(after.prepare("SELECT name FROM pragma_table_info('customers') WHERE name = 'extra'").all()).toEqual([]);
    after.close();
    expect(readdirSync(join(dir, 'backups')).some((f) => f.startsWith('pre-migration-v1-'))).toBe(true);
  });

  it('enforces the constraints: unique equipment IDs, foreign keys, counters that never go down', () => {
    const dir = tempDir();
    const db = Database.open({ file: databaseFile(dir) });
    try {
      db.run(
        "INSERT INTO customers (id, number, name, language, created_at, updated_at) VALUES (1, '999999', 'X', 'fr', 'n', 'n')",
      );
      expect(() =>
        db.run("INSERT INTO customers (number, name, language, created_at, updated_at) VALUES ('999999', 'Y', 'fr', 'n', 'n')"),
      ).toThrow(/UNIQUE/);
      expect(() =>
        db.run("INSERT INTO customers (number, name, language, created_at, updated_at) VALUES ('12a', 'Y', 'fr', 'n', 'n')"),
      ).toThrow(/CHECK/);
      expect(() =>
        db.run(
          "INSERT INTO contracts (customer_id, number, start_date, interval_months, start_month, created_at, updated_at) VALUES (42, 'V', '2026-01-01', 1, 1, 'n', 'n')",
        ),
      ).toThrow(/FOREIGN KEY/);
      expect(() =>
        db.run(
          "INSERT INTO contracts (customer_id, number, start_date, interval_months, start_month, created_at, updated_at) VALUES (1, 'V', '2026-01-01', 2, 1, 'n', 'n')",
        ),
      ).toThrow(/CHECK/);
      db.run(
        "INSERT INTO contracts (id, customer_id, number, start_date, interval_months, start_month, created_at, updated_at) VALUES (1, 1, 'V', '2026-01-01', 1, 1, 'n', 'n')",
      );
      db.run(
        "INSERT INTO devices (id, contract_id, position, model, equipment_id, serial_number, install_date, created_at, updated_at) VALUES (1, 1, '0002', 'M', '3.022.790', 'S', '2026-01-01', 'n', 'n')",
      );
      expect(() =>
        db.run(
          "INSERT INTO devices (contract_id, position, model, equipment_id, serial_number, install_date, created_at, updated_at) VALUES (1, '0003', 'M', '3.022.790', 'S', '2026-01-01', 'n', 'n')",
        ),
      ).toThrow(/UNIQUE/);
      db.run(
        "INSERT INTO readings (id, device_id, date, valid_from, valid_to, source, author, created_at, updated_at) VALUES (1, 1, '2026-01-31', '2026-01-01', '2026-01-31', 'manual', 'a', 'n', 'n')",
      );
      // Below the old value only as a true-up after an estimate (the rules decide), never with extra free copies.
      expect(() =>
        db.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, extra_free) VALUES (1, 'black', 344805, 12305, 1)"),
      ).toThrow(/CHECK/);
      // A meter exchange: both values or neither, the final not below old, the new not below the start.
      expect(() =>
        db.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, final_value) VALUES (1, 'color', 100, 50, 120)"),
      ).toThrow(/CHECK/);
      expect(() =>
        db.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, final_value, start_value) VALUES (1, 'color', 100, 50, 90, 0)"),
      ).toThrow(/CHECK/);
      expect(() =>
        db.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, final_value, start_value) VALUES (1, 'color', 100, 50, 120, 60)"),
      ).toThrow(/CHECK/);
      db.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, final_value, start_value) VALUES (1, 'color', 100, 50, 120, 0)");
      expect(db.get("SELECT usage FROM reading_counters WHERE reading_id = 1 AND kind = 'color'")).toEqual({ usage: 70 });
      db.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, extra_free) VALUES (1, 'black', 344805, 358965, 160)");
      expect(db.get("SELECT usage FROM reading_counters WHERE reading_id = 1 AND kind = 'black'")).toEqual({ usage: 14_000 });
      expect(() => db.run('DELETE FROM devices WHERE id = 1')).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });
});

describe('Database.rows', () => {
  it('gives rows as arrays in the SELECT order, beside the same SQL through all() as objects', () => {
    const db = Database.open({ file: join(tempDir(), 'rows.sqlite') });
    try {
      db.run("INSERT INTO settings (key, value) VALUES ('a', '1'), ('b', '2')");
      const sql = 'SELECT value, key FROM settings WHERE key IN (?, ?) ORDER BY key';
      expect(db.rows(sql, ['a', 'b'])).toEqual([['1', 'a'], ['2', 'b']]);
      // A statement's raw mode is its own: the same SQL through all() still gives objects.
      expect(db.all(sql, ['a', 'b'])).toEqual([{ value: '1', key: 'a' }, { value: '2', key: 'b' }]);
      expect(db.rows(sql, ['b', 'x'])).toEqual([['2', 'b']]);
    } finally {
      db.close();
    }
  });
});

describe('migration 2 (master data)', () => {
  it('moves an existing schema-1 database with devices to schema 2, giving each device its contract history', () => {
    const dir = tempDir();
    const file = databaseFile(dir);
    const v1 = join(dir, 'v1');
    mkdirSync(v1);
    copyFileSync(join(DEFAULT_MIGRATIONS_DIR, '0001_init.sql'), join(v1, '0001_init.sql'));
    const old = Database.open({ file, migrationsDir: v1 });
    old.run("INSERT INTO customers (id, number, name, language, created_at, updated_at) VALUES (1, '999999', 'X', 'fr', 'n', 'n')");
    old.run("INSERT INTO contracts (id, customer_id, number, start_date, interval_months, start_month, created_at, updated_at) VALUES (1, 1, 'V', '2025-01-01', 1, 1, 'n', 'n')");
    old.run("INSERT INTO devices (id, contract_id, position, model, equipment_id, serial_number, install_date, created_at, updated_at) VALUES (7, 1, '0002', 'M', '3.022.790', 'S', '2025-02-03', 'n', 'n')");
    expect(old.schemaVersion).toBe(1);
    old.close();

    const db = Database.open({ file });
    try {
      expect(db.schemaVersion).toBe(loadMigrations().length);
      expect(db.all('SELECT device_id, valid_from, contract_id FROM device_contracts')).toEqual([
        { device_id: 7, valid_from: '2025-02-03', contract_id: 1 },
      ]);
      expect(db.get('SELECT revision, out_of_service FROM devices WHERE id = 7')).toEqual({ revision: 0, out_of_service: null });
      expect(readdirSync(join(dir, 'backups')).some((f) => f.startsWith('pre-migration-v1-'))).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('migration 5 (estimates, meter exchange)', () => {
  it('rebuilds readings, their counters and the billing lines of a schema-4 database without losing a row or a reference', () => {
    const dir = tempDir();
    const file = databaseFile(dir);
    const v4 = join(dir, 'v4');
    mkdirSync(v4);
    for (const name of readdirSync(DEFAULT_MIGRATIONS_DIR).filter((f) => /^000[1-4]_/.test(f))) {
      copyFileSync(join(DEFAULT_MIGRATIONS_DIR, name), join(v4, name));
    }
    const old = Database.open({ file, migrationsDir: v4 });
    old.run("INSERT INTO customers (id, number, name, language, created_at, updated_at) VALUES (1, '999999', 'X', 'fr', 'n', 'n')");
    old.run("INSERT INTO contracts (id, customer_id, number, start_date, interval_months, start_month, created_at, updated_at) VALUES (1, 1, 'V', '2025-01-01', 1, 1, 'n', 'n')");
    old.run("INSERT INTO devices (id, contract_id, position, model, equipment_id, serial_number, install_date, created_at, updated_at) VALUES (7, 1, '0002', 'M', '3.022.790', 'S', '2025-02-03', 'n', 'n')");
    old.run("INSERT INTO readings (id, device_id, date, status, valid_from, valid_to, source, author, created_at, updated_at) VALUES (3, 7, '2025-02-28', '11', '2025-02-03', '2025-02-28', 'web', 'a', 'n', 'n')");
    old.run("INSERT INTO reading_counters (reading_id, kind, old_value, new_value, extra_free) VALUES (3, 'black', 100, 900, 50)");
    old.run("INSERT INTO billing_runs (id, period, state, total, created_at, created_by) VALUES (1, '2025-02', 'billed', 0, 'n', 'a')");
    old.run("INSERT INTO billing_contracts VALUES (1, 1, '2025-02-03', '2025-02-28', 0, 0)");
    old.run("INSERT INTO billing_lines VALUES (1, 1, 'black', 750, 800, 0, 8500, 0)");
    old.run('INSERT INTO billing_readings VALUES (3, 1, 1)');
    old.close();

    const db = Database.open({ file });
    try {
      expect(db.schemaVersion).toBe(loadMigrations().length);
      expect(db.get('SELECT id, status, source FROM readings')).toEqual({ id: 3, status: '11', source: 'web' });
      expect(db.get('SELECT old_value, new_value, extra_free, usage, final_value FROM reading_counters')).toEqual({
        old_value: 100, new_value: 900, extra_free: 50, usage: 750, final_value: null,
      });
      expect(db.get('SELECT usage, billable FROM billing_lines')).toEqual({ usage: 750, billable: 0 });
      expect(db.get('SELECT run_id FROM billing_readings WHERE reading_id = 3')).toEqual({ run_id: 1 });
      expect(db.pragma('foreign_keys')).toBe(1);
      expect(db.all('PRAGMA foreign_key_check')).toEqual([]);
      // The references point at the rebuilt tables: deleting a billed reading is still refused.
      expect(() => db.run('DELETE FROM readings WHERE id = 3')).toThrow(/FOREIGN KEY/);
      db.run("INSERT INTO readings (device_id, date, valid_from, valid_to, source, author, created_at, updated_at) VALUES (7, '2025-03-31', '2025-03-01', '2025-03-31', 'estimate', 'a', 'n', 'n')");
    } finally {
      db.close();
    }
  });
});
