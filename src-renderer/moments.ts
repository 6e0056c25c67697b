/**
 * Moments (ISO timestamps) as every page shows them: on the dealer's clock (`dealer-zone.ts`),
 * in the user's language. Kept apart from dealer-zone.ts, so that App.tsx, which sets the zone,
 * does not load the formats into its chunk.
 */
import { todayIn } from '../shared/dates';
import { formatDateTime } from '../shared/format';
import type { IsoDate, Language } from '../shared/models';
import { dealerTimeZone } from './dealer-zone';

/** 24.11.2026, 03:32 on the dealer's clock. */
export function formatMoment(iso: string, language: Language): string {
  return formatDateTime(iso, language, dealerTimeZone());
}

/** The day a moment falls on, on the dealer's clock (the browser's until the zone is known). */
export function dayOfMoment(iso: string): IsoDate {
  return todayIn(dealerTimeZone() ?? Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(iso));
}
