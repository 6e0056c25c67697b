/**
 * Calendar arithmetic on `YYYY-MM-DD` strings. Pure and time-zone free on purpose: business
 * dates are calendar days of the dealer, never instants, so they are computed in UTC.
 */
import type { IsoDate } from './models';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/*
 * The arithmetic below reads the date's digits and counts days with whole numbers (the civil
 * calendar's day count, H. Hinnant's algorithm) instead of a regular expression and `Date`
 * objects: the meter import judges tens of thousands of readings, each with dozens of date
 * steps, and the regex's match arrays and the `Date`s were a tenth of its time.
 */

/** The number `count` digits at `start` of `text` make, or -1 if one is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `YYYY-MM-DD` read as its three numbers, without checking the ranges; null when not of that form. */
function read(text: string): { year: number; month: number; day: number } | null {
  if (typeof text !== 'string' || text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year < 0 || month < 0 || day < 0 ? null : { year, month, day };
}

export function isIsoDate(text: string): boolean {
  const date = read(text);
  return date !== null && date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= daysInMonth(date.year, date.month);
}

export function parts(date: IsoDate): { year: number; month: number; day: number } {
  const parsed = read(date);
  if (!parsed) throw new RangeError(`not a date: ${date}`);
  return parsed;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export function isoDate(year: number, month: number, day: number): IsoDate {
  const yyyy = year >= 1000 && year <= 9999 ? String(year) : String(year).padStart(4, '0');
  return `${yyyy}-${twoDigits(month)}-${twoDigits(day)}`;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in `month` (1–12) of `year`; any other month as `Date.UTC` takes it (13 is next January). */
export function daysInMonth(year: number, month: number): number {
  if (!(month >= 1 && month <= 12 && Number.isInteger(month))) return new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** Days since 1970-01-01 (negative before); a day past its month's end counts on into the next. */
function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function toEpochDay(date: IsoDate): number {
  const { year, month, day } = parts(date);
  // A month outside 1–12 (a text of the right form that is no date) as `Date.UTC` counts it.
  if (month < 1 || month > 12) return Date.UTC(year, month - 1, day) / 86_400_000;
  return epochDayOf(year, month, day);
}

function fromEpochDay(epochDay: number): IsoDate {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return isoDate(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** The same day `months` months later, clamped to the month's end (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = parts(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return isoDate(y, m, Math.min(day, daysInMonth(y, m)));
}

export function startOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parts(date);
  return isoDate(year, month, 1);
}

export function endOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parts(date);
  return isoDate(year, month, daysInMonth(year, month));
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const lastDays = new Map<string, { second: number; day: IsoDate }>();

/** The calendar day an instant falls on in `timeZone` (e.g. the dealer's Europe/Zurich). */
export function todayIn(timeZone: string, instant: Date = new Date()): IsoDate {
  // Time zone offsets are whole seconds, so the day is the same throughout a second: the last
  // answer per zone is kept for it (the portal asks on every request; formatting costs 3 µs).
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastDays.get(timeZone);
  if (last?.second === second) return last.day;
  // Building a formatter costs far more than using one: one per time zone, kept.
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const fields = format.formatToParts(instant);
  const pick = (type: string) => Number(fields.find((field) => field.type === type)?.value);
  const day = isoDate(pick('year'), pick('month'), pick('day'));
  lastDays.set(timeZone, { second, day });
  return day;
}
