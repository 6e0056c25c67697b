import type { Database } from '../../db/database';
import { insertAudit, type Changes } from '../../db/queries/audit';
import type { HandedOverLink, RequestOptions, SendSummary, SyncSummary } from '../../shared/api';
import type { AuditEntry } from '../../shared/models';
import { todayIn } from '../../shared/dates';
import type { IsoDate } from '../../shared/models';
import { readSettings, type Settings } from './settings';
import type { MigrationDirs } from '../jobs/backup';

/** What every handler works with: the database, who is working, and what time it is. */
export interface CoreContext {
  db: Database;
  /** The clerk recorded as author of changes (until logins exist: the OS user). */
  author: string;
  version: string;
  /** Injected so tests and the demo data can fix "now". */
  now: () => Date;
  /** Web reading's jobs (HTTP, SMTP), where the process runs them: set after start. */
  web?: WebServices;
  /** The data folder (its backups/): set where the core is opened on one. */
  dataDir?: string;
  /** Where the migrations are, where not beside the sources (the desktop app's bundle). */
  migrationDirs?: MigrationDirs;
}

export interface WebServices {
  sync(): Promise<SyncSummary>;
  sendRequests(period?: string, options?: RequestOptions): Promise<SendSummary>;
  handOverLink(customerNumber: string, period?: string): Promise<HandedOverLink>;
}

export function settingsOf(context: CoreContext): Settings {
  return readSettings(context.db);
}

export function today(context: CoreContext, settings: Settings = settingsOf(context)): IsoDate {
  return todayIn(settings.timeZone, context.now());
}

/** The last instant `timestamp` wrote out: an import stamps tens of thousands of rows with one. */
let stamped = { ms: Number.NaN, text: '' };

export function timestamp(context: CoreContext): string {
  const instant = context.now();
  const ms = instant.getTime();
  if (ms !== stamped.ms) stamped = { ms, text: instant.toISOString() };
  return stamped.text;
}

/** One entry of the audit trail, by the context's clerk. */
export function audit(
  context: CoreContext,
  at: string,
  entity: string,
  entityId: number,
  action: AuditEntry['action'],
  changes: Changes,
): void {
  insertAudit(context.db, { at, author: context.author, entity, entityId, action, changes });
}
