import { allSettings } from '../../db/queries/settings';
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
  /** A device without a reading for more than this many months is an alert. */
  silentMonths: number;
}

export const DEFAULT_SETTINGS: Settings = {
  timeZone: 'Europe/Zurich',
  language: 'de',
  cutoffDay: DEFAULT_CUTOFF_DAY,
  plausibility: DEFAULT_PLAUSIBILITY,
  silentMonths: 3,
};

/** The settings stored in the database, each falling back to its default; one query. */
export function readSettings(db: Database): Settings {
  const stored = allSettings(db);
  const number = (key: string, fallback: number): number => {
    const value = Number(stored.get(key));
    return stored.has(key) && Number.isFinite(value) ? value : fallback;
  };
  const language = stored.get('language');
  return {
    timeZone: stored.get('timeZone') ?? DEFAULT_SETTINGS.timeZone,
    language: LANGUAGES.find((l) => l === language) ?? DEFAULT_SETTINGS.language,
    cutoffDay: number('cutoffDay', DEFAULT_SETTINGS.cutoffDay),
    silentMonths: number('alerts.silentMonths', DEFAULT_SETTINGS.silentMonths),
    plausibility: {
      factor: number('plausibility.factor', DEFAULT_PLAUSIBILITY.factor),
      marginPages: number('plausibility.marginPages', DEFAULT_PLAUSIBILITY.marginPages),
      windowMonths: number('plausibility.windowMonths', DEFAULT_PLAUSIBILITY.windowMonths),
    },
  };
}
