/**
 * Parts for the fault tests (issue 6) and bench/faults.ts: a generated dealer in a data folder,
 * the real CLI as a child process that can be killed at a chosen moment, and what a restarted
 * meterdesk finds in the database (integrity, counts, duplicates).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database } from '../../db/database';
import { linkDevices, openPortalDatabase, saveEntry } from '../../db/portal/store';
import { today } from '../../src-main/core/context';
import { generateDealer, type GenerateOptions } from '../../src-main/core/generate';
import { databaseFile } from '../../src-main/core/paths';
import { openCore, startWeb } from '../../src-main/node-main';

const ROOT = resolve(import.meta.dirname, '..', '..');

export function faultDir(): string {
  return mkdtempSync(join(tmpdir(), 'meterdesk-fault-'));
}

/** A data folder holding a generated dealer (one transaction, in this process), dated today. */
export function dealerFolder(sizes: Omit<GenerateOptions, 'today'>): {
  dir: string;
  today: string;
} {
  const dir = faultDir();
  const core = openCore({ dataDir: dir, author: 'fault-test' });
  try {
    const day = today(core.context);
    generateDealer(core.db, { ...sizes, today: day });
    return { dir, today: day };
  } finally {
    core.close();
  }
}

/** A fresh folder with a copy of another's closed database (closing checkpointed its WAL). */
export function copyFolder(from: string): string {
  const dir = faultDir();
  copyFileSync(databaseFile(from), databaseFile(dir));
  const portal = join(from, 'portal.sqlite');
  if (existsSync(portal)) copyFileSync(portal, join(dir, 'portal.sqlite'));
  return dir;
}

/** The WAL's size in bytes; -1 while there is none (nobody has the database open). */
export function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return -1;
  }
}

export interface CliRun {
  child: ChildProcess;
  /** Settles when the child has exited: its code (null when killed), signal and output. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  readonly out: string;
}

/**
 * `npm run cli -- …` as one child process. Not through tsx's own command, which runs the script
 * in a second process: a SIGKILL (which cannot be forwarded) would stop only the wrapper and
 * leave meterdesk running on.
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src-main/cli.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, METERDESK_LOG_LEVEL: 'silent', ...env },
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    out: string;
    err: string;
  }>((resolveDone) => child.on('close', (code, signal) => resolveDone({ code, signal, out, err })));
  return {
    child,
    done,
    get out() {
      return out;
    },
  };
}

function stopped(pid: number): boolean {
  try {
    // The state letter follows the command name in parentheses: T is stopped.
    return /\) T /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export interface Kill<T> {
  /** Whether the child was still running: the kill really interrupted it. */
  killed: boolean;
  /** What it had printed by then. */
  output: string;
  /** What `atStop` saw while the child stood still, just before the kill. */
  seen: T | undefined;
}

/**
 * SIGKILLs the child as soon as `moment()` is true (polled every 2 ms). It is frozen first
 * (SIGSTOP) so that `atStop` sees exactly the state the kill interrupts, with no race between
 * looking and killing.
 */
export async function killWhen<T = undefined>(
  run: CliRun,
  moment: () => boolean,
  atStop?: () => T,
  timeoutMs = 30_000,
): Promise<Kill<T>> {
  const started = Date.now();
  const { child } = run;
  while (child.exitCode === null && child.signalCode === null) {
    if (moment()) {
      if (!child.kill('SIGSTOP')) break;
      while (!stopped(child.pid!)) await new Promise((r) => setImmediate(r));
      const seen = atStop?.();
      const output = run.out;
      child.kill('SIGKILL');
      await run.done;
      return { killed: true, output, seen };
    }
    if (Date.now() - started > timeoutMs) throw new Error('the moment to kill never came');
    await new Promise((r) => setTimeout(r, 2));
  }
  await run.done;
  return { killed: false, output: run.out, seen: undefined };
}

/** A moment `delayMs` after the child opened the database (its WAL appeared). */
export function afterOpening(file: string, delayMs: number): () => boolean {
  let openedAt: number | null = null;
  return () => {
    if (openedAt === null && walSize(file) >= 0) openedAt = Date.now();
    return openedAt !== null && Date.now() - openedAt >= delayMs;
  };
}

export interface WriterProbe {
  /** Another connection holds the write lock `forMs` long already: it is inside a write transaction. */
  writing(forMs?: number): () => boolean;
  close(): void;
}

/**
 * Watches a database for a writer from a connection of its own: BEGIN IMMEDIATE without waiting
 * fails while another process is between its transaction's first write and its commit. (When
 * it succeeds it rolls back at once; a writer arriving meanwhile waits out its busy timeout.)
 */
export function writerProbe(file: string): WriterProbe {
  let db: Database | null = null;
  const held = (): boolean => {
    if (walSize(file) < 0) return false;
    if (!db) {
      db = Database.open({ file });
      db.pragma('busy_timeout = 0');
    }
    try {
      db.run('BEGIN IMMEDIATE');
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
      throw error;
    }
    db.run('ROLLBACK');
    return false;
  };
  return {
    writing(forMs = 0) {
      let since: number | null = null;
      return () => {
        if (!held()) {
          since = null;
          return false;
        }
        since ??= Date.now();
        return Date.now() - since >= forMs;
      };
    },
    close() {
      db?.close();
      db = null;
    },
  };
}

/** The moment the WAL grows past `bytes`: a commit's pages are being written. */
export function walPast(file: string, bytes: number): () => boolean {
  return () => walSize(file) > bytes;
}

/**
 * `npm run cli -- <args of dir>` on a fresh folder (`fresh()`), SIGKILLed `forMs` into its
 * write transaction, before its commit: the WAL as long as when the writing began. A machine
 * busy enough to delay the watching past the transaction's end lets the run finish or commit;
 * such a try is dropped (its folder is checked no further) and another made, `tries` in all.
 */
export async function killedInTransaction(
  fresh: () => string,
  args: (dir: string) => string[],
  forMs: number,
  tries = 3,
): Promise<{ dir: string; kill: Kill<number> }> {
  const missed: string[] = [];
  for (let attempt = 0; attempt < tries; attempt++) {
    const dir = fresh();
    const file = databaseFile(dir);
    const probe = writerProbe(file);
    const writing = probe.writing(forMs);
    let walAtStart: number | null = null;
    const kill = await killWhen(
      startCli(args(dir)),
      () => {
        const now = writing();
        walAtStart ??= now ? walSize(file) : null;
        return now;
      },
      () => walSize(file),
    ).finally(() => probe.close());
    if (kill.killed && kill.seen === walAtStart) return { dir, kill };
    missed.push(kill.killed ? `killed with the WAL at ${kill.seen} bytes, ${walAtStart} when the writing began` : 'ran to its end');
  }
  throw new Error(`the kill never came inside the transaction: ${missed.join('; ')}`);
}

/** The sync as a restarted meterdesk runs it (the CLI's own calls, in this process). */
export async function syncOnce(dir: string, author = 'fault-test') {
  const core = openCore({ dataDir: dir, author });
  try {
    const web = await startWeb(core, dir, { portal: 'private', scheduler: false, env: {} });
    try {
      return await web.sync();
    } finally {
      await web.stop();
    }
  } finally {
    core.close();
  }
}

/**
 * The month's reading requests sent (no SMTP: the e-mails stay queued, the links are published
 * all the same), then every counter of every published device entered on `day`, 150 pages on,
 * as the customers would: what a sync then has to bring in.
 */
export async function customersAnswered(dir: string, day: string, author = 'fault-test'): Promise<void> {
  const core = openCore({ dataDir: dir, author });
  try {
    const web = await startWeb(core, dir, { portal: 'private', scheduler: false, env: {} });
    await web.sendRequests().finally(() => web.stop());
  } finally {
    core.close();
  }
  const portal = openPortalDatabase(join(dir, 'portal.sqlite'));
  try {
    for (const link of portal.all<{ id: number }>('SELECT id FROM links WHERE closed = 0')) {
      for (const device of linkDevices(portal, link.id)) {
        for (const counter of device.counters) {
          saveEntry(
            portal,
            link.id,
            counter.id,
            { value: counter.lastValue + 150, enteredOn: day, flagged: false },
            new Date().toISOString(),
          );
        }
      }
    }
  } finally {
    portal.close();
  }
}

/**
 * Opens the database as a restarted meterdesk does (SQLite recovers from the WAL, or ignores
 * its uncommitted frames) and runs `look` on it; also returns PRAGMA integrity_check.
 */
export function reopen<T>(
  dir: string,
  look: (db: Database) => T,
): { integrity: string; brokenReferences: boolean; result: T } {
  const db = Database.open({ file: databaseFile(dir) });
  try {
    // The simple form gives the first broken reference's table, or nothing.
    const brokenReferences = db.pragma('foreign_key_check') !== undefined;
    return { integrity: db.integrityCheck(), brokenReferences, result: look(db) };
  } finally {
    db.close();
  }
}

export function count(db: Database, sql: string, params: unknown[] = []): number {
  return db.get<{ n: number }>(sql, params as never)!.n;
}

/** Rows of `sql` as one string, for comparing two folders' content. */
export function rowsText(db: Database, sql: string, params: unknown[] = []): string {
  return db
    .all<Record<string, unknown>>(sql, params as never)
    .map((row) => Object.values(row).join('|'))
    .join('\n');
}

/**
 * A fleet-management export (one row per counter) of a new reading dated `day` for every
 * device whose last reading is older: each counter 1,000 pages above its last value.
 */
export function readingsExport(dir: string, day: string): { csv: string; rows: number } {
  const db = Database.open({ file: databaseFile(dir), readonly: true });
  try {
    const counters = db.all<{ equipmentId: string; kind: string; last: number }>(
      `SELECT d.equipment_id AS equipmentId, dc.kind,
              coalesce((SELECT rc.new_value FROM readings r JOIN reading_counters rc ON rc.reading_id = r.id AND rc.kind = dc.kind
                         WHERE r.device_id = d.id ORDER BY r.date DESC, r.id DESC LIMIT 1), dc.start_value) AS last
         FROM devices d JOIN device_counters dc ON dc.device_id = d.id
        WHERE coalesce((SELECT max(date) FROM readings r WHERE r.device_id = d.id), '') < ?
        ORDER BY d.id, dc.kind`,
      [day],
    );
    const lines = counters.map((c) => `${c.equipmentId};${day};${c.kind};${c.last + 1000}`);
    return {
      csv: ['Geräte-ID;Datum;Zählerart;Zählerstand', ...lines].join('\n'),
      rows: lines.length,
    };
  } finally {
    db.close();
  }
}

/** mulberry32, as in generate: the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
