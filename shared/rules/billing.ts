/**
 * The print billing (*Druckabrechnung*) of one contract for one run: per counter kind the
 * usage of its readings, the contract's free copies prorated over the readings' validity
 * (SPEC §3.3; the readings' extra free copies are already out of their usage), the billable
 * copies, the price per page and the amount. The billable copies are never below zero, except
 * for a true-up: an estimate billed too high and the next real reading below it give a negative
 * usage, billed as a credit (free copies are for pages printed, not for a credit). Money in micro-francs
 * (CHF 0.0085 = 8500): integers only; a contract's total rounds half up to CHF 0.05.
 */
import type { CounterKind, IsoDate, Micros } from '../models';
import { contractFreeCopies, periodMonthUnits } from './free-copies';

export const ROUNDING_MICROS = 50_000;

/** CHF amounts round to 0.05 (half away from zero): 116.11 → 116.10, 116.125 → 116.15, a credit alike. */
export function roundToFiveRappen(micros: Micros): Micros {
  const rounded = Math.floor((Math.abs(micros) + ROUNDING_MICROS / 2) / ROUNDING_MICROS) * ROUNDING_MICROS;
  return micros < 0 ? -rounded : rounded;
}

export interface BillingInput {
  kind: CounterKind;
  /** Sum of the readings' usage (new − old − extra free copies). */
  usage: number;
  freePerMonth: number;
  pricePerPage: Micros;
  /**
   * Free copies of this validity already used by earlier runs (`usedFreeCopies`): a reading
   * that comes after its month was billed does not get the month's free copies again.
   */
  freeUsed?: number;
}

export interface BillingLine {
  kind: CounterKind;
  usage: number;
  freeCopies: number;
  billable: number;
  pricePerPage: Micros;
  amount: Micros;
}

export interface ContractBill {
  validFrom: IsoDate;
  validTo: IsoDate;
  lines: BillingLine[];
  /** Exact sum of the lines. */
  total: Micros;
  /** What the statement asks for: the total rounded to CHF 0.05. */
  totalRounded: Micros;
}

export function billContract(inputs: BillingInput[], validFrom: IsoDate, validTo: IsoDate): ContractBill {
  const lines = inputs.map((input) => {
    const freeCopies = Math.max(0, contractFreeCopies(input.freePerMonth, validFrom, validTo) - (input.freeUsed ?? 0));
    const billable = input.usage < 0 ? input.usage : Math.max(0, input.usage - freeCopies);
    return { kind: input.kind, usage: input.usage, freeCopies, billable, pricePerPage: input.pricePerPage, amount: billable * input.pricePerPage };
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  return { validFrom, validTo, lines, total, totalRounded: roundToFiveRappen(total) };
}

/** A line of an earlier run of the contract: its validity, the usage it billed and what it billed of it. */
export interface BilledLine {
  validFrom: IsoDate;
  validTo: IsoDate;
  usage: number;
  billable: number;
}

/**
 * The free copies of `validFrom`–`validTo` that earlier runs of the contract used (one
 * counter kind): each earlier line's free copies used (its usage not billed; none for a
 * credit), in the share of its validity that falls in this one, rounded half up. The
 * contract's free copies are one pool per month for all its devices, however many runs bill
 * that month.
 */
export function usedFreeCopies(earlier: readonly BilledLine[], validFrom: IsoDate, validTo: IsoDate): number {
  let used = 0;
  for (const line of earlier) {
    const free = line.usage > 0 ? line.usage - line.billable : 0;
    if (free <= 0) continue;
    const from = line.validFrom > validFrom ? line.validFrom : validFrom;
    const to = line.validTo < validTo ? line.validTo : validTo;
    const whole = periodMonthUnits(line.validFrom, line.validTo);
    if (whole > 0) used += (free * periodMonthUnits(from, to)) / whole;
  }
  return Math.floor(used + 0.5);
}

/** Micro-francs in whole centimes, half a centime away from zero: how every amount is shown. */
export function toCentimes(micros: Micros): number {
  return Math.sign(micros) * Math.round(Math.abs(micros) / 10_000);
}

/** Micro-francs as CHF text with two decimals: 116100000 → "116.10". */
export function formatChf(micros: Micros): string {
  const negative = micros < 0;
  const cents = Math.abs(toCentimes(micros));
  const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}
