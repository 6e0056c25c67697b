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
import { contractFreeCopies } from './free-copies';

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
   * The free copies granted, where earlier runs billed part of the validity (`freeCopiesLeft`):
   * a reading that comes after its month was billed does not get the month's free copies
   * again. Without it: the contract's free copies over the validity.
   */
  freeCopies?: number;
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
    const freeCopies = input.freeCopies ?? contractFreeCopies(input.freePerMonth, validFrom, validTo);
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
 * The validity this run shares with the contract's earlier runs: its own, widened by every
 * earlier run's validity that overlaps it, and by those that overlap these, until none is
 * left. Over it the contract's free copies are one pool (`freeCopiesLeft`). Without earlier
 * runs that overlap, it is the run's own validity.
 */
export function sharedValidity(
  validFrom: IsoDate,
  validTo: IsoDate,
  earlier: ReadonlyArray<Pick<BilledLine, 'validFrom' | 'validTo'>>,
): { from: IsoDate; to: IsoDate } {
  let from = validFrom;
  let to = validTo;
  for (let grown = true; grown; ) {
    grown = false;
    for (const line of earlier) {
      if (line.validFrom > to || line.validTo < from) continue;
      if (line.validFrom < from) [from, grown] = [line.validFrom, true];
      if (line.validTo > to) [to, grown] = [line.validTo, true];
    }
  }
  return { from, to };
}

/**
 * The free copies a run grants of one counter kind when earlier runs of the contract billed
 * part of its validity (a late reading of a month already billed): the contract's free copies
 * over the validity they share (`sharedValidity`, at `freePerMonth`: the terms at its start,
 * as one run of them all would take them) less what the earlier runs used of theirs (their
 * usage not billed; none for a credit), never below zero. So separate runs bill what one run
 * of all their readings would: the free copies are one pool per month, however many runs
 * bill that month. `earlier`: the lines of that kind in the shared validity.
 */
export function freeCopiesLeft(freePerMonth: number, shared: { from: IsoDate; to: IsoDate }, earlier: readonly BilledLine[]): number {
  const used = earlier.reduce((sum, line) => sum + (line.usage > 0 ? line.usage - line.billable : 0), 0);
  return Math.max(0, contractFreeCopies(freePerMonth, shared.from, shared.to) - used);
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
