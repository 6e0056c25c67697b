/**
 * The meter dialog's operations (SPEC §3): the draft that fills the dialog, and save, delete
 * and confirm, each one transaction that either writes everything (the reading, the chain's
 * next *old*, the audit trail) or nothing.
 */
import { diff, type Changes } from '../../../db/queries/audit';
import { contractStartFor } from '../../../db/queries/contracts';
import {
  getContract,
  getCustomer,
  getDevice,
  getDeviceByEquipmentId,
} from '../../../db/queries/master-data';
import {
  bumpRevision,
  confirmReading,
  deleteReading,
  flagReading,
  getReading,
  insertReading,
  listReadings,
  listReadingsSince,
  readingsForNewReading,
  readingsForNewReadings,
  setCounterValues,
  unconfirmReading,
  setValidity,
  unpostedReadingsOfContract,
  updateReading,
} from '../../../db/queries/readings';
import type { ApiArgs, ReadingDraft, SaveReadingArgs } from '../../../shared/api';
import { addMonths, daysBetween } from '../../../shared/dates';
import { ApiError } from '../../../shared/errors';
import type {
  CounterKind,
  Device,
  IsoDate,
  Reading,
  ReadingCounter,
  ReadingSource,
} from '../../../shared/models';
import type { NextLink } from '../../../shared/rules/chain';
import { averageDailyUsage, lowUsageExpected, type CounterPoint } from '../../../shared/rules/plausibility';
import { latestUsages, stuckCounters } from '../../../db/queries/alerts';
import {
  checkReading,
  plausibilityBase,
  type CounterContext,
  type ReadingContext,
} from '../../../shared/rules/reading-check';
import { estimateCovers, isOpenEstimate } from '../../../shared/rules/estimate';
import { isEditable } from '../../../shared/rules/status';
import { computeUsage } from '../../../shared/rules/usage';
import {
  defaultValidity,
  findValidityLock,
  firstValidFrom,
  lockedValidity,
  periodEndFor,
  type Validity,
  type ValidityLock,
} from '../../../shared/rules/validity';
import { audit, settingsOf, timestamp, today, type CoreContext } from '../context';
import type { Settings } from '../settings';

function findDevice(context: CoreContext, equipmentId: string): Device {
  const device = getDeviceByEquipmentId(context.db, equipmentId);
  if (!device) throw new ApiError('not-found', `no device with equipment ID ${equipmentId}`);
  return device;
}

function counterOf(reading: Reading, kind: CounterKind) {
  return reading.counters.find((counter) => counter.kind === kind);
}

/**
 * The counter's history up to (not including) position `before` in the chain. It starts where
 * the counter started: at installation, or — for a counter added later — at the reading before
 * the first one that has it.
 */
function historyPoints(
  chain: Reading[],
  before: number,
  kind: CounterKind,
  device: Device,
): CounterPoint[] {
  const points: CounterPoint[] = [];
  chain.slice(0, before).forEach((reading, index) => {
    const counter = counterOf(reading, kind);
    if (!counter) return;
    if (points.length === 0) {
      points.push({ date: chain[index - 1]?.date ?? device.installDate, value: counter.old });
    }
    points.push({ date: reading.date, value: counter.new });
  });
  return points;
}

export interface ChainPosition {
  chain: Reading[];
  index: number;
  editing: Reading | null;
  context: ReadingContext;
  lock: ValidityLock | null;
  /** The start of the device's contract: a first validity begins no earlier (`firstValidFrom`). */
  contractStart: IsoDate | null;
}

/** Months of chain read before the plausibility window, so that each counter's anchor is in it. */
const TAIL_MARGIN_MONTHS = 4;

/**
 * Whether a tail of the chain holds everything the rules read for the reading at `index`:
 * a reading before it (its predecessor), and per counter a reading with that counter before
 * the plausibility window (its anchor — with it, the counter's last value and its average
 * come out as from the whole chain) and, after an estimate, the last real value (the floor).
 */
function tailSuffices(
  tail: Reading[],
  index: number,
  kinds: CounterKind[],
  windowStart: IsoDate,
  truesUp: boolean,
): boolean {
  if (index <= 0) return false;
  const earlier = tail.slice(0, index);
  return kinds.every((kind) => {
    const withKind = earlier.filter((reading) => counterOf(reading, kind));
    if (!withKind.some((reading) => reading.date < windowStart)) return false;
    if (!truesUp || withKind.at(-1)?.source !== 'estimate') return true;
    return withKind.some((reading) => reading.source !== 'estimate');
  });
}

/**
 * The part of a device's chain the rules look at for a new reading or the reading
 * `readingId`: for a new one the few readings they read (`readingsForNewReading`); for an
 * edited one — whose neighbours and followers matter too — the chain from a few months
 * before its plausibility window on, a dozen readings where a device of ten years has over a
 * hundred; the whole chain when that part is not enough.
 */
export function loadChain(
  core: CoreContext,
  settings: Settings,
  device: Device,
  readingId: number | undefined,
  newSource: ReadingSource,
): Reading[] {
  const editing = readingId === undefined ? null : getReading(core.db, readingId);
  if (readingId !== undefined && editing?.deviceId !== device.id) {
    throw new ApiError('not-found', `device ${device.equipmentId} has no reading ${readingId}`);
  }
  const referenceDate = editing?.date ?? today(core, settings);
  const windowStart = addMonths(referenceDate, -settings.plausibility.windowMonths);
  const kinds = (editing?.counters ?? device.counters).map((counter) => counter.kind);
  const truesUp = newSource !== 'estimate';
  if (!editing) return readingsForNewReading(core.db, device.id, kinds, windowStart, truesUp);
  const { readings: tail, complete } = listReadingsSince(
    core.db,
    device.id,
    addMonths(windowStart, -TAIL_MARGIN_MONTHS),
  );
  if (complete) return tail;
  const index = tail.findIndex((reading) => reading.id === editing.id);
  return tailSuffices(tail, index, kinds, windowStart, truesUp)
    ? tail
    : listReadings(core.db, device.id);
}

/** `loadChain` of a new reading for each of `devices`, read all at once (the meter import). */
export function loadChainsForNew(
  core: CoreContext,
  settings: Settings,
  devices: readonly Device[],
  newSource: ReadingSource,
): Map<number, Reading[]> {
  const windowStart = addMonths(today(core, settings), -settings.plausibility.windowMonths);
  const wanted = devices.map((device) => ({ id: device.id, kinds: device.counters.map((counter) => counter.kind) }));
  return readingsForNewReadings(core.db, wanted, windowStart, newSource !== 'estimate');
}

/**
 * Where a new or edited reading sits in its device's chain, and what the rules need from it.
 * `newSource`: where the values come from — an estimate's are judged without a true-up; real
 * ones (also a clerk's edit of an estimate) may go down to the last real counter.
 */
function locate(
  core: CoreContext,
  settings: Settings,
  device: Device,
  readingId: number | undefined,
  newSource: ReadingSource = 'manual',
): ChainPosition {
  const chain = loadChain(core, settings, device, readingId, newSource);
  const lock = findValidityLock(unpostedReadingsOfContract(core.db, device.contractId), device.id);
  const contractStart = contractStartFor(core.db, device);
  return locateIn({ chain, lock, today: today(core, settings), settings, device, contractStart, readingId, newSource });
}

/** What `locateIn` reads: a device's chain (or a tail of it that suffices) and its contract's lock. */
export interface ChainState {
  chain: Reading[];
  lock: ValidityLock | null;
  today: IsoDate;
  settings: Settings;
  device: Device;
  /** The day the device's contract starts for it (`contractStartFor`); read only for a first reading. */
  contractStart: IsoDate | null;
  readingId?: number | undefined;
  newSource?: ReadingSource;
}

/** `locate` on a chain already loaded: the rules' context for a new or an edited reading. */
export function locateIn({
  chain,
  lock,
  today: todayDate,
  settings,
  device,
  contractStart,
  readingId,
  newSource = 'manual',
}: ChainState): ChainPosition {
  const index = readingId === undefined ? chain.length : chain.findIndex((r) => r.id === readingId);
  const editing = readingId === undefined ? null : (chain[index] ?? null);
  // An estimate never goes below the reading before it: only a real value trues one up — also
  // one that goes into an estimate (an edit of it by a clerk, or real values from elsewhere).
  const truesUp = newSource !== 'estimate';
  if (readingId !== undefined && !editing) {
    throw new ApiError('not-found', `device ${device.equipmentId} has no reading ${readingId}`);
  }
  const previous = chain[index - 1] ?? null;
  const next = editing ? (chain[index + 1] ?? null) : null;
  const referenceDate = editing?.date ?? todayDate;
  // One reading a device and day: not on the day of a real reading beside it. Readings that
  // share a day already (data from before the rule) may still be corrected on that day.
  const dayTaken = (neighbour: Reading | null) =>
    neighbour !== null && neighbour.source !== 'estimate' && neighbour.date !== editing?.date;

  // A reading keeps the counters it was made with; a new one has the device's counters now.
  const kinds = (editing?.counters ?? device.counters).map((counter) => counter.kind);
  const counters: CounterContext[] = kinds.map((kind) => {
    const before = chain
      .slice(0, index)
      .reverse()
      .find((r) => counterOf(r, kind));
    const after = editing ? chain.slice(index + 1).find((r) => counterOf(r, kind)) : undefined;
    const afterCounter = after && counterOf(after, kind);
    const nextLink: NextLink | null =
      after && afterCounter
        ? {
            readingId: after.id,
            date: after.date,
            status: after.status,
            old: afterCounter.old,
            new: afterCounter.new,
            extraFree: afterCounter.extraFree,
            exchange: afterCounter.exchange,
          }
        : null;
    const startValue = device.counters.find((counter) => counter.kind === kind)?.startValue ?? 0;
    // After estimates, a real reading may go down to the last real counter (a true-up).
    const afterEstimate = truesUp && before?.source === 'estimate';
    const lastReal = afterEstimate
      ? chain
          .slice(0, index)
          .reverse()
          .find((r) => counterOf(r, kind) && r.source !== 'estimate')
      : undefined;
    return {
      kind,
      oldEditable: !before,
      chainOld: (before && counterOf(before, kind)?.new) ?? startValue,
      floor: afterEstimate ? ((lastReal && counterOf(lastReal, kind)?.new) ?? startValue) : null,
      floorDate: afterEstimate ? (lastReal?.date ?? device.installDate) : null,
      next: nextLink,
      averageDaily: averageDailyUsage(
        historyPoints(chain, index, kind, device),
        referenceDate,
        settings.plausibility,
      ),
      lastDate: before?.date ?? null,
    };
  });

  const firstFrom = firstValidFrom(device.installDate, contractStart);
  // OBS: while the contract's first device has unposted readings, the validity cannot be
  // entered: a new reading ends with that device's period and goes on from its own chain
  // (`lockedValidity`); an existing one keeps its own while it lies in that period.
  let validityLock: Validity | null = null;
  if (lock && !editing) validityLock = lockedValidity(lock, previous?.validTo ?? null, firstFrom);
  else if (lock && editing && editing.validFrom <= lock.to) validityLock = { from: editing.validFrom, to: editing.validTo };
  return {
    chain,
    index,
    editing,
    lock,
    contractStart,
    context: {
      today: todayDate,
      status: editing?.status ?? '01',
      installDate: device.installDate,
      firstValidFrom: firstFrom,
      previousDate: previous?.date ?? null,
      previousIsEstimate: previous?.source === 'estimate',
      oneReadingPerDay: dayTaken(previous),
      previousCorrectable: !editing && previous !== null && previous.source !== 'estimate' && previous.status === '01',
      cutoffDay: settings.cutoffDay,
      nextDate: next?.date ?? null,
      nextDayTaken: dayTaken(next),
      previousValidTo: previous?.validTo ?? null,
      nextValidFrom: next?.validFrom ?? null,
      counters,
      validityLock: validityLock && { from: validityLock.from, to: validityLock.to },
      plausibility: settings.plausibility,
    },
  };
}

/** The draft's `openEstimate`: `latest` when it is an estimate not billed yet. */
function openEstimateOf(latest: Reading | undefined): ReadingDraft['openEstimate'] {
  if (!latest || !isOpenEstimate(latest)) return null;
  return { readingId: latest.id, date: latest.date, validFrom: latest.validFrom, validTo: latest.validTo };
}

/** The counters of a reading that Hinweise lists as standing (`stuckCounters`: the latest of three at one value). */
function stuckOf(core: CoreContext, settings: Settings, deviceId: number, readingId: number): ReadingDraft['stuck'] {
  return stuckCounters(core.db, today(core, settings), deviceId)
    .filter((row) => row.readingId === readingId)
    .map((row) => ({ kind: row.kind, value: row.value }));
}

/**
 * The counters of a reading that Hinweise lists as far below the usual (`lowUsageExpected`;
 * the device's latest, recorded and not confirmed): the dialog says so and offers to confirm.
 */
function lowUsagesOf(core: CoreContext, settings: Settings, deviceId: number, readingId: number): ReadingDraft['lowUsage'] {
  return latestUsages(core.db, today(core, settings), settings.plausibility.windowMonths, deviceId).flatMap((row) => {
    const expected = row.readingId === readingId ? lowUsageExpected(row, settings.plausibility) : null;
    return expected === null ? [] : [{ kind: row.kind, usage: row.usage, expected }];
  });
}

export function readingDraft(core: CoreContext, args: ApiArgs<'readings-draft'>): ReadingDraft {
  const settings = settingsOf(core);
  const device = findDevice(core, args.equipmentId);
  const { chain, editing, context, lock, contractStart } = locate(core, settings, device, args.readingId);
  const date = editing?.date ?? context.today;
  // Hinweise lists it (far below the usual, a counter standing): the dialog says so and offers to confirm it.
  const confirmable = editing !== null && editing.status === '01' && editing.confirmedBy === null;
  const validity =
    context.validityLock ??
    (editing
      ? { from: editing.validFrom, to: editing.validTo }
      : defaultValidity({
          date,
          previousValidTo: context.previousValidTo,
          installDate: device.installDate,
          contractStart,
          cutoffDay: settings.cutoffDay,
        }));
  const contract = getContract(core.db, device.contractId, validity.from);
  const customer = contract && getCustomer(core.db, contract.customerId);
  if (!contract || !customer) throw new ApiError('internal', 'device without contract or customer');

  const lockDevice = lock && getDevice(core.db, lock.deviceId);
  return {
    device,
    customer,
    contract,
    reading: editing,
    isFirstReading: context.previousDate === null,
    today: context.today,
    date,
    status: context.status,
    previousDate: context.previousDate,
    previousIsEstimate: context.previousIsEstimate ?? false,
    oneReadingPerDay: context.oneReadingPerDay ?? false,
    previousCorrectable: context.previousCorrectable ?? false,
    nextDate: context.nextDate,
    nextDayTaken: context.nextDayTaken ?? false,
    previousValidTo: context.previousValidTo,
    nextValidFrom: context.nextValidFrom,
    previousReadingId: editing ? null : (chain.at(-1)?.id ?? null),
    openEstimate: openEstimateOf(editing ? undefined : chain.at(-1)),
    firstValidFrom: firstValidFrom(device.installDate, contractStart),
    validity,
    validityLock:
      context.validityLock && lock && lockDevice
        ? {
            ...lock,
            ...context.validityLock,
            firstDeviceFrom: lock.from,
            equipmentId: lockDevice.equipmentId,
            position: lockDevice.position,
          }
        : null,
    cutoffDay: settings.cutoffDay,
    plausibility: settings.plausibility,
    lowUsage: confirmable ? lowUsagesOf(core, settings, device.id, editing.id) : [],
    stuck: confirmable ? stuckOf(core, settings, device.id, editing.id) : [],
    counters: context.counters.map((counter) => {
      const saved = editing && counterOf(editing, counter.kind);
      return {
        ...counter,
        chainOld: saved && counter.oldEditable ? saved.old : counter.chainOld,
        new: saved?.new ?? null,
        extraFree: saved?.extraFree ?? 0,
        freePerMonth: contract.terms.find((term) => term.kind === counter.kind)?.freePerMonth ?? 0,
      };
    }),
  };
}

/** The reading as flat fields, for the audit trail's old → new. */
function auditFields(
  reading: Pick<Reading, 'date' | 'validFrom' | 'validTo' | 'note' | 'flagged'> & {
    counters: Array<Omit<ReadingCounter, 'usage'>>;
  },
) {
  const fields: Record<string, unknown> = {
    date: reading.date,
    validFrom: reading.validFrom,
    validTo: reading.validTo,
    note: reading.note,
    flagged: reading.flagged,
  };
  for (const counter of reading.counters) {
    fields[`${counter.kind}.old`] = counter.old;
    fields[`${counter.kind}.new`] = counter.new;
    fields[`${counter.kind}.extraFree`] = counter.extraFree;
    if (counter.exchange) {
      fields[`${counter.kind}.final`] = counter.exchange.final;
      fields[`${counter.kind}.start`] = counter.exchange.start;
    }
  }
  return fields;
}

function requireRevision(reading: Reading, revision: number | undefined): void {
  if (revision !== reading.revision) {
    throw new ApiError(
      'conflict',
      'this reading was changed by someone else in the meantime; reopen it to see the current values',
    );
  }
}

const STALE_CHAIN =
  'another reading of this device was saved in the meantime; reopen the dialog to see it';

/**
 * A new reading of a device on `date` with the values given per counter kind, the way an
 * import, an estimate or the portal brings one: *old* from the chain (on a first reading the
 * device's counter at installation), the default validity for the date (or the contract's
 * lock), no extra free copies. The dialog's rules judge it like a clerk's.
 */
export function saveReadingOn(
  core: CoreContext,
  device: Device,
  date: IsoDate,
  values: ReadonlyMap<CounterKind, number>,
  origin: ReadingOrigin,
): Reading {
  const settings = settingsOf(core);
  return core.db.transaction(() => {
    const position = locate(core, settings, device, undefined, origin.source);
    if (goesIntoEstimate(position.chain, date, values, origin, settings)) {
      const { chain, lock, contractStart } = position;
      const state = { chain, lock, contractStart, today: position.context.today, settings, device };
      return intoEstimate(core, state, date, values, origin);
    }
    const args = newReadingArgs(position, device, settings, date, values);
    const { id } = commitReading(core, settings, device, position, args, origin);
    const saved = getReading(core.db, id);
    if (!saved) throw new ApiError('internal', 'the saved reading could not be read back');
    return saved;
  });
}

/** A new reading's arguments at the chain's end from values per counter kind (see `saveReadingOn`). */
function newReadingArgs(
  { chain, context, contractStart }: ChainPosition,
  device: Device,
  settings: Settings,
  date: IsoDate,
  values: ReadonlyMap<CounterKind, number>,
): SaveReadingArgs {
  const unknown = [...values.keys()].filter(
    (kind) => !context.counters.some((counter) => counter.kind === kind),
  );
  if (unknown.length > 0) {
    throw new ApiError(
      'validation',
      'the reading was not saved',
      unknown.map((kind) => ({ field: `${kind}.new`, code: 'unknown-counter' as const })),
    );
  }
  const validity =
    context.validityLock ??
    defaultValidity({
      date,
      previousValidTo: context.previousValidTo,
      installDate: device.installDate,
      contractStart,
      cutoffDay: settings.cutoffDay,
    });
  return {
    equipmentId: device.equipmentId,
    previousReadingId: chain.at(-1)?.id ?? null,
    date,
    validFrom: validity.from,
    validTo: validity.to,
    note: '',
    counters: context.counters
      .filter((counter) => values.has(counter.kind))
      .map((counter) => ({
        kind: counter.kind,
        old: counter.chainOld,
        new: values.get(counter.kind)!,
        extraFree: 0,
        exchange: null,
      })),
  };
}

/**
 * What the portal publishes of a device (SPEC §5): per counter its last value and date and
 * its usual daily usage, as the rules see them for its next reading.
 */
export function nextReadingCounters(core: CoreContext, device: Device): CounterContext[] {
  const settings = settingsOf(core);
  const chain = loadChain(core, settings, device, undefined, 'web');
  // Validity plays no part in what the portal shows: neither the lock nor the contract's start is read.
  return locateIn({ chain, lock: null, contractStart: null, today: today(core, settings), settings, device, newSource: 'web' })
    .context.counters;
}

/**
 * `saveReadingOn` for many readings in a row, as the meter import brings them: the caller
 * loads each device's chain once (`loadChain`, a tail that suffices) and its contract's lock,
 * and the reading saved here is added to `state.chain`, so the device's next reading is
 * judged on it without reading the database again; the caller keeps the lock up to date.
 * Call it inside a transaction. A refusal (an ApiError) is thrown before anything is
 * written, so the caller needs no savepoint per reading (one doubled the import's writes).
 * An error once the writing has begun is not a refusal but the database's, and must abort
 * the caller's transaction: an ApiError from there comes out as a plain Error.
 */
export function saveNextReading(
  core: CoreContext,
  state: ChainState,
  date: IsoDate,
  values: ReadonlyMap<CounterKind, number>,
  origin: ReadingOrigin,
): Reading {
  if (goesIntoEstimate(state.chain, date, values, origin, state.settings)) {
    const reading = intoEstimate(core, state, date, values, origin);
    state.chain[state.chain.length - 1] = reading;
    return reading;
  }
  const position = locateIn({ ...state, readingId: undefined, newSource: origin.source });
  const args = newReadingArgs(position, state.device, state.settings, date, values);
  const judged = judgeReading(core, state.device, position, args, origin);
  let id: number;
  try {
    ({ id } = writeReading(core, state.settings, state.device, position, judged, origin));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new Error(`a reading of ${state.device.equipmentId} failed once written: ${error.message}`, {
      cause: error,
    });
  }
  const { record } = judged;
  // Field by field: spreading the record (and an object rest) cost the import 10 µs a reading.
  const reading: Reading = {
    id,
    deviceId: state.device.id,
    date: record.date,
    status: '01',
    validFrom: record.validFrom,
    validTo: record.validTo,
    source: origin.source,
    author: core.author,
    note: record.note,
    flagged: record.flagged,
    confirmedBy: record.confirmedBy,
    revision: 0,
    createdAt: record.now,
    updatedAt: record.now,
    counters: record.counters.map((counter) => ({
      kind: counter.kind,
      old: counter.old,
      new: counter.new,
      extraFree: counter.extraFree,
      exchange: counter.exchange,
      usage: computeUsage(counter.old, counter.new, counter.extraFree, counter.exchange),
    })),
  };
  state.chain.push(reading);
  return reading;
}

/** How a reading came in: typed by a clerk, or entered by the customer on the portal. */
export interface ReadingOrigin {
  source: ReadingSource;
  /** The portal flagged a value *A vérifier*: the reading carries the flag too. */
  flagged?: boolean;
  /** Real values that replace an estimate's (`intoEstimate`): it becomes a reading of `source`. */
  replacesEstimate?: boolean;
  /**
   * A device's final reading (taken out of service): dated the day it leaves, also on the
   * 1st–4th after the month before was read (`previousCorrectable` does not hold it back).
   */
  final?: boolean;
}

/**
 * Whether real values dated `date` go into the chain's last reading, an estimate not billed yet
 * whose validity holds that month (`estimateCovers`) and which has the counters they are for
 * (a counter added to the device since makes them a reading of their own).
 */
function goesIntoEstimate(
  chain: Reading[],
  date: IsoDate,
  values: ReadonlyMap<CounterKind, number>,
  origin: ReadingOrigin,
  settings: Settings,
): boolean {
  const latest = chain.at(-1);
  return (
    origin.source !== 'estimate' &&
    estimateCovers(latest, date, settings.cutoffDay) &&
    [...values.keys()].every((kind) => latest!.counters.some((counter) => counter.kind === kind))
  );
}

/**
 * Real values from an import or the portal for a month an unbilled estimate covers
 * (`goesIntoEstimate`): they go into the estimate — its date, counters and source, judged as an
 * edit of it (a real value may go down to the last real counter, a true-up), in the audit
 * trail as one — and it keeps its validity. A refusal is thrown before anything is written;
 * an error once writing has begun comes out as a plain Error (see `saveNextReading`).
 */
function intoEstimate(
  core: CoreContext,
  state: ChainState,
  date: IsoDate,
  values: ReadonlyMap<CounterKind, number>,
  origin: ReadingOrigin,
): Reading {
  const estimate = state.chain.at(-1)!;
  // A chain loaded for a new reading leaves out readings between the ones the rules read for
  // it; an edit needs the estimate's true neighbours (its predecessor gives the *old*).
  const chain = loadChain(core, state.settings, state.device, estimate.id, origin.source);
  const position = locateIn({ ...state, chain, readingId: estimate.id, newSource: origin.source });
  const args: SaveReadingArgs = {
    equipmentId: state.device.equipmentId,
    readingId: estimate.id,
    revision: estimate.revision,
    date,
    validFrom: estimate.validFrom,
    validTo: estimate.validTo,
    note: estimate.note,
    // A counter of the estimate the values lack is refused as missing, as on a new reading.
    counters: position.context.counters
      .filter((counter) => values.has(counter.kind))
      .map((counter) => ({ kind: counter.kind, old: counter.chainOld, new: values.get(counter.kind)!, extraFree: 0, exchange: null })),
  };
  const replacing = { ...origin, replacesEstimate: true };
  const judged = judgeReading(core, state.device, position, args, replacing);
  try {
    writeReading(core, state.settings, state.device, position, judged, replacing);
    const saved = getReading(core.db, estimate.id);
    if (!saved) throw new Error('the reading could not be read back');
    return saved;
  } catch (error) {
    throw new Error(`real values into the estimate ${estimate.id} of ${state.device.equipmentId} failed once written: ${String(error)}`, {
      cause: error,
    });
  }
}

export function saveReading(
  core: CoreContext,
  args: SaveReadingArgs,
  origin: ReadingOrigin = { source: 'manual' },
): Reading {
  const settings = settingsOf(core);
  const device = findDevice(core, args.equipmentId);
  return core.db.transaction(() => {
    const position = locate(core, settings, device, args.readingId, origin.source);
    // Typed values for a month an estimate not billed yet covers belong in the estimate (the
    // dialog opens it): not a reading of one day after it.
    const values = args.readingId === undefined ? new Map(args.counters.map((counter) => [counter.kind, counter.new])) : null;
    if (values && goesIntoEstimate(position.chain, args.date, values, origin, settings)) {
      const estimate = position.chain.at(-1)!;
      throw new ApiError('validation', 'the reading was not saved', [
        { field: 'date', code: 'estimate-open', params: { estimate: estimate.date, from: estimate.validFrom, to: estimate.validTo } },
      ]);
    }
    const { id, unchanged } = commitReading(core, settings, device, position, args, origin);
    if (unchanged) return unchanged;
    const saved = getReading(core.db, id);
    if (!saved) throw new ApiError('internal', 'the saved reading could not be read back');
    return saved;
  });
}

/**
 * The write behind every save: the rules on `args` at `position`, then the reading, the
 * audit trail and the chain's next *old*. Inside the caller's transaction. `unchanged`: an
 * edit that changed nothing (nothing written).
 */
function commitReading(
  core: CoreContext,
  settings: Settings,
  device: Device,
  position: ChainPosition,
  args: SaveReadingArgs,
  origin: ReadingOrigin,
) {
  const judged = judgeReading(core, device, position, args, origin);
  return writeReading(core, settings, device, position, judged, origin);
}

/**
 * The rules on `args` at `position`: every refusal (an ApiError) is thrown here, before
 * anything is written; what passes comes back as the record to write.
 */
function judgeReading(
  core: CoreContext,
  device: Device,
  { chain, editing, context }: ChainPosition,
  args: SaveReadingArgs,
  origin: ReadingOrigin,
) {
  if (editing) requireRevision(editing, args.revision);
  else if (
    args.previousReadingId !== undefined &&
    args.previousReadingId !== (chain.at(-1)?.id ?? null)
  ) {
    throw new ApiError('conflict', STALE_CHAIN);
  }
  const check = checkReading(args, origin.final ? { ...context, previousCorrectable: false } : context);
  if (!editing && device.outOfService) {
    check.issues.unshift({
      field: 'date',
      code: 'device-retired',
      params: { date: device.outOfService },
    });
  }
  // A retired device's final reading is dated the day it left: its values may be corrected,
  // its day not (the device's *ausser Betrieb seit* and the statements would disagree).
  if (editing && device.outOfService && editing.date === device.outOfService && args.date !== editing.date) {
    check.issues.unshift({ field: 'date', code: 'final-reading-date', params: { date: device.outOfService } });
  }
  if (check.issues.length > 0) {
    throw new ApiError('validation', 'the reading was not saved', check.issues);
  }
  const now = timestamp(core);
  const counters = context.counters.map(({ kind }) => {
    const entered = args.counters.find((counter) => counter.kind === kind);
    // checkReading has refused a reading without every one of its counters.
    return {
      kind,
      old: check.olds.get(kind) ?? 0,
      new: entered?.new ?? 0,
      extraFree: entered?.extraFree ?? 0,
      exchange: entered?.exchange ?? null,
    };
  });
  const values = {
    date: args.date,
    validFrom: args.validFrom,
    validTo: args.validTo,
    note: args.note ?? editing?.note ?? '',
    counters,
  };
  // A clerk's confirmation stands as long as the counters and the date it judged stand.
  const judged = (reading: { date: IsoDate; counters: Array<Omit<ReadingCounter, 'usage'>> }) =>
    JSON.stringify([
      reading.date,
      reading.counters.map(({ kind, old, new: value, extraFree, exchange }) => [
        kind,
        old,
        value,
        extraFree,
        exchange?.final ?? null,
        exchange?.start ?? null,
      ]),
    ]);
  const unchanged = editing !== null && judged(editing) === judged(values);
  const flagged = unchanged
    ? editing.flagged
    : check.implausible.length > 0 || (origin.flagged ?? false);
  const record = { ...values, flagged, confirmedBy: unchanged ? editing.confirmedBy : null, now };
  return { check, record };
}

/** What `judgeReading` passed, written: the reading, its audit entry, the chain's next *old*. */
function writeReading(
  core: CoreContext,
  settings: Settings,
  device: Device,
  { editing }: ChainPosition,
  { check, record }: ReturnType<typeof judgeReading>,
  origin: ReadingOrigin,
) {
  const { now } = record;
  let id: number;
  if (editing) {
    id = editing.id;
    const changes = diff(auditFields(editing), auditFields(record));
    // An estimate whose counters a clerk corrects holds real values now, as does one real values
    // went into (`intoEstimate`): it is billed, listed and judged as a reading of its source, no
    // longer named an estimate on the statement.
    const corrected =
      editing.source === 'estimate' &&
      origin.source !== 'estimate' &&
      (origin.replacesEstimate === true ||
        record.counters.some((counter) => editing.counters.find((c) => c.kind === counter.kind)?.new !== counter.new));
    const changed = Object.keys(changes).length > 0;
    if (!changed && !corrected) return { id, record, unchanged: editing };
    if (changed) updateReading(core.db, id, record, now);
    if (corrected) {
      core.db.run('UPDATE readings SET source = ? WHERE id = ?', [origin.source, id]);
      if (!changed) bumpRevision(core.db, id, now);
      changes.source = ['estimate', origin.source];
    }
    audit(core, now, 'reading', id, 'update', changes);
  } else {
    id = insertReading(
      core.db,
      {
        deviceId: device.id,
        date: record.date,
        status: '01',
        validFrom: record.validFrom,
        validTo: record.validTo,
        source: origin.source,
        author: core.author,
        note: record.note,
        flagged: record.flagged,
        confirmedBy: record.confirmedBy,
        counters: record.counters,
      },
      now,
    );
    const fields = auditFields(record);
    fields.status = '01';
    fields.source = origin.source;
    audit(core, now, 'reading', id, 'create', diff({}, fields));
  }

  const relinked = new Set<number>();
  for (const relink of check.relinks) {
    const next = getReading(core.db, relink.readingId);
    const counter = next && counterOf(next, relink.counter);
    if (!next || !counter) continue;
    moveOld(core, next, counter, relink.old, now);
    relinked.add(next.id);
  }
  for (const nextId of relinked) reflagIfImplausible(core, settings, device, nextId, now);
  return { id, record, unchanged: null };
}

/**
 * One counter's *old* of `reading` moved to `old` (the reading before it corrected or deleted):
 * written, its revision bumped, in its change log. It has another usage now, so a clerk's
 * confirmation of it — of a usage far above or below the usual — no longer stands.
 */
function moveOld(core: CoreContext, reading: Reading, counter: ReadingCounter, old: number, now: string): void {
  setCounterValues(core.db, reading.id, { ...counter, old });
  bumpRevision(core.db, reading.id, now);
  const changes: Changes = { [`${counter.kind}.old`]: [counter.old, old] };
  if (reading.confirmedBy !== null) {
    unconfirmReading(core.db, reading.id);
    changes.confirmedBy = [reading.confirmedBy, null];
    // Moved again for another of its counters: withdrawn once.
    reading.confirmedBy = null;
  }
  audit(core, now, 'reading', reading.id, 'update', changes);
}

/** The plausibility rule's verdict on one counter of a recorded reading. */
export interface UsageVerdict {
  kind: CounterKind;
  usage: number;
  /** The usual usage since the reading before (average × days), or null without history. */
  expected: number | null;
  implausible: boolean;
}

/**
 * The meter dialog's plausibility rule (SPEC §3.8) on a recorded reading as it stands, per
 * counter: what saving it again would flag. Hinweise lists a flagged reading's counters by it.
 */
export function usageVerdicts(
  core: CoreContext,
  settings: Settings,
  device: Device,
  readingId: number,
): { reading: Reading; verdicts: UsageVerdict[] } | null {
  // The validity lock (and the contract's start) play no part in the usage: not read (Hinweise judges every flagged reading).
  const chain = loadChain(core, settings, device, readingId, 'manual');
  const { editing, context } = locateIn({ chain, lock: null, contractStart: null, today: today(core, settings), settings, device, readingId });
  if (!editing) return null;
  const check = checkReading(
    {
      date: editing.date,
      validFrom: editing.validFrom,
      validTo: editing.validTo,
      counters: editing.counters,
    },
    { ...context, validityLock: null },
  );
  const verdicts = context.counters.flatMap((counter): UsageVerdict[] => {
    const entered = editing.counters.find((c) => c.kind === counter.kind);
    if (!entered) return [];
    // Judged as the dialog's rule judges it (after an estimate: from the last real reading).
    const base = plausibilityBase(counter, entered.old);
    const days = base.date ? daysBetween(base.date, editing.date) : 0;
    return [
      {
        kind: counter.kind,
        usage: counter.floor === null ? entered.usage : computeUsage(base.value, entered.new, entered.extraFree, entered.exchange),
        expected: counter.averageDaily === null ? null : Math.round(counter.averageDaily * days),
        implausible: check.implausible.includes(counter.kind),
      },
    ];
  });
  return { reading: editing, verdicts };
}

/**
 * A reading whose *old* moved (an earlier reading was corrected or deleted) has a new usage:
 * judge it again, so that no shock bill slips past the plausibility rule that way.
 */
function reflagIfImplausible(
  core: CoreContext,
  settings: Settings,
  device: Device,
  readingId: number,
  now: string,
): void {
  const judged = usageVerdicts(core, settings, device, readingId);
  if (!judged || judged.reading.flagged) return;
  if (!judged.verdicts.some((verdict) => verdict.implausible)) return;
  flagReading(core.db, readingId, now);
  audit(core, now, 'reading', readingId, 'update', {
    flagged: [false, true],
    confirmedBy: [judged.reading.confirmedBy, null],
  });
}

/**
 * Deleting a recorded reading merges it into the next one: that one's *old* becomes the
 * deleted reading's *old* and its validity starts where the deleted one's did, so neither the
 * chain nor the validity has a gap. Refused when that next reading is billed.
 */
export function deleteReadingById(
  core: CoreContext,
  args: ApiArgs<'readings-delete'>,
): { deleted: true } {
  return core.db.transaction(() => {
    const reading = getReading(core.db, args.readingId);
    if (!reading) throw new ApiError('not-found', `no reading ${args.readingId}`);
    requireRevision(reading, args.revision);
    if (!isEditable(reading.status)) {
      throw new ApiError('validation', 'a billed or posted reading cannot be deleted', [
        { field: 'reading', code: 'reading-read-only', params: { status: reading.status } },
      ]);
    }
    const chain = listReadings(core.db, reading.deviceId);
    const index = chain.findIndex((r) => r.id === reading.id);
    // A retired device's last reading is its final one (its counters when it left): without it
    // the device's last months would never be billed, and it takes no reading any more.
    const device = getDevice(core.db, reading.deviceId);
    const retired = device?.outOfService ?? null;
    if (retired !== null && index === chain.length - 1) {
      throw new ApiError('validation', 'the final reading of a device out of service cannot be deleted; its values can be corrected', [
        { field: 'reading', code: 'final-reading', params: { date: retired } },
      ]);
    }
    const now = timestamp(core);
    const settings = settingsOf(core);
    const following = chain[index + 1];
    for (const counter of reading.counters) {
      const next = chain.slice(index + 1).find((r) => counterOf(r, counter.kind));
      const nextCounter = next && counterOf(next, counter.kind);
      if (!next || !nextCounter) continue;
      if (!isEditable(next.status)) {
        throw new ApiError('validation', 'the next reading is already billed', [
          {
            field: 'reading',
            code: 'next-reading-locked',
            params: { status: next.status, date: next.date, value: nextCounter.old },
          },
        ]);
      }
      moveOld(core, next, nextCounter, counter.old, now);
    }
    deleteReading(core.db, reading.id);
    if (following && isEditable(following.status) && following.validFrom !== reading.validFrom) {
      // The next one takes over the deleted one's start. One that counted only after its own
      // month because the deleted one covered it (a second reading of the month) now ends with
      // that month again, as it would have been entered without the deleted one.
      const ownMonthEnd = periodEndFor(following.date, settings.cutoffDay);
      const wasAfterItsMonth = following.validFrom > ownMonthEnd && following.validTo === following.validFrom;
      const to = wasAfterItsMonth && reading.validFrom <= ownMonthEnd ? ownMonthEnd : following.validTo;
      setValidity(core.db, following.id, { from: reading.validFrom, to }, now);
      audit(core, now, 'reading', following.id, 'update', {
        validFrom: [following.validFrom, reading.validFrom],
        ...(to !== following.validTo && { validTo: [following.validTo, to] }),
      });
    }
    if (following && device) reflagIfImplausible(core, settings, device, following.id, now);
    audit(
      core,
      now,
      'reading',
      reading.id,
      'delete',
      diff({ ...auditFields(reading), status: reading.status, source: reading.source }, {}),
    );
    return { deleted: true };
  });
}

/** A clerk looked at a flagged (*A vérifier*) reading and vouches for it. */
export function confirmReadingById(core: CoreContext, args: ApiArgs<'readings-confirm'>): Reading {
  return core.db.transaction(() => {
    const reading = getReading(core.db, args.readingId);
    if (!reading) throw new ApiError('not-found', `no reading ${args.readingId}`);
    requireRevision(reading, args.revision);
    if (!isEditable(reading.status)) {
      throw new ApiError('validation', 'a billed or posted reading cannot be changed', [
        { field: 'reading', code: 'reading-read-only', params: { status: reading.status } },
      ]);
    }
    // Flagged (zu prüfen), or listed by Hinweise as far below the usual (not flagged): confirmed
    // by the clerk, it is off the lists until its counters or date change. Once is enough.
    if (!reading.flagged && reading.confirmedBy !== null) return reading;
    const now = timestamp(core);
    confirmReading(core.db, reading.id, core.author, now);
    audit(core, now, 'reading', reading.id, 'update', {
      ...(reading.flagged && { flagged: [true, false] }),
      confirmedBy: [reading.confirmedBy, core.author],
    });
    const saved = getReading(core.db, reading.id);
    if (!saved) throw new ApiError('internal', 'the confirmed reading could not be read back');
    return saved;
  });
}
