/** Backup and restore on real files: a round trip, retention, and restores that are refused. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../db/database';
import { openPortalDatabase } from '../../db/portal/store';
import { applyPendingRestore, backupNow, dataDirHolder, DEFAULT_MIGRATION_DIRS, lockDataDir, requestRestore, restore, RestoreRefusedError } from '../../src-main/jobs/backup';
import { ApiError } from '../../shared/errors';
import { databaseFile } from '../../src-main/core/paths';
import { loadDemo, openCore, startBrowserMode, startWeb } from '../../src-main/node-main';
import { tempDir } from './helpers';

const customers = (file: string) => {
  const db = Database.open({ file, readonly: true });
  try {
    return db.all<{ number: string }>('SELECT number FROM customers ORDER BY number').map((r) => r.number);
  } finally {
    db.close();
  }
};

describe('backup and restore', () => {
  it('round-trips the database: a backup taken while open, changes after it, then restored', async () => {
    const dir = tempDir();
    const core = openCore({ dataDir: dir });
    loadDemo(core);
    const backup = await backupNow(core.db, dir, 14, new Date('2026-11-23T01:30:00Z'));
    expect(backup.file).toMatch(/backups\/meterdesk-2026-11-23T01-30-00Z\.sqlite$/);
    expect(existsSync(`${backup.file}.partial`)).toBe(false);
    core.db.run("UPDATE customers SET archived = 1 WHERE number = '100234'");
    core.db.run("DELETE FROM customer_emails WHERE customer_id = (SELECT id FROM customers WHERE number = '999999')");
    core.close();

    const result = restore(dir, backup.file, new Date('2026-11-23T10:00:00Z'));
    expect(result.previous).toMatch(/pre-restore-/);
    const restored = Database.open({ file: databaseFile(dir) });
    try {
      expect(restored.integrityCheck()).toBe('ok');
      expect(restored.get<{ archived: number }>("SELECT archived FROM customers WHERE number = '100234'")!.archived).toBe(0);
      expect(restored.get<{ n: number }>('SELECT count(*) AS n FROM customer_emails')!.n).toBeGreaterThan(0);
    } finally {
      restored.close();
    }
    // What the restore replaced is kept, with the change made after the backup.
    const previous = Database.open({ file: result.previous!, readonly: true });
    expect(previous.get<{ archived: number }>("SELECT archived FROM customers WHERE number = '100234'")!.archived).toBe(1);
    previous.close();
  });

  it("restores the portal's database from its own backup, leaving the back-office's alone", async () => {
    const dir = tempDir();
    const core = openCore({ dataDir: dir });
    loadDemo(core);
    const portal = openPortalDatabase(join(dir, 'portal.sqlite'));
    portal.run("INSERT INTO portal_config (key, value) VALUES ('contact', 'before')");
    const backup = await backupNow(core.db, dir, 14, new Date('2026-11-23T01:30:00Z'));
    expect(backup.portalFile).toMatch(/backups\/portal-2026-11-23T01-30-00Z\.sqlite$/);
    portal.run("UPDATE portal_config SET value = 'after'");
    portal.close();
    core.db.run("UPDATE customers SET archived = 1 WHERE number = '100234'");
    core.close();

    const result = restore(dir, backup.portalFile!, new Date('2026-11-23T10:00:00Z'));
    expect(result).toMatchObject({ kind: 'portal', restored: join(dir, 'portal.sqlite') });
    expect(result.previous).toMatch(/backups\/pre-restore-portal-2026-11-23T10-00-00Z\.sqlite$/);
    const config = (file: string) => {
      const db = openPortalDatabase(file);
      try {
        return db.get<{ value: string }>("SELECT value FROM portal_config WHERE key = 'contact'")!.value;
      } finally {
        db.close();
      }
    };
    expect(config(join(dir, 'portal.sqlite'))).toBe('before');
    expect(config(result.previous!)).toBe('after');
    // The back-office's database is not the portal's: its change after the backup stands.
    const office = Database.open({ file: databaseFile(dir), readonly: true });
    expect(office.get<{ archived: number }>("SELECT archived FROM customers WHERE number = '100234'")!.archived).toBe(1);
    office.close();
  });

  it('keeps the folder marked while any process on it runs, whichever stops first', async () => {
    const dir = tempDir();
    // The app, then the portal on the same folder (cli portal), each marking it.
    const unlock = lockDataDir(dir);
    const code = `import { lockDataDir } from './src-main/jobs/backup.ts'; lockDataDir(${JSON.stringify(dir)}); console.log(process.pid); setTimeout(() => {}, 20000);`;
    const portal = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', '-e', code]);
    try {
      // The process that marked it (tsx runs the code in a child of its own).
      const marked = await new Promise<number>((resolve, reject) => {
        portal.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        portal.once('exit', (exit) => reject(new Error(`the child stopped (${exit})`)));
      });
      // The app stops first: the portal still holds the folder, and a restore is refused.
      unlock();
      expect(dataDirHolder(dir)).toBe(marked);
    } finally {
      const exited = new Promise((resolve) => portal.once('exit', resolve));
      portal.kill();
      await exited;
    }
    expect(dataDirHolder(dir)).toBeNull();
  });

  it('keeps the newest backups up to the retention', async () => {
    const dir = tempDir();
    const core = openCore({ dataDir: dir });
    try {
      for (let day = 1; day <= 5; day++) await backupNow(core.db, dir, 3, new Date(`2026-11-0${day}T01:30:00Z`));
    } finally {
      core.close();
    }
    expect(readdirSync(join(dir, 'backups')).filter((f) => f.startsWith('meterdesk-')).sort()).toEqual([
      'meterdesk-2026-11-03T01-30-00Z.sqlite',
      'meterdesk-2026-11-04T01-30-00Z.sqlite',
      'meterdesk-2026-11-05T01-30-00Z.sqlite',
    ]);
  });

  it('backs up by hand from the settings screen and lists the backups newest first, keeping backup.keep', async () => {
    const dir = tempDir();
    let now = new Date('2026-11-01T10:00:00Z');
    const core = openCore({ dataDir: dir, now: () => now });
    try {
      loadDemo(core);
      expect(await core.api['backups-list']({})).toEqual({ folder: join(dir, 'backups'), files: [], pending: [], lastRestores: [] });
      await core.api['settings-save']({ values: { 'backup.keep': '2' } });
      for (const day of ['02', '03', '04']) {
        now = new Date(`2026-11-${day}T10:00:00Z`);
        await core.api['backup-now']({});
      }
      const { files } = await core.api['backups-list']({});
      expect(files.filter((f) => f.kind === 'database').map((f) => f.name).sort()).toEqual([
        'meterdesk-2026-11-03T10-00-00Z.sqlite',
        'meterdesk-2026-11-04T10-00-00Z.sqlite',
      ]);
      expect(files.every((f) => f.bytes > 0 && !Number.isNaN(Date.parse(f.at)))).toBe(true);
      // Each one a whole database, the demo's customers in it.
      expect(customers(join(dir, 'backups', 'meterdesk-2026-11-04T10-00-00Z.sqlite'))).toContain('999999');
    } finally {
      core.close();
    }
  });

  it('refuses a damaged file, a foreign one, and any restore while meterdesk runs on the folder — changing nothing', async () => {
    const dir = tempDir();
    const core = openCore({ dataDir: dir });
    loadDemo(core);
    const backup = await backupNow(core.db, dir, 14);
    core.close();
    const before = customers(databaseFile(dir));

    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database');
    expect(() => restore(dir, junk)).toThrow(RestoreRefusedError);
    const foreign = join(dir, 'foreign.sqlite');
    const other = Database.open({ file: foreign, migrationsDir: tempDir() });
    other.close();
    expect(() => restore(dir, foreign)).toThrow(/not a meterdesk database \(nor the portal's\)/);
    expect(customers(databaseFile(dir))).toEqual(before);

    // Another live process holds the folder.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      writeFileSync(join(dir, 'meterdesk.lock'), String(holder.pid));
      expect(dataDirHolder(dir)).toBe(holder.pid);
      expect(() => restore(dir, backup.file)).toThrow(/is running on/);
      // A second meterdesk on the folder keeps the first one's mark, also when it stops.
      lockDataDir(dir)();
      expect(dataDirHolder(dir)).toBe(holder.pid);
    } finally {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.kill();
      await exited;
    }
    // Our own mark is released on stop; a stale one does not block.
    const unlock = lockDataDir(dir);
    unlock();
    expect(existsSync(join(dir, 'meterdesk.lock'))).toBe(false);
    expect(customers(databaseFile(dir))).toEqual(before);
    expect(restore(dir, backup.file).restored).toBe(databaseFile(dir));
  });

  it('restores a backup chosen on the settings screen at the next start, before the databases open, with its portal, keeping what they replaced', async () => {
    const dir = tempDir();
    let now = new Date('2026-11-23T09:00:00Z');
    const core = openCore({ dataDir: dir, author: 'clerk', now: () => now });
    loadDemo(core);
    const web = await startWeb(core, dir, { portal: 'private', scheduler: false, env: { METERDESK_PUBLIC_URL: 'http://portal.invalid' } });
    const { files } = await core.api['backup-now']({});
    await web.stop();
    const backup = files.find((file) => file.kind === 'database')!;
    const portalBackup = files.find((file) => file.kind === 'portal')!;
    core.db.run("UPDATE customers SET name = 'Changed after the backup' WHERE number = '999999'");
    await core.api['backup-restore']({ name: backup.name });
    const asked = await core.api['backup-restore']({ name: portalBackup.name });
    // One request per kind: the pair goes back together, the database first.
    expect(asked.pending.map((request) => [request.name, request.kind, request.requestedBy])).toEqual([
      [backup.name, 'meterdesk', 'clerk'],
      [portalBackup.name, 'portal', 'clerk'],
    ]);
    // Every page of the app says so (app-info); three days on it would be refused at a start, and is no longer announced.
    expect((await core.api['app-info']({})).pendingRestores.map((request) => [request.name, request.kind])).toEqual([
      [backup.name, 'meterdesk'],
      [portalBackup.name, 'portal'],
    ]);
    now = new Date('2026-11-26T09:00:01Z');
    expect((await core.api['app-info']({})).pendingRestores).toEqual([]);
    now = new Date('2026-11-23T09:00:00Z');
    // A backup by hand meanwhile (or the nightly one) keeps the ones asked for, whatever backup.keep says.
    await core.api['settings-save']({ values: { 'backup.keep': '1' } });
    now = new Date('2026-11-23T10:00:00Z');
    await core.api['backup-now']({});
    expect(existsSync(join(dir, 'backups', backup.name))).toBe(true);
    expect(existsSync(join(dir, 'backups', portalBackup.name))).toBe(true);
    // Nothing happens while the app runs.
    expect(core.db.get<{ name: string }>("SELECT name FROM customers WHERE number = '999999'")!.name).toBe('Changed after the backup');
    core.close();

    const start = () =>
      startBrowserMode({ dataDir: dir, host: '127.0.0.1', port: 0, portalPort: 0, staticDir: null, demo: false, scheduler: false, now: () => new Date('2026-11-24T07:00:00Z') });
    const started = await start();
    try {
      expect(started.restored.map(({ name, kind, refused }) => ({ name, kind, refused }))).toEqual([
        { name: backup.name, kind: 'meterdesk', refused: null },
        { name: portalBackup.name, kind: 'portal', refused: null },
      ]);
      expect(started.restored[0]!.previous).toMatch(/^pre-restore-.*\.sqlite$/);
      expect(started.restored[1]!.previous).toMatch(/^pre-restore-portal-.*\.sqlite$/);
      expect(started.core.db.get<{ name: string }>("SELECT name FROM customers WHERE number = '999999'")!.name).not.toBe('Changed after the backup');
      const after = await started.core.api['backups-list']({});
      expect(after.pending).toEqual([]);
      expect(after.lastRestores).toMatchObject([{ name: backup.name, previous: started.restored[0]!.previous, refused: null }, { name: portalBackup.name }]);
      // The database it replaced is kept, with the change in it.
      const kept = Database.open({ file: join(dir, 'backups', started.restored[0]!.previous!), readonly: true });
      try {
        expect(kept.get<{ name: string }>("SELECT name FROM customers WHERE number = '999999'")!.name).toBe('Changed after the backup');
      } finally {
        kept.close();
      }
    } finally {
      await started.stop();
    }
    // Used up: the next start restores nothing.
    const again = await start();
    expect(again.restored).toEqual([]);
    await again.stop();
  });

  it('refuses to ask for a restore of a file not in the backups folder or a damaged one; at the start, one whose file went away or asked for too long ago changes nothing', async () => {
    const dir = tempDir();
    let now = new Date('2026-11-23T09:00:00Z');
    const core = openCore({ dataDir: dir, now: () => now });
    loadDemo(core);
    const { files } = await core.api['backup-now']({});
    const backup = files.find((file) => file.kind === 'database')!;
    const reason = async (name: string) => {
      try {
        await core.api['backup-restore']({ name });
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        return (error as ApiError).issues[0]?.params?.reason;
      }
    };
    expect(await reason('../meterdesk.sqlite')).toBe('missing');
    expect(await reason('meterdesk-1999-01-01T00-00-00Z.sqlite')).toBe('missing');
    writeFileSync(join(dir, 'backups', 'meterdesk-2000-01-01T00-00-00Z.sqlite'), 'not a database at all');
    expect(await reason('meterdesk-2000-01-01T00-00-00Z.sqlite')).toBe('damaged');
    expect((await core.api['backups-list']({})).pending).toEqual([]);

    // Asked for, then taken back.
    expect((await core.api['backup-restore']({ name: backup.name })).pending.map((request) => request.name)).toEqual([backup.name]);
    expect((await core.api['backup-restore']({ cancel: 'meterdesk' })).pending).toEqual([]);

    // Asked for, and the file removed before the start: refused, the data as it was.
    await core.api['backup-restore']({ name: backup.name });
    core.db.run("UPDATE customers SET name = 'Kept' WHERE number = '999999'");
    core.close();
    rmSync(join(dir, 'backups', backup.name));
    const start = () => startBrowserMode({ dataDir: dir, host: '127.0.0.1', port: 0, portalPort: 0, staticDir: null, demo: false, scheduler: false, now: () => now });
    const started = await start();
    try {
      expect(started.restored).toMatchObject([{ name: backup.name, refused: 'missing', previous: null }]);
      expect(started.core.db.get<{ name: string }>("SELECT name FROM customers WHERE number = '999999'")!.name).toBe('Kept');
      expect((await started.core.api['backups-list']({})).lastRestores).toMatchObject([{ refused: 'missing' }]);
      // Asked for on the 23rd; the app next starts on the 27th: too late, nothing changes.
      const second = (await started.core.api['backup-now']({})).files.find((file) => file.kind === 'database')!;
      await started.core.api['backup-restore']({ name: second.name });
      started.core.db.run("UPDATE customers SET name = 'Kept again' WHERE number = '999999'");
    } finally {
      await started.stop();
    }
    now = new Date('2026-11-27T09:00:00Z');
    const late = await start();
    try {
      expect(late.restored).toMatchObject([{ refused: 'expired' }]);
      expect(late.core.db.get<{ name: string }>("SELECT name FROM customers WHERE number = '999999'")!.name).toBe('Kept again');
    } finally {
      await late.stop();
    }
  });

  it('restores where the migrations are not beside the sources (the desktop app\'s bundle), with the folders it is given', async () => {
    const dir = tempDir();
    const core = openCore({ dataDir: dir });
    loadDemo(core);
    const backup = await backupNow(core.db, dir, 14);
    core.close();
    // The bundle's folders: a copy of the migrations elsewhere; the defaults would not be there.
    const bundle = tempDir();
    cpSync(DEFAULT_MIGRATION_DIRS.meterdesk, join(bundle, 'db', 'migrations'), { recursive: true });
    cpSync(DEFAULT_MIGRATION_DIRS.portal, join(bundle, 'db', 'portal', 'migrations'), { recursive: true });
    const dirs = { meterdesk: join(bundle, 'db', 'migrations'), portal: join(bundle, 'db', 'portal', 'migrations') };
    requestRestore(dir, basename(backup.file), 'clerk', new Date(), dirs);
    expect(() => requestRestore(dir, basename(backup.file), 'clerk', new Date(), { meterdesk: join(bundle, 'none'), portal: join(bundle, 'none') })).toThrow();
    expect(applyPendingRestore(dir, new Date(), dirs)).toMatchObject([{ refused: null, kind: 'meterdesk' }]);
  });
});
