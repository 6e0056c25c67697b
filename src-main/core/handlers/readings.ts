/**
 * The meter dialog's operations (SPEC §3): the draft that fills the dialog, and save, delete
 * and confirm, each one transaction that either writes everything (the reading, the chain's
 * next *old*, the audit trail) or nothing.
 */
import { insertAudit, listAudit, diff } from '../../../db/queries/audit';
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
  getReading,
  insertReading,
  listReadings,
  setCounterValues,
  unpostedReadingsOfContract,
  updateReading,
} from '../../../db/queries/readings';
import type { ApiArgs, ReadingDraft, SaveReadingArgs } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import type {
  AuditEntry,
  CounterKind,
  Device,
  IsoDate,
  Reading,
  ReadingCounter,
} from '../../../shared/models';
import type { NextLink } from '../../../shared/rules/chain';
import { averageDailyUsage, type CounterPoint } from '../../../shared/rules/plausibility';
import { checkReading, type CounterContext, type ReadingContext } from '../../../shared/rules/reading-check';
import { isEditable } from '../../../shared/rules/status';
import {
  defaultValidity,
  findValidityLock,
  type ValidityLock,
} from '../../../shared/rules/validity';
import { settingsOf, timestamp, today, type CoreContext } from '../context';
import type { Settings } from '../settings';

function findDevice(context: CoreContext, equipmentId: string): Device {
  const device = getDeviceByEquipmentId(context.db, equipmentId);
  if (!device) throw new ApiError('not-found', `no device with equipment ID ${equipmentId}`);
  return device;
}

function counterOf(reading: Reading, kind: CounterKind) {
  return reading.counters.find((counter) => counter.kind === kind);
}

/** The counter's history up to (not including) position `before` in the chain. */
function historyPoints(chain: Reading[], before: number, kind: CounterKind, device: Device): CounterPoint[] {
  const points: CounterPoint[] = [];
  for (const reading of chain.slice(0, before)) {
    const counter = counterOf(reading, kind);
    if (!counter) continue;
    if (points.length === 0) points.push({ date: device.installDate, value: counter.old });
    points.push({ date: reading.date, value: counter.new });
  }
  return points;
}

interface ChainPosition {
  chain: Reading[];
  editing: Reading | null;
  context: ReadingContext;
  previousValidTo: IsoDate | null;
  lock: ValidityLock | null;
}

/** Where a new or edited reading sits in its device's chain, and what the rules need from it. */
function locate(
  core: CoreContext,
  settings: Settings,
  device: Device,
  readingId: number | undefined,
): ChainPosition {
  const chain = listReadings(core.db, device.id);
  const index = readingId === undefined ? chain.length : chain.findIndex((r) => r.id === readingId);
  const editing = readingId === undefined ? null : (chain[index] ?? null);
  if (readingId !== undefined && !editing) {
    throw new ApiError('not-found', `device ${device.equipmentId} has no reading ${readingId}`);
  }
  const previous = chain[index - 1] ?? null;
  const next = editing ? (chain[index + 1] ?? null) : null;
  const referenceDate = editing?.date ?? today(core, settings);

  const counters: CounterContext[] = device.counters.map(({ kind, startValue }) => {
    const before = chain.slice(0, index).reverse().find((r) => counterOf(r, kind));
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
          }
        : null;
    return {
      kind,
      oldEditable: !before,
      chainOld: (before && counterOf(before, kind)?.new) ?? startValue,
      next: nextLink,
      averageDaily: averageDailyUsage(
        historyPoints(chain, index, kind, device),
        referenceDate,
        settings.plausibility,
      ),
      lastDate: before?.date ?? null,
    };
  });

  const lock = editing
    ? null
    : findValidityLock(unpostedReadingsOfContract(core.db, device.contractId), device.id);
  return {
    chain,
    editing,
    lock,
    previousValidTo: previous?.validTo ?? null,
    context: {
      today: today(core, settings),
      status: editing?.status ?? '01',
      installDate: device.installDate,
      previousDate: previous?.date ?? null,
      nextDate: next?.date ?? null,
      counters,
      validityLock: lock && { from: lock.from, to: lock.to },
      plausibility: settings.plausibility,
    },
  };
}

export function readingDraft(core: CoreContext, args: ApiArgs<'readings-draft'>): ReadingDraft {
  const settings = settingsOf(core);
  const device = findDevice(core, args.equipmentId);
  const { editing, context, previousValidTo, lock } = locate(core, settings, device, args.readingId);
  const date = editing?.date ?? context.today;
  const validity = editing
    ? { from: editing.validFrom, to: editing.validTo }
    : (context.validityLock ??
      defaultValidity({ date, previousValidTo, installDate: device.installDate, cutoffDay: settings.cutoffDay }));
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
    nextDate: context.nextDate,
    previousValidTo,
    validity,
    validityLock:
      lock && lockDevice
        ? { ...lock, equipmentId: lockDevice.equipmentId, position: lockDevice.position }
        : null,
    cutoffDay: settings.cutoffDay,
    plausibility: settings.plausibility,
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

export function saveReading(core: CoreContext, args: SaveReadingArgs): Reading {
  const settings = settingsOf(core);
  const device = findDevice(core, args.equipmentId);
  return core.db.transaction(() => {
    const { editing, context } = locate(core, settings, device, args.readingId);
    if (editing) requireRevision(editing, args.revision);
    const check = checkReading(args, context);
    if (check.issues.length > 0) {
      throw new ApiError('validation', 'the reading was not saved', check.issues);
    }
    const now = timestamp(core);
    const counters = context.counters.map(({ kind }) => {
      const entered = args.counters.find((counter) => counter.kind === kind);
      // checkReading has refused a reading without every counter of the device.
      return { kind, old: check.olds.get(kind) ?? 0, new: entered?.new ?? 0, extraFree: entered?.extraFree ?? 0 };
    });
    const flagged = check.implausible.length > 0;
    const record = {
      date: args.date,
      validFrom: args.validFrom,
      validTo: args.validTo,
      note: args.note ?? editing?.note ?? '',
      author: core.author,
      flagged,
      confirmedBy: null,
      counters,
    };

    let id: number;
    if (editing) {
      id = editing.id;
      const changes = diff(auditFields(editing), auditFields(record));
      if (Object.keys(changes).length === 0) return editing;
      updateReading(core.db, id, record, now);
      insertAudit(core.db, { at: now, author: core.author, entity: 'reading', entityId: id, action: 'update', changes });
    } else {
      id = insertReading(core.db, { ...record, deviceId: device.id, status: '01', source: 'manual' }, now);
      insertAudit(core.db, {
        at: now,
        author: core.author,
        entity: 'reading',
        entityId: id,
        action: 'create',
        changes: diff({}, { ...auditFields(record), status: '01', source: 'manual' }),
      });
    }

    for (const relink of check.relinks) {
      const next = getReading(core.db, relink.readingId);
      const counter = next && counterOf(next, relink.counter);
      if (!next || !counter) continue;
      setCounterValues(core.db, next.id, { ...counter, old: relink.old });
      bumpRevision(core.db, next.id, now);
      insertAudit(core.db, {
        at: now,
        author: core.author,
        entity: 'reading',
        entityId: next.id,
        action: 'update',
        changes: { [`${relink.counter}.old`]: [counter.old, relink.old] },
      });
    }
    const saved = getReading(core.db, id);
    if (!saved) throw new ApiError('internal', 'the saved reading could not be read back');
    return saved;
  });
}

/**
 * Deleting a recorded reading merges its usage into the next one (whose *old* becomes the
 * deleted reading's *old*), so the chain stays whole; refused when that next one is billed.
 */
export function deleteReadingById(core: CoreContext, args: ApiArgs<'readings-delete'>): { deleted: true } {
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
    const now = timestamp(core);
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
      setCounterValues(core.db, next.id, { ...nextCounter, old: counter.old });
      bumpRevision(core.db, next.id, now);
      insertAudit(core.db, {
        at: now,
        author: core.author,
        entity: 'reading',
        entityId: next.id,
        action: 'update',
        changes: { [`${counter.kind}.old`]: [nextCounter.old, counter.old] },
      });
    }
    deleteReading(core.db, reading.id);
    insertAudit(core.db, {
      at: now,
      author: core.author,
      entity: 'reading',
      entityId: reading.id,
      action: 'delete',
      changes: diff({ ...auditFields(reading), status: reading.status, source: reading.source }, {}),
    });
    return { deleted: true };
  });
}

/** A clerk looked at a flagged (*A vérifier*) reading and vouches for it. */
export function confirmReadingById(core: CoreContext, args: ApiArgs<'readings-confirm'>): Reading {
  return core.db.transaction(() => {
    const reading = getReading(core.db, args.readingId);
    if (!reading) throw new ApiError('not-found', `no reading ${args.readingId}`);
    requireRevision(reading, args.revision);
    if (!reading.flagged) return reading;
    const now = timestamp(core);
    confirmReading(core.db, reading.id, core.author, now);
    insertAudit(core.db, {
      at: now,
      author: core.author,
      entity: 'reading',
      entityId: reading.id,
      action: 'update',
      changes: { flagged: [true, false], confirmedBy: [reading.confirmedBy, core.author] },
    });
    const saved = getReading(core.db, reading.id);
    if (!saved) throw new ApiError('internal', 'the confirmed reading could not be read back');
    return saved;
  });
}

export function readingAudit(core: CoreContext, args: ApiArgs<'readings-audit'>): AuditEntry[] {
  return listAudit(core.db, 'reading', args.readingId);
}
