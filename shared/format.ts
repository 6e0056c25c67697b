/**
 * Numbers and dates as a clerk reads and types them, per language. Display follows the
 * locale (de-CH 344'805, fr-CH 344 805, en 344,805); input accepts what people type in any of
 * them: 344805, 344'805, 344’805, 344.805, 344 805.
 */
import { isIsoDate, isoDate, parts } from './dates';
import type { IsoDate, Language } from './models';
import { toCentimes } from './rules/billing';

export const LOCALES: Record<Language, string> = { de: 'de-CH', fr: 'fr-CH', en: 'en-GB' };

const counterFormats = new Map<Language, Intl.NumberFormat>();

export function formatCounter(value: number, language: Language): string {
  let format = counterFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 0 });
    counterFormats.set(language, format);
  }
  return format.format(value);
}

export type ParsedNumber = { ok: true; value: number } | { ok: false; code: 'required' | 'not-whole-number' | 'negative' };

/**
 * A whole number as typed. Thousands separators are accepted only between groups of three
 * digits and all alike, so `344.805` is 344805 but `344.8` is refused rather than guessed.
 */
/** A whole number in groups of three, as people type one: 344'805, 344.805, 344 805, 28,400. */
export const GROUPED_COUNTER = /^(\d{1,3})(?:(['’.,\u00a0\u202f ])\d{3})(?:\2\d{3})*$/;

export function parseCounter(text: string): ParsedNumber {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, code: 'required' };
  if (/^-\s*\d/.test(trimmed)) return { ok: false, code: 'negative' };
  if (/^\d+$/.test(trimmed)) return { ok: true, value: Number(trimmed) };
  const grouped = GROUPED_COUNTER.exec(trimmed);
  if (grouped) return { ok: true, value: Number(trimmed.replace(/\D/g, '')) };
  return { ok: false, code: 'not-whole-number' };
}

export function formatDate(date: IsoDate, language: Language): string {
  const { year, month, day } = parts(date);
  const dd = String(day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  return language === 'en' ? `${dd}/${mm}/${year}` : `${dd}.${mm}.${year}`;
}

/** A month (`YYYY-MM`) as people write it: November 2026, novembre 2026; `withYear` false: November. */
export function formatPeriod(period: string, language: Language, withYear = true): string {
  const [year, month] = period.split('-').map(Number);
  if (!year || !month) return period;
  return new Date(Date.UTC(year, month - 1, 1)).toLocaleDateString(LOCALES[language], { month: 'long', ...(withYear && { year: 'numeric' }), timeZone: 'UTC' });
}

/**
 * The months a period from `from` to `to` touches, as a statement's title names them:
 * November 2026; September – November 2026; Dezember 2026 – Februar 2027.
 */
export function formatMonths(from: IsoDate, to: IsoDate, language: Language): string {
  const first = from.slice(0, 7);
  const last = to.slice(0, 7);
  if (first >= last) return formatPeriod(last, language);
  // Within a year, its number once: September – November 2026.
  const sameYear = first.slice(0, 4) === last.slice(0, 4);
  return `${formatPeriod(first, language, !sameYear)} – ${formatPeriod(last, language)}`;
}

/**
 * A moment (an ISO timestamp) on the clock of `timeZone` (the dealer's; without it, where the
 * code runs): 24.11.2026, 03:32 — the year in full.
 */
export function formatDateTime(iso: string, language: Language, timeZone?: string): string {
  return new Date(iso).toLocaleString(LOCALES[language], {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone && { timeZone }),
  });
}

/**
 * A date as typed: `23.11.2026`, `23.11.26`, `23.11.` or `23.11` (this year), `23/11/2026`,
 * `2026-11-23`, `23112026`. Returns null when it is not a real calendar day.
 */
export function parseDate(text: string, today: IsoDate): IsoDate | null {
  const trimmed = text.trim();
  if (isIsoDate(trimmed)) return trimmed;
  const compact = /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(trimmed);
  const separated = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2})?)?\.?$/.exec(trimmed);
  const match = compact ?? separated;
  if (!match) return null;
  const day = Number(match[1]);
  const month = Number(match[2]);
  let year = match[3] ? Number(match[3]) : parts(today).year;
  if (match[3]?.length === 2) year += 2000;
  if (month < 1 || month > 12 || day < 1) return null;
  const candidate = isoDate(year, month, day);
  return isIsoDate(candidate) ? candidate : null;
}

/** A price per page in francs as typed (`0.0085`, `0,0085`, `.0085`), in micro-francs; null if not one. */
export function parsePrice(text: string): number | null {
  const match = /^\s*(\d*)(?:[.,](\d{0,6}))?\s*$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return null;
  return Number(match[1] || '0') * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
}

/** A price `parsePrice` refuses only for its decimals: more than the six (micro-francs) it keeps. */
export function hasTooManyPriceDecimals(text: string): boolean {
  return /^\s*\d*[.,]\d{7,}\s*$/.test(text);
}

const amountFormats = new Map<Language, Intl.NumberFormat>();

/**
 * Micro-francs as an amount of money, to the centime, the way the locale writes francs (a
 * decimal point in every one of them, digits grouped): de-CH 967'444.55, fr-CH 967 444.55,
 * en 967,444.55. Without the currency: the column or the text says CHF.
 */
export function formatAmount(micros: number, language: Language): string {
  let format = amountFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], { style: 'currency', currency: 'CHF' });
    amountFormats.set(language, format);
  }
  // Rounded as formatChf rounds: the statement and the CSV agree.
  const cents = toCentimes(micros);
  return format
    .formatToParts(cents / 100)
    .filter((part) => part.type !== 'currency' && part.type !== 'literal')
    .map((part) => part.value)
    .join('');
}

/**
 * Micro-francs as a price per page, with two to six decimals: 0.0085, 0.065, 1.00. Swiss
 * prices take a decimal point in every language we speak (de-CH, fr-CH, en).
 */
export function formatPrice(micros: number): string {
  const francs = Math.floor(micros / 1_000_000);
  // Per page in four decimals (0.0085, 0.0650) everywhere prices show, six where they need them.
  const fraction = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '').padEnd(4, '0');
  return `${francs}.${fraction}`;
}

/** Between a label and what follows it: French sets a (no-break) space before the colon. */
export function labelSeparator(language: Language): string {
  return language === 'fr' ? '\u00a0: ' : ': ';
}
