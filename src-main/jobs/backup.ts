/**
 * Backups of the data folder (issue 4): an online copy of the database and of the portal's
 * (SQLite's backup API, consistent while the app writes), checked, then renamed into place so
 * a backup file is either whole or absent; old ones are pruned to the retention setting. A
 * restore is refused while a meterdesk process holds the data folder, checks the file first,
 * keeps a copy of the current database, and swaps the file in with one rename, so it never
 * leaves a half-restored database.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Database, DEFAULT_MIGRATIONS_DIR, loadMigrations } from '../../db/database';
import { keepSecretsSealed, type SecretBox } from '../../db/queries/settings';
import { databaseFile } from '../core/paths';
import { PORTAL_MIGRATIONS_DIR } from '../../db/portal/store';
import { RESTORE_PENDING_DAYS, type RestoreRefusal } from '../../shared/api';
import { PORTAL_DATABASE } from './runtime';

export const BACKUP_DIR = 'backups';
export const DEFAULT_BACKUP_KEEP = 14;
const LOCK_FILE = 'meterdesk.lock';

export interface BackupResult {
  file: string;
  portalFile: string | null;
  pruned: string[];
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
}

async function copyChecked(source: Database, target: string): Promise<void> {
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  await source.backupTo(partial);
  const check = Database.sealCopy(partial);
  if (check !== 'ok') throw new Error(`the backup ${partial} failed its integrity check: ${check}`);
  renameSync(partial, target);
}

/** The backup under way in this process: the next waits for it (they share their file names). */
let running: Promise<unknown> = Promise.resolve();

/**
 * Backs up the open database (and the portal's, when there is one) into `<data>/backups/`.
 * One at a time: one by hand during the nightly one would write over its `.partial` file.
 */
export function backupNow(db: Database, dataDir: string, keep: number, now: Date = new Date()): Promise<BackupResult> {
  const next = running.then(
    () => backupOnce(db, dataDir, keep, now),
    () => backupOnce(db, dataDir, keep, now),
  );
  running = next.catch(() => undefined);
  return next;
}

async function backupOnce(db: Database, dataDir: string, keep: number, now: Date): Promise<BackupResult> {
  const dir = join(dataDir, BACKUP_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `meterdesk-${stamp(now)}.sqlite`);
  await copyChecked(db, file);
  let portalFile: string | null = null;
  const portalPath = join(dataDir, PORTAL_DATABASE);
  if (existsSync(portalPath)) {
    const portal = Database.open({ file: portalPath, readonly: true });
    try {
      portalFile = join(dir, `portal-${stamp(now)}.sqlite`);
      await copyChecked(portal, portalFile);
    } finally {
      portal.close();
    }
  }
  return { file, portalFile, pruned: prune(dir, keep) };
}

/**
 * Keeps the newest `keep` backups of each database; snapshots before migrations and restores
 * stay, and so does a backup a restore is asked for (`requestRestore`).
 */
function prune(dir: string, keep: number): string[] {
  const pruned: string[] = [];
  const asked = new Set(pendingRestores(dirname(dir)).map((request) => request.name));
  for (const prefix of ['meterdesk-', 'portal-']) {
    const files = readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name.endsWith('.sqlite') && !asked.has(name))
      .sort()
      .reverse();
    for (const name of files.slice(Math.max(keep, 1))) {
      rmSync(join(dir, name), { force: true });
      pruned.push(name);
    }
  }
  return pruned;
}

/**
 * Seals the secrets that backups made before the keychain came (or in browser mode) hold in
 * clear, as `keepSecretsSealed` does in the database: overwritten where they were
 * (secure_delete), then the file rewritten (VACUUM), so no clear copy remains in the backups
 * folder. Each backup keeps its own values. The portal's backups hold no secret. A file that
 * cannot be read or written is listed in `failed` and left as it is.
 */
export function sealBackupSecrets(dataDir: string, box: SecretBox): { sealed: string[]; failed: string[] } {
  const dir = join(dataDir, BACKUP_DIR);
  const result = { sealed: [] as string[], failed: [] as string[] };
  if (!existsSync(dir)) return result;
  for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.sqlite')).sort()) {
    const file = join(dir, name);
    try {
      if (sealSecretsOfCopy(file, box)) result.sealed.push(file);
    } catch {
      result.failed.push(file);
    }
  }
  return result;
}

function sealSecretsOfCopy(file: string, box: SecretBox): boolean {
  const copy = Database.openCopy(file);
  try {
    if (!copy.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'")) return false;
    // As in the database itself: overwritten where they were (secure_delete).
    if (keepSecretsSealed(copy, box) === 0) return false;
    // The whole file rewritten: no page of it keeps the clear value.
    copy.exec('VACUUM');
    return true;
  } finally {
    copy.close();
  }
}

export function listBackups(dataDir: string): Array<{ file: string; bytes: number }> {
  const dir = join(dataDir, BACKUP_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sqlite'))
    .sort()
    .map((name) => ({ file: join(dir, name), bytes: statSync(join(dir, name)).size }));
}

/** The live processes listed in the data folder's mark (a dead one's entry is stale). */
function markedPids(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\s+/)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0 && alive(pid));
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Writes the mark whole (a rename), or removes it when no process is left in it. */
function writeMark(file: string, pids: number[]): void {
  if (pids.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, `${pids.join('\n')}\n`);
  renameSync(partial, file);
}

/**
 * A process that serves the data folder marks it, so a restore can refuse to pull a database
 * away from under it. Every such process is listed (the app and `cli portal` may share a
 * folder); each takes only itself out when it stops.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  mkdirSync(dataDir, { recursive: true });
  writeMark(file, [...new Set([...markedPids(file), process.pid])]);
  return () => writeMark(file, markedPids(file).filter((pid) => pid !== process.pid));
}

/** The pid of another live process holding the data folder, if any (stale entries are ignored). */
export function dataDirHolder(dataDir: string): number | null {
  return markedPids(join(dataDir, LOCK_FILE)).find((pid) => pid !== process.pid) ?? null;
}

export class RestoreRefusedError extends Error {
  constructor(
    readonly reason: RestoreRefusal,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where the back-office's and the portal's migrations are: beside their sources, or in the
 * desktop app's folder (the bundle has them there, src-main/electron/main.ts).
 */
export interface MigrationDirs {
  meterdesk: string;
  portal: string;
}

export const DEFAULT_MIGRATION_DIRS: MigrationDirs = { meterdesk: DEFAULT_MIGRATIONS_DIR, portal: PORTAL_MIGRATIONS_DIR };

/** What a backup file is: the back-office's database or the portal's, and where it goes. */
interface BackupKind {
  name: 'meterdesk' | 'portal';
  target: string;
  migrationsDir: string;
}

function kindOf(candidate: Database, dataDir: string, file: string, dirs: MigrationDirs): BackupKind {
  const has = (table: string) => candidate.get('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?', ['table', table]) !== undefined;
  if (candidate.schemaVersion >= 1 && has('readings')) {
    return { name: 'meterdesk', target: databaseFile(dataDir), migrationsDir: dirs.meterdesk };
  }
  if (candidate.schemaVersion >= 1 && has('entries') && has('links')) {
    return { name: 'portal', target: join(dataDir, PORTAL_DATABASE), migrationsDir: dirs.portal };
  }
  throw new RestoreRefusedError('foreign', `${basename(file)} is not a meterdesk database (nor the portal's)`);
}

/** A copy that is on the disk when this returns (its data, then its directory entry). */
function copyDurably(from: string, to: string): void {
  copyFileSync(from, to);
  syncFile(to);
  syncDirectory(dirname(to));
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every file system lets a directory be synced (Windows): the file's own sync stands.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * `file` copied beside the data folder's database and checked there (opening a WAL database
 * may write to it): sound, meterdesk's or the portal's, and not from a newer meterdesk. The
 * caller removes the copy (`dropCopy`).
 */
function checkedCopy(
  dataDir: string,
  file: string,
  dirs: MigrationDirs,
  depth: 'full' | 'quick' = 'full',
): { incoming: string; kind: BackupKind } {
  if (!existsSync(file)) throw new RestoreRefusedError('missing', `there is no file ${file}`);
  const incoming = join(dataDir, `restoring.sqlite`);
  dropCopy(incoming);
  copyDurably(file, incoming);
  try {
    let candidate: Database;
    try {
      candidate = Database.open({ file: incoming, readonly: true });
    } catch (error) {
      throw new RestoreRefusedError('foreign', `${basename(file)} is not a meterdesk database: ${(error as Error).message}`);
    }
    try {
      const check = (() => {
        try {
          return candidate.integrityCheck(depth);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      if (check !== 'ok') throw new RestoreRefusedError('damaged', `${basename(file)} is damaged: ${check}`);
      const kind = kindOf(candidate, dataDir, file, dirs);
      const version = candidate.schemaVersion;
      if (version > loadMigrations(kind.migrationsDir).length) {
        throw new RestoreRefusedError('newer', `${basename(file)} was written by a newer meterdesk (schema ${version}); update meterdesk first`);
      }
      return { incoming, kind };
    } finally {
      candidate.close();
    }
  } catch (error) {
    dropCopy(incoming);
    throw error;
  }
}

function dropCopy(incoming: string): void {
  rmSync(incoming, { force: true });
  for (const suffix of ['-wal', '-shm']) rmSync(`${incoming}${suffix}`, { force: true });
}

/**
 * Replaces the data folder's database by `file` — or the portal's (portal.sqlite), when `file`
 * is a backup of that. Refused while meterdesk runs on the folder, for a file that is neither
 * a sound meterdesk database nor the portal's, or one from a newer meterdesk.
 */
export function restore(
  dataDir: string,
  file: string,
  now: Date = new Date(),
  dirs: MigrationDirs = DEFAULT_MIGRATION_DIRS,
): { restored: string; previous: string | null; kind: BackupKind['name'] } {
  const holder = dataDirHolder(dataDir);
  if (holder !== null) {
    throw new RestoreRefusedError('running', `meterdesk (process ${holder}) is running on ${dataDir}: close it first, then restore`);
  }
  const { incoming, kind } = checkedCopy(dataDir, file, dirs);
  try {
    const { target } = kind;
    let previous: string | null = null;
    if (existsSync(target)) {
      // Fold the WAL into the file, keep a copy of what is replaced, then swap in one rename.
      const current = Database.open({ file: target, migrationsDir: kind.migrationsDir });
      try {
        current.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        current.close();
      }
      mkdirSync(join(dataDir, BACKUP_DIR), { recursive: true });
      const prefix = kind.name === 'portal' ? 'pre-restore-portal-' : 'pre-restore-';
      previous = join(dataDir, BACKUP_DIR, `${prefix}${stamp(now)}.sqlite`);
      copyDurably(target, previous);
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    // What the database stored from the portal after this backup is to be collected again
    // (the portal keeps it as taken over); asked for before the swap, so a crash between
    // leaves at most one collect too many, which stores nothing twice.
    if (kind.name === 'meterdesk') askSyncAgain(dataDir, basename(file), now);
    // The copies are on the disk before the rename makes one of them the database, and the
    // rename is before this returns: a power cut leaves the old database or the new one, whole.
    renameSync(incoming, target);
    syncDirectory(dataDir);
    return { restored: target, previous, kind: kind.name };
  } finally {
    dropCopy(incoming);
  }
}

const SYNC_AGAIN_FILE = 'sync-again.json';
/**
 * How long after a restore of the database the syncs collect again (and take in links it does
 * not know): past the end of every link that can have been made after the backup (a link lives
 * until the 4th of the month after its own), however late the portal is reached again.
 */
export const SYNC_RECOVERY_DAYS = 62;

/** When a backup was taken, from its name (meterdesk-2026-11-24T21-16-11Z.sqlite); null for another file. */
function backupTime(name: string): string | null {
  const match = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(?:-(\d{3}))?Z/.exec(name);
  return match ? `${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5] ?? '000'}Z` : null;
}

/**
 * The database was restored from `restored` at `at`: what the portal took over since that
 * backup (`since`) is to be stored again (`syncRecovery`).
 */
function askSyncAgain(dataDir: string, restored: string, now: Date): void {
  // On the disk before the database is swapped.
  writeJson(join(dataDir, SYNC_AGAIN_FILE), { restored, at: now.toISOString(), since: backupTime(restored) });
}

export interface SyncRecovery {
  /** When the database was restored. */
  at: string;
  /** When the backup it came from was taken (null: unknown, everything is collected again). */
  since: string | null;
}

/**
 * The recovery after a restore of the database (`restore`), while it lasts: every sync in the
 * SYNC_RECOVERY_DAYS after it collects again what the portal took over since the backup, and
 * takes in the links made after it. Null otherwise (a recovery past its time is ended here).
 */
export function syncRecovery(dataDir: string, now: Date): SyncRecovery | null {
  const file = join(dataDir, SYNC_AGAIN_FILE);
  const marker = readJson<{ at?: unknown; since?: unknown }>(file);
  if (marker === null) return null;
  const at = typeof marker.at === 'string' && !Number.isNaN(Date.parse(marker.at)) ? marker.at : null;
  if (at === null || now.getTime() - Date.parse(at) > SYNC_RECOVERY_DAYS * 86_400_000) {
    rmSync(file, { force: true });
    return null;
  }
  return { at, since: typeof marker.since === 'string' && !Number.isNaN(Date.parse(marker.since)) ? marker.since : null };
}

/*
 * A restore asked for from the running app (Einstellungen › Sicherung): the app cannot pull
 * its database away from under itself, so the request waits in the data folder and the next
 * start of the app carries it out — before it opens the database — with `restore`'s checks and
 * its copy of what is replaced. One request per kind (the database's, the portal's: a pair of
 * one backup goes back together). A request older than RESTORE_PENDING_DAYS is not carried out: an
 * unplanned restart weeks later must not roll back the office's work. What came of it is kept
 * for the settings screen to show.
 */
const PENDING_FILE = 'restore-pending.json';
const OUTCOME_FILE = 'restore-last.json';

export interface PendingRestore {
  /** The backup's file name in the backups folder. */
  name: string;
  kind: BackupKind['name'];
  requestedAt: string;
  requestedBy: string;
}

export interface RestoreOutcome {
  name: string;
  kind: BackupKind['name'] | null;
  at: string;
  /** The copy kept of the database it replaced (a file name in the backups folder). */
  previous: string | null;
  /** Why it was refused (nothing was changed), or null. */
  refused: RestoreRefusal | null;
  /** The refusal in the CLI's words. */
  message: string | null;
}

function readJson<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Written whole (a rename), as the folder's mark is, and on the disk when this returns. */
function writeJson(file: string, value: unknown): void {
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(value, null, 2)}\n`);
  syncFile(partial);
  renameSync(partial, file);
  syncDirectory(dirname(file));
}

/**
 * Asks for the backup `name` (a file of the backups folder) to be restored at the app's next
 * start, in place of a request of the same kind; the file is checked now, so a damaged or
 * foreign one is refused at once (a quick check: the whole one comes at the start).
 */
export function requestRestore(
  dataDir: string,
  name: string,
  requestedBy: string,
  now: Date = new Date(),
  dirs: MigrationDirs = DEFAULT_MIGRATION_DIRS,
): PendingRestore[] {
  const known = listBackups(dataDir).some(({ file }) => basename(file) === name);
  if (!known || basename(name) !== name) throw new RestoreRefusedError('missing', `there is no backup ${name} in ${join(dataDir, BACKUP_DIR)}`);
  const { incoming, kind } = checkedCopy(dataDir, join(dataDir, BACKUP_DIR, name), dirs, 'quick');
  dropCopy(incoming);
  const request: PendingRestore = { name, kind: kind.name, requestedAt: now.toISOString(), requestedBy };
  const pending = [...pendingRestores(dataDir).filter((other) => other.kind !== kind.name), request];
  writeJson(join(dataDir, PENDING_FILE), pending);
  return pending;
}

/** Takes back the requests (of one kind, or all). */
export function cancelRestore(dataDir: string, kind?: BackupKind['name']): void {
  const left = kind === undefined ? [] : pendingRestores(dataDir).filter((other) => other.kind !== kind);
  if (left.length === 0) rmSync(join(dataDir, PENDING_FILE), { force: true });
  else writeJson(join(dataDir, PENDING_FILE), left);
}

/** The requests waiting for the next start: the database's first. */
export function pendingRestores(dataDir: string): PendingRestore[] {
  const read = readJson<PendingRestore[] | PendingRestore>(join(dataDir, PENDING_FILE));
  const list = read === null ? [] : Array.isArray(read) ? read : [read];
  return list
    .filter((request) => typeof request?.name === 'string')
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'meterdesk' ? -1 : 1));
}

/** What came of the requests carried out at the last start that had any. */
export function lastRestores(dataDir: string): RestoreOutcome[] {
  const read = readJson<RestoreOutcome[] | RestoreOutcome>(join(dataDir, OUTCOME_FILE));
  return read === null ? [] : Array.isArray(read) ? read : [read];
}

/** Whether a request is too old to carry out at a start at `now` (or dated after it): RESTORE_PENDING_DAYS. */
export function restoreExpired(request: Pick<PendingRestore, 'requestedAt'>, now: Date): boolean {
  const age = now.getTime() - Date.parse(request.requestedAt);
  return !(age >= 0 && age <= RESTORE_PENDING_DAYS * 86_400_000);
}

/**
 * At the app's start, before the databases open: the restores asked for, if any. The requests
 * are used up whatever comes of them (a refused one must not stop every start); a refusal
 * changes nothing and is kept with the outcome. An error of the file system is thrown.
 */
export function applyPendingRestore(
  dataDir: string,
  now: Date = new Date(),
  dirs: MigrationDirs = DEFAULT_MIGRATION_DIRS,
): RestoreOutcome[] {
  if (!existsSync(join(dataDir, PENDING_FILE))) return [];
  const pending = pendingRestores(dataDir);
  cancelRestore(dataDir);
  const outcomes: RestoreOutcome[] = [];
  if (pending.length === 0) {
    outcomes.push({ name: '', kind: null, at: now.toISOString(), previous: null, refused: 'missing', message: 'the restore asked for could not be read' });
  }
  for (const request of pending) {
    const { name } = request;
    try {
      if (basename(name) !== name || name === '') throw new RestoreRefusedError('missing', 'the restore asked for could not be read');
      if (restoreExpired(request, now)) {
        throw new RestoreRefusedError('expired', `it was asked for on ${request.requestedAt}, more than ${RESTORE_PENDING_DAYS} days before this start; ask again if it is still wanted`);
      }
      const result = restore(dataDir, join(dataDir, BACKUP_DIR, name), now, dirs);
      outcomes.push({ name, kind: result.kind, at: now.toISOString(), previous: result.previous && basename(result.previous), refused: null, message: null });
    } catch (error) {
      if (!(error instanceof RestoreRefusedError)) throw error;
      outcomes.push({ name, kind: request.kind ?? null, at: now.toISOString(), previous: null, refused: error.reason, message: error.message });
    }
  }
  writeJson(join(dataDir, OUTCOME_FILE), outcomes);
  return outcomes;
}
