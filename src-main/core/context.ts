import type { Database } from '../../db/database';
import { todayIn } from '../../shared/dates';
import type { IsoDate } from '../../shared/models';
import { readSettings, type Settings } from './settings';

/** What every handler works with: the database, who is working, and what time it is. */
export interface CoreContext {
  db: Database;
  /** The clerk recorded as author of changes (until logins exist: the OS user). */
  author: string;
  version: string;
  /** Injected so tests and the demo data can fix "now". */
  now: () => Date;
}

export function settingsOf(context: CoreContext): Settings {
  return readSettings(context.db);
}

export function today(context: CoreContext, settings: Settings = settingsOf(context)): IsoDate {
  return todayIn(settings.timeZone, context.now());
}

export function timestamp(context: CoreContext): string {
  return context.now().toISOString();
}
