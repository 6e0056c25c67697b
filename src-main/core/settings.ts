import { getSetting } from '../../db/queries/settings';
import type { Database } from '../../db/database';
import { LANGUAGES, type Language } from '../../shared/models';
import { DEFAULT_PLAUSIBILITY, type PlausibilityRule } from '../../shared/rules/plausibility';
import { DEFAULT_CUTOFF_DAY } from '../../shared/rules/validity';

export interface Settings {
  timeZone: string;
  language: Language;
  /** Readings dated up to this day of the month belong to the previous month. */
  cutoffDay: number;
  plausibility: PlausibilityRule;
}

export const DEFAULT_SETTINGS: Settings = {
  timeZone: 'Europe/Zurich',
  language: 'de',
  cutoffDay: DEFAULT_CUTOFF_DAY,
  plausibility: DEFAULT_PLAUSIBILITY,
};

function number(db: Database, key: string, fallback: number): number {
  const value = Number(getSetting(db, key));
  return Number.isFinite(value) && getSetting(db, key) !== undefined ? value : fallback;
}

/** The settings stored in the database, each falling back to its default. */
export function readSettings(db: Database): Settings {
  const language = getSetting(db, 'language');
  return {
    timeZone: getSetting(db, 'timeZone') ?? DEFAULT_SETTINGS.timeZone,
    language: LANGUAGES.find((l) => l === language) ?? DEFAULT_SETTINGS.language,
    cutoffDay: number(db, 'cutoffDay', DEFAULT_SETTINGS.cutoffDay),
    plausibility: {
      factor: number(db, 'plausibility.factor', DEFAULT_PLAUSIBILITY.factor),
      marginPages: number(db, 'plausibility.marginPages', DEFAULT_PLAUSIBILITY.marginPages),
      windowMonths: number(db, 'plausibility.windowMonths', DEFAULT_PLAUSIBILITY.windowMonths),
    },
  };
}
