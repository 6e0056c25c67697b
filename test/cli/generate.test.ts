import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../db/database';
import { generatingFile } from '../../src-main/core/generate';
import { databaseFile } from '../../src-main/core/paths';
import { tempDir } from '../db/helpers';
import { killWhen, startCli } from '../faults/helpers';
import { cli } from './helpers';

/** The schema as SQLite keeps it, without the page numbers (a rebuilt index lives elsewhere in the file). */
function schemaOf(file: string): unknown[] {
  const db = Database.open({ file });
  try {
    return db.all('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
  } finally {
    db.close();
  }
}

describe('npm run cli -- generate', () => {
  it('fills an empty folder, prints the counts and seconds, and refuses to run twice (exit 1)', () => {
    const dir = tempDir();
    const first = cli('generate', '--data', dir, '--customers', '20', '--devices', '60', '--years', '2', '--seed', '3');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`generated a dealer into ${dir} (seed 3, 2 years up to `);
    expect(first.out).toMatch(/20 customers \(\d+ e-mail addresses\), \d+ contracts \(\d+ terms\), 60 devices \(\d+ counters\), \d+ readings \(\d+ counter values\)/);
    expect(first.out).toMatch(/\d+ rows in \d+\.\d s \(\d+ rows\/s, one transaction\)/);
    const again = cli('generate', '--data', dir, '--customers', '20', '--devices', '60', '--years', '2');
    expect(again.code).toBe(1);
    expect(again.out).toContain('already holds 20 customer(s)');
    expect(again.out).toContain('nothing was changed');
  });

  it("leaves only the database in the folder, sound, in meterdesk's mode and with the migrations' schema", () => {
    const dir = tempDir();
    // What a run killed midway leaves behind is started over.
    writeFileSync(generatingFile(dir), 'half a dealer');
    expect(cli('generate', '--data', dir, '--customers', '20', '--devices', '60', '--years', '2').code).toBe(0);
    expect(readdirSync(dir)).toEqual(['meterdesk.sqlite']);
    const fresh = join(tempDir(), 'fresh.sqlite');
    expect(schemaOf(databaseFile(dir))).toEqual(schemaOf(fresh));
    const db = Database.open({ file: databaseFile(dir), readonly: true });
    try {
      expect(db.pragma('journal_mode')).toBe('wal');
      expect(db.integrityCheck()).toBe('ok');
      expect(db.all('SELECT * FROM pragma_foreign_key_check')).toEqual([]);
      expect(db.get('SELECT count(*) AS n FROM devices')).toEqual({ n: 60 });
    } finally {
      db.close();
    }
  });

  it('killed midway, leaves no database that meterdesk would open as a dealer; the next run makes one', async () => {
    const dir = tempDir();
    const sizes = ['--customers', '200', '--devices', '3000', '--years', '10'];
    const run = startCli(['generate', '--data', dir, ...sizes]);
    // Well into the transaction: the file has its schema and the rows are coming in.
    let created: number | undefined;
    const kill = await killWhen(run, () => {
      if (!existsSync(generatingFile(dir))) return false;
      created ??= Date.now();
      return Date.now() - created > 300;
    });
    expect(kill.killed).toBe(true);
    expect(existsSync(databaseFile(dir))).toBe(false);
    expect(existsSync(generatingFile(dir))).toBe(true);
    const again = cli('generate', '--data', dir, ...sizes);
    expect(again.code).toBe(0);
    expect(again.out).toContain('200 customers');
    expect(existsSync(generatingFile(dir))).toBe(false);
  }, 60_000);

  it('is listed in --help; missing or bad sizes are usage errors (exit 2) that create nothing', () => {
    expect(cli('--help').out).toContain('generate --customers N --devices N --years N [--seed N]');
    const dir = join(tempDir(), 'dealer');
    const missing = cli('generate', '--data', dir, '--customers', '20', '--years', '2');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('generate needs --devices N');
    const fewer = cli('generate', '--data', dir, '--customers', '20', '--devices', '5', '--years', '2');
    expect(fewer.code).toBe(2);
    expect(fewer.err).toContain('--devices must be at least customers');
    expect(cli('generate', '--data', dir, '--customers', 'many', '--devices', '5', '--years', '2').code).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });
});
