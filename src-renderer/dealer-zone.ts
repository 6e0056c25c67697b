/**
 * The dealer's time zone (Einstellungen → Zeitzone), as the core names it in `app-info`: the
 * UI shows every moment (a change, a run, a backup) on the dealer's clock, as reading dates
 * are, and not on the clock of the PC the page happens to run on. Set when the app's info
 * loads; until then (and in a test without it) the browser's own zone is used.
 *
 * No imports: App.tsx sets it, and its chunk stays as small as it is.
 */
let zone: string | undefined;

/** A zone this browser does not know (its list is older than the core's) leaves the browser's own. */
export function setDealerTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    zone = timeZone;
  } catch {
    zone = undefined;
  }
}

export function dealerTimeZone(): string | undefined {
  return zone;
}
