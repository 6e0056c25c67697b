import { daysBetween, isIsoDate } from '../dates';
import type { FieldIssue } from '../errors';
import type { CounterExchange, CounterKind, IsoDate, ReadingStatus } from '../models';
import { planChainEdit, type ChainEffect, type NextLink } from './chain';
import { DEFAULT_PLAUSIBILITY, isImplausible, type PlausibilityRule } from './plausibility';
import { isEditable } from './status';
import { checkCounterValues, computeUsage } from './usage';
import { periodEndFor, type Validity } from './validity';

/** What the rules need to know about one counter of the device at this reading. */
export interface CounterContext {
  kind: CounterKind;
  /** Only the device's first reading may set *Zählerstand alt* (SPEC §3.1). */
  oldEditable: boolean;
  /** The chain's *old*: the previous reading's *new*, or the device's current counter. */
  chainOld: number;
  /**
   * When *old* comes from an estimate: the last real counter, the lowest a real reading may
   * go (it trues the estimate up); null otherwise.
   */
  floor: number | null;
  /** The date of that last real counter (the install date before the first); null without a floor. */
  floorDate: IsoDate | null;
  next: NextLink | null;
  averageDaily: number | null;
  /** Date of the previous reading of this counter, for the plausibility's "days since". */
  lastDate: IsoDate | null;
}

/**
 * What a counter's usage is judged from by the plausibility rule: the previous reading — after
 * an estimate the last real one, its counter and date, as the portal judges it (the estimate's
 * guess, often dated the same day, says nothing of the usual usage).
 */
export function plausibilityBase(counter: CounterContext, old: number): { value: number; date: IsoDate | null } {
  return counter.floor !== null ? { value: counter.floor, date: counter.floorDate } : { value: old, date: counter.lastDate };
}

export interface ReadingContext {
  today: IsoDate;
  status: ReadingStatus;
  installDate: IsoDate;
  /**
   * Where the device's first validity begins (`firstValidFrom`: its install date, or the day its
   * contract starts for it if later): its first reading is not dated before it.
   */
  firstValidFrom?: IsoDate;
  previousDate: IsoDate | null;
  /** The reading before is an estimate: a date before it says so (delete or correct the estimate). */
  previousIsEstimate?: boolean;
  /**
   * The reading before is not an estimate, nor (an edit) on the day this one already had: a
   * device has one reading a day (as the import counts them), so its date is refused — that
   * reading is to be corrected instead.
   */
  oneReadingPerDay?: boolean;
  /**
   * A new reading after one recorded (status 01, not an estimate): a device has one reading a
   * period while it can be corrected. Dated in the period that one covers already
   * (`previousValidTo`; the month of its date, `cutoffDay` deciding the 1st–4th), it is
   * refused — that reading is corrected instead (after a billed one it counts from the next).
   */
  previousCorrectable?: boolean;
  cutoffDay?: number;
  nextDate: IsoDate | null;
  /** The same for the reading after an edited one (`nextDate`): an edit is not moved onto its day. */
  nextDayTaken?: boolean;
  /** Validity of the neighbouring readings: periods never overlap (free copies would count twice). */
  previousValidTo: IsoDate | null;
  nextValidFrom: IsoDate | null;
  counters: CounterContext[];
  validityLock: Validity | null;
  plausibility?: PlausibilityRule;
}

export interface ReadingInput {
  date: IsoDate;
  validFrom: IsoDate;
  validTo: IsoDate;
  counters: Array<{
    kind: CounterKind;
    old: number;
    new: number;
    extraFree: number;
    exchange?: CounterExchange | null;
  }>;
}

export interface ReadingCheck {
  issues: FieldIssue[];
  /** The *old* each counter ends up with (the chain decides unless it is the first reading). */
  olds: Map<CounterKind, number>;
  relinks: Array<Extract<ChainEffect, { kind: 'relink' }> & { counter: CounterKind }>;
  implausible: CounterKind[];
}

/**
 * Every rule of SPEC §3 on one reading, as one pure function: the dialog runs it while the
 * clerk types, the core runs it again before it writes anything.
 */
export function checkReading(input: ReadingInput, context: ReadingContext): ReadingCheck {
  const issues: FieldIssue[] = [];
  const result: ReadingCheck = { issues, olds: new Map(), relinks: [], implausible: [] };
  if (!isEditable(context.status)) {
    issues.push({ field: 'reading', code: 'reading-read-only', params: { status: context.status } });
    return result;
  }

  const dateOk = isIsoDate(input.date);
  if (!dateOk) issues.push({ field: 'date', code: 'date-invalid' });
  else if (input.date > context.today) {
    issues.push({ field: 'date', code: 'date-in-future', params: { max: context.today } });
  } else if (input.date < context.installDate) {
    issues.push({ field: 'date', code: 'date-before-install', params: { min: context.installDate } });
  } else if (!context.previousDate && context.firstValidFrom && input.date < context.firstValidFrom) {
    issues.push({ field: 'date', code: 'date-before-contract', params: { min: context.firstValidFrom } });
  } else if (context.previousDate && input.date < context.previousDate) {
    const code = context.previousIsEstimate ? 'date-before-estimate' : 'date-before-previous';
    issues.push({ field: 'date', code, params: { min: context.previousDate } });
  } else if (context.oneReadingPerDay && input.date === context.previousDate) {
    issues.push({ field: 'date', code: 'date-same-day', params: { date: input.date } });
  } else if (
    context.previousCorrectable && context.previousDate && context.previousValidTo &&
    periodEndFor(input.date, context.cutoffDay) <= context.previousValidTo
  ) {
    issues.push({ field: 'date', code: 'date-period-covered', params: { date: context.previousDate, to: context.previousValidTo } });
  } else if (context.nextDate && input.date > context.nextDate) {
    issues.push({ field: 'date', code: 'date-after-next', params: { max: context.nextDate } });
  } else if (context.nextDayTaken && input.date === context.nextDate) {
    issues.push({ field: 'date', code: 'date-same-day', params: { date: input.date } });
  }

  const fromOk = isIsoDate(input.validFrom);
  const toOk = isIsoDate(input.validTo);
  if (!fromOk) issues.push({ field: 'validFrom', code: 'date-invalid' });
  if (!toOk) issues.push({ field: 'validTo', code: 'date-invalid' });
  if (context.validityLock) {
    const lock = context.validityLock;
    if (input.validFrom !== lock.from || input.validTo !== lock.to) {
      issues.push({ field: 'validFrom', code: 'validity-locked', params: { from: lock.from, to: lock.to } });
    }
  } else if (fromOk && toOk && input.validTo < input.validFrom) {
    issues.push({ field: 'validTo', code: 'validity-order', params: { min: input.validFrom } });
  }
  if (fromOk && context.previousValidTo && input.validFrom <= context.previousValidTo) {
    issues.push({ field: 'validFrom', code: 'validity-overlap', params: { max: context.previousValidTo } });
  }
  if (toOk && context.nextValidFrom && input.validTo >= context.nextValidFrom) {
    issues.push({ field: 'validTo', code: 'validity-overlap-next', params: { min: context.nextValidFrom } });
  }

  const given = new Map(input.counters.map((counter) => [counter.kind, counter]));
  for (const kind of given.keys()) {
    if (!context.counters.some((counter) => counter.kind === kind)) {
      issues.push({ field: `${kind}.new`, code: 'unknown-counter' });
    }
  }
  const rule = context.plausibility ?? DEFAULT_PLAUSIBILITY;
  for (const counter of context.counters) {
    const entered = given.get(counter.kind);
    if (!entered) {
      issues.push({ field: `${counter.kind}.new`, code: 'required' });
      continue;
    }
    const old = counter.oldEditable ? entered.old : counter.chainOld;
    result.olds.set(counter.kind, old);
    const valueIssues = checkCounterValues({ ...entered, old, floor: counter.floor });
    issues.push(...valueIssues);
    if (valueIssues.length > 0) continue;
    const chain = planChainEdit(counter.kind, entered.new, counter.next);
    issues.push(...chain.issues);
    if (chain.effect.kind === 'relink') result.relinks.push({ ...chain.effect, counter: counter.kind });
    const base = plausibilityBase(counter, old);
    const days = base.date && dateOk ? daysBetween(base.date, input.date) : 0;
    // The usage, as the dialog shows it: extra free copies (test prints) are no surprise.
    const usage = computeUsage(base.value, entered.new, entered.extraFree, entered.exchange ?? null);
    if (isImplausible(usage, counter.averageDaily, days, rule)) {
      result.implausible.push(counter.kind);
    }
  }
  return result;
}
