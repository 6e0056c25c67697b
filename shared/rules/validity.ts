import { addDays, endOfMonth, parts } from '../dates';
import type { IsoDate, ReadingStatus } from '../models';

/**
 * A reading dated on or before this day of the month belongs to the previous month
 * (SPEC §3.4: readings taken on the 1st–4th are the previous month's). A setting later.
 */
export const DEFAULT_CUTOFF_DAY = 4;

export interface Validity {
  from: IsoDate;
  to: IsoDate;
}

/** The last day of the month a reading dated `date` belongs to. */
export function periodEndFor(date: IsoDate, cutoffDay = DEFAULT_CUTOFF_DAY): IsoDate {
  const { day } = parts(date);
  return day <= cutoffDay ? addDays(`${date.slice(0, 8)}01`, -1) : endOfMonth(date);
}

export interface ValidityBasis {
  date: IsoDate;
  /** *Gültig bis* of the device's previous reading; null for its first reading. */
  previousValidTo: IsoDate | null;
  installDate: IsoDate;
  /** The start of the device's contract: a first reading's validity does not begin before it. */
  contractStart?: IsoDate | null;
  cutoffDay?: number;
}

/**
 * Where a device's first validity begins: its install date — or its contract's start, where
 * the device was installed before it (bought earlier, or data from before): the contract bills
 * no day it did not run.
 */
export function firstValidFrom(
  installDate: IsoDate,
  contractStart: IsoDate | null | undefined,
): IsoDate {
  return contractStart && contractStart > installDate ? contractStart : installDate;
}

/**
 * OBS's automatic validity: from the day after the previous reading's end (first reading:
 * the install date, `firstValidFrom`) to the end of the reading's month. A reading in a period
 * already covered (after a billed reading: while that one is only recorded, a second is refused,
 * `previousCorrectable`) gets the whole month after it — not a period of one day, which the
 * contract's lock would spread to its other devices.
 */
export function defaultValidity(basis: ValidityBasis): Validity {
  const from = basis.previousValidTo
    ? addDays(basis.previousValidTo, 1)
    : firstValidFrom(basis.installDate, basis.contractStart);
  const end = periodEndFor(basis.date, basis.cutoffDay);
  // A device's first reading on the 1st–4th of the month it came in cannot belong to the month
  // before it: its own month, not a period of one day (a day's share of the free copies).
  if (end < from && basis.previousValidTo === null) return { from, to: endOfMonth(basis.date) };
  return { from, to: end < from ? endOfMonth(from) : end };
}

export interface ContractDeviceReadings {
  deviceId: number;
  position: string;
  readings: Array<{ id: number; date: IsoDate; status: ReadingStatus } & Validity>;
}

export interface ValidityLock extends Validity {
  /** The contract's first device and its reading the validity comes from. */
  deviceId: number;
  readingId: number;
}

/** Positions are digit strings (`0002`) but compare as numbers where they are numbers. */
export function comparePositions(a: string, b: string): number {
  return POSITIONS.compare(a, b);
}

/**
 * The contract's first device: the lowest position, in one pass (an import asks for it for
 * every reading of a contract).
 */
export function firstByPosition<T extends { position: string }>(
  devices: readonly T[],
): T | undefined {
  return devices.reduce<T | undefined>(
    (lowest, device) =>
      lowest && comparePositions(lowest.position, device.position) <= 0 ? lowest : device,
    undefined,
  );
}

// One collator for every comparison: localeCompare with options builds one per call.
const POSITIONS = new Intl.Collator('en', { numeric: true });

/**
 * The OBS note under the dialog: the validity can only be entered while the contract's
 * first device (lowest position) has no unposted readings; otherwise a new reading of any
 * other device takes the validity of that device's latest unposted reading, locked.
 */
export function findValidityLock(
  contractDevices: ContractDeviceReadings[],
  forDeviceId: number,
): ValidityLock | null {
  const first = firstByPosition(contractDevices);
  if (!first || first.deviceId === forDeviceId) return null;
  const unposted = first.readings
    .filter((reading) => reading.status !== '21')
    .sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -1 : 1));
  const latest = unposted.at(-1);
  if (!latest) return null;
  return { deviceId: first.deviceId, readingId: latest.id, from: latest.from, to: latest.to };
}

/**
 * The validity the contract's lock gives a new reading of another device: the first device's
 * period end, from where this device's own chain goes on (the day after its previous reading's
 * end; for its first reading, its install date). Where the device's chain runs on from the
 * lock's start — the usual month — that is the first device's period itself; a device that
 * skipped a month, or came in during a period, then neither loses days nor counts any twice.
 * Null where the device's chain is already past the lock's period: its own months apply.
 * `firstFrom`: where its first reading's validity begins (`firstValidFrom`).
 */
export function lockedValidity(
  lock: Validity,
  previousValidTo: IsoDate | null,
  firstFrom: IsoDate,
): Validity | null {
  const from = previousValidTo ? addDays(previousValidTo, 1) : firstFrom;
  return from <= lock.to ? { from, to: lock.to } : null;
}
