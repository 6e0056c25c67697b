/**
 * The rules of web reading (SPEC §4): which month a contract needs a reading in, how long a
 * link is valid, and how the portal judges a value a customer types. Pure: the portal server
 * and the back-office both use them.
 */
import { addMonths, daysBetween, isoDate, parts } from '../dates';
import { parseCounter } from '../format';
import type { FieldIssue } from '../errors';
import type { IsoDate, ReadingSource, ReadingStatus } from '../models';
import { isImplausible, type PlausibilityRule } from './plausibility';
import { isEditable } from './status';
import { MAX_COUNTER } from './usage';

/** A reading period: the calendar month the request e-mail goes out in, `YYYY-MM`. */
export type Period = string;

export function isPeriod(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}

export function periodOf(date: IsoDate): Period {
  return date.slice(0, 7);
}

export function firstDayOf(period: Period): IsoDate {
  return `${period}-01`;
}

/**
 * A contract needs a reading in the last month of each billing interval, counted from its
 * start month: monthly every month; quarterly from January in March, June, September and
 * December.
 */
export function isDueIn(contract: { intervalMonths: number; startMonth: number }, period: Period): boolean {
  const month = Number(period.slice(5, 7));
  const monthsIntoInterval = (month - contract.startMonth + 12) % 12;
  return (monthsIntoInterval + 1) % contract.intervalMonths === 0;
}

/** The first period from `period` on (itself included) in which the contract is due (`isDueIn`). */
export function nextDuePeriod(contract: { intervalMonths: number; startMonth: number }, period: Period): Period {
  let due = period;
  for (let step = 0; step < 12 && !isDueIn(contract, due); step++) due = periodOf(addMonths(firstDayOf(due), 1));
  return due;
}

/** A link is valid until the end of the 4th of the month after its period (dealer's time zone). */
export const LINK_VALID_DAY = 4;

export function linkValidUntil(period: Period): IsoDate {
  const next = addMonths(firstDayOf(period), 1);
  const { year, month } = parts(next);
  return isoDate(year, month, LINK_VALID_DAY);
}

/** Valid through the whole of its last day, on the dealer's calendar. */
export function isLinkValid(validUntil: IsoDate, today: IsoDate): boolean {
  return today <= validUntil;
}

/**
 * The month whose requests and links the office works with on `today`: on the 1st–4th the
 * month before, whose links customers still use (one who lost the e-mail calls then), unless
 * this month's requests have gone out already; else this month.
 */
export function openRequestPeriod(today: IsoDate, requestedThisMonth: boolean): Period {
  const current = periodOf(today);
  const previous = periodOf(addMonths(firstDayOf(current), -1));
  return !requestedThisMonth && isLinkValid(linkValidUntil(previous), today) ? previous : current;
}

/** What the portal knows of one counter: the last reading and its usual consumption. */
export interface PortalCounterBasis {
  lastDate: IsoDate | null;
  lastValue: number;
  /** Average pages per day over the plausibility window; null without history. */
  averageDaily: number | null;
}

export type PortalValueCheck =
  | { ok: true; value: number; flagged: boolean }
  | { ok: false; code: 'required' | 'not-whole-number' | 'negative' | 'too-large' | 'below-last'; last: number };

/**
 * SPEC §4.3–4.4: a value below the last counter is refused; one far above the usual
 * consumption (the dialog's plausibility rule) is accepted and flagged *A vérifier*.
 */
export function checkPortalValue(
  text: string,
  basis: PortalCounterBasis,
  enteredOn: IsoDate,
  rule: PlausibilityRule,
): PortalValueCheck {
  const parsed = parseCounter(text);
  if (!parsed.ok) return { ok: false, code: parsed.code, last: basis.lastValue };
  if (parsed.value > MAX_COUNTER) return { ok: false, code: 'too-large', last: basis.lastValue };
  if (parsed.value < basis.lastValue) return { ok: false, code: 'below-last', last: basis.lastValue };
  const days = basis.lastDate ? daysBetween(basis.lastDate, enteredOn) : 0;
  const flagged =
    basis.lastDate !== null && isImplausible(parsed.value - basis.lastValue, basis.averageDaily, days, rule);
  return { ok: true, value: parsed.value, flagged };
}

/**
 * Whether a kept-aside web value can no longer be taken over: the office's reading of its
 * month is billed or posted. A billed estimate still takes the real value after it (the
 * true-up). The core refuses by it, Web-Erfassung offers only *Verwerfen* by it.
 */
export function periodReadingBilled(reading: { status: ReadingStatus; source: ReadingSource }): boolean {
  return !isEditable(reading.status) && reading.source !== 'estimate';
}

/**
 * Why a web value was kept aside, as stored with it: `incomplete`, `recorded`, or — refused
 * by the meter dialog's rules at the sync — `refused:` with the rules' issues as JSON, so that
 * Web-Erfassung can say which rule and which counter. (Before, only the codes were kept:
 * `refused:below-old,…`; those read as a refusal without issues.)
 */
export function refusedReason(issues: readonly FieldIssue[]): string {
  return `refused:${JSON.stringify(issues)}`;
}

/** A stored reason read back (`refusedReason`): its kind and, for a refusal, the issues. */
export function heldReason(reason: string): { kind: string; issues: FieldIssue[] } {
  if (!reason.startsWith('refused')) return { kind: reason, issues: [] };
  const detail = reason.slice('refused:'.length);
  if (!detail.startsWith('[')) return { kind: 'refused', issues: [] };
  try {
    return { kind: 'refused', issues: JSON.parse(detail) as FieldIssue[] };
  } catch {
    return { kind: 'refused', issues: [] };
  }
}
