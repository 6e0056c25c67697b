import { diff } from '../../../db/queries/audit';
import { getContractIdByNumber, getContractNumber } from '../../../db/queries/contracts';
import {
  contractHistory,
  equipmentIdHolder,
  kindsWithReadings,
  moveDevice,
  retireDevice,
  serialNumberHolder,
  setDeviceCounters,
  updateDevice,
} from '../../../db/queries/devices';
import {
  getContract,
  getCustomer,
  getDevice,
  getDeviceByEquipmentId,
  insertDevice,
  searchDevices,
} from '../../../db/queries/master-data';
import { getReading, listReadings } from '../../../db/queries/readings';
import type { ApiArgs, ApiResult } from '../../../shared/api';
import { addDays } from '../../../shared/dates';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { COUNTER_KINDS, type CounterKind, type Device, type DeviceDetail } from '../../../shared/models';
import { checkDevice, normaliseEquipmentId } from '../../../shared/rules/master-data';
import { comparePositions, defaultValidity } from '../../../shared/rules/validity';
import { audit, settingsOf, timestamp, today, type CoreContext } from '../context';
import { translations } from '../../../shared/i18n';
import { readingDraft, saveReading } from './readings';

const DEFAULT_SEARCH_LIMIT = 500;

export function devicesSearch(
  core: CoreContext,
  args: ApiArgs<'devices-search'>,
): ApiResult<'devices-search'> {
  return searchDevices(core.db, args.query, args.limit ?? DEFAULT_SEARCH_LIMIT);
}

export function deviceDetail(core: CoreContext, args: ApiArgs<'devices-get'>): DeviceDetail {
  const device = getDeviceByEquipmentId(core.db, args.equipmentId);
  if (!device) throw new ApiError('not-found', `no device with equipment ID ${args.equipmentId}`);
  const contract = getContract(core.db, device.contractId, today(core));
  const customer = contract && getCustomer(core.db, contract.customerId);
  if (!contract || !customer) throw new ApiError('internal', 'device without contract or customer');
  return { device, customer, contract, readings: listReadings(core.db, device.id) };
}

function requireDevice(
  core: CoreContext,
  device: Device | undefined,
  revision: number | undefined,
): Device {
  if (!device) throw new ApiError('not-found', 'no such device');
  if (device.revision !== revision) {
    throw new ApiError(
      'conflict',
      'this device was changed by someone else in the meantime; reopen it',
    );
  }
  return device;
}

function contractNumberOf(core: CoreContext, contractId: number): string {
  return getContractNumber(core.db, contractId) ?? String(contractId);
}

/** A device as flat fields for the audit trail; its contract by number, as the clerk knows it. */
function deviceAuditFields(
  core: CoreContext,
  device: Omit<Device, 'id' | 'revision' | 'outOfService' | 'counters'> & {
    counters: Array<{ kind: string; startValue: number }>;
  },
): Record<string, unknown> {
  return {
    contract: contractNumberOf(core, device.contractId),
    position: device.position,
    model: device.model,
    location: device.location,
    equipmentId: device.equipmentId,
    serialNumber: device.serialNumber,
    installDate: device.installDate,
    counters: device.counters.map((c) => `${c.kind}:${c.startValue}`).join(', '),
  };
}

/** A device entered by mistake, with its counters: refused once it has a reading or a web value. */
export function deleteDeviceById(core: CoreContext, args: ApiArgs<'devices-delete'>): { deleted: true } {
  return core.db.transaction(() => {
    const before = requireDevice(core, getDevice(core.db, args.id), args.revision);
    const used = core.db.get(
      'SELECT 1 FROM readings WHERE device_id = ? UNION ALL SELECT 1 FROM web_submissions WHERE device_id = ? LIMIT 1',
      [args.id, args.id],
    );
    if (used) {
      throw new ApiError('validation', 'a device with readings can only be taken out of service', [
        { field: 'device', code: 'device-has-readings' },
      ]);
    }
    const fields = deviceAuditFields(core, before);
    // Its counters and contract history go with it (ON DELETE CASCADE).
    core.db.run('DELETE FROM devices WHERE id = ?', [args.id]);
    audit(core, timestamp(core), 'device', args.id, 'delete', diff(fields, {}));
    return { deleted: true };
  });
}

/** The device form's fields as saved: trimmed, the position in four digits, the equipment ID dotted. */
function deviceInput(args: ApiArgs<'devices-save'>) {
  return {
    // Positions are four digits (0002) as the contracts number them; "2" is the same one.
    position: /^\d{1,3}$/.test(args.position.trim()) ? args.position.trim().padStart(4, '0') : args.position.trim(),
    model: args.model.trim(),
    location: args.location.trim(),
    equipmentId: normaliseEquipmentId(args.equipmentId),
    serialNumber: args.serialNumber.trim(),
    installDate: args.installDate.trim(),
    counters: [...args.counters].sort(
      (a, b) => COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind),
    ),
  };
}

/**
 * What only the database knows against a device's fields: its equipment ID, position or serial
 * number on another device; for a saved device, a counter kind with readings left out, or an
 * install date after its first reading. The save refuses them; the form asks first
 * (`devices-conflicts`), so they are said in one round with its own errors.
 */
function conflictsOf(
  core: CoreContext,
  args: ApiArgs<'devices-save'>,
  input: ReturnType<typeof deviceInput>,
  stored: Device | undefined,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const holder = input.equipmentId ? equipmentIdHolder(core.db, input.equipmentId) : undefined;
  if (holder !== undefined && holder !== args.id) {
    // Named, so that the clerk finds the device that has it.
    const other = getDevice(core.db, holder);
    const contract = other ? (getContractNumber(core.db, other.contractId) ?? '') : '';
    issues.push({ field: 'equipmentId', code: 'equipment-id-taken', params: { model: other?.model ?? '', contract } });
  }
  // A position names one device of its contract: the lowest is the one that sets the others'
  // validity (the OBS lock), which two devices at one position would leave to chance.
  // Asked only of a new position: data from before this rule (two at one position) still saves.
  // Positions compare as numbers (2 and 0002 are one), as the lock orders them.
  const neighbour =
    input.position && (!stored || comparePositions(stored.position, input.position) !== 0)
      ? positionHolder(core, args.contractId, input.position, args.id)
      : undefined;
  if (neighbour) issues.push({ field: 'position', code: 'position-taken', params: { value: neighbour } });
  // A serial number names one machine: a second device with it is the same copier entered twice.
  const twin = input.serialNumber ? serialNumberHolder(core.db, input.serialNumber, args.id) : undefined;
  if (twin !== undefined) issues.push({ field: 'serialNumber', code: 'serial-number-taken', params: { value: twin } });
  if (stored) {
    for (const kind of kindsWithReadings(core.db, stored.id)) {
      if (!input.counters.some((counter) => counter.kind === kind)) {
        issues.push({ field: 'counters', code: 'counter-has-readings', params: { kind } });
      }
    }
    const first = listReadings(core.db, stored.id)[0];
    if (first && input.installDate > first.date) {
      issues.push({ field: 'installDate', code: 'date-after-next', params: { max: first.date } });
    }
  }
  return issues;
}

/** `devices-conflicts`: the save's `conflictsOf` the fields as typed; nothing is written. */
export function deviceConflicts(core: CoreContext, args: ApiArgs<'devices-save'>): FieldIssue[] {
  return conflictsOf(core, args, deviceInput(args), args.id === undefined ? undefined : getDevice(core.db, args.id));
}

/**
 * A device as master data. Its contract changes only through a move (which keeps the history);
 * a counter kind with readings cannot be removed, and the install date cannot pass its first reading.
 */
export function saveDevice(core: CoreContext, args: ApiArgs<'devices-save'>): Device {
  const input = deviceInput(args);
  return core.db.transaction(() => {
    if (!getContract(core.db, args.contractId, today(core)))
      throw new ApiError('not-found', `no contract ${args.contractId}`);
    const stored = args.id === undefined ? undefined : getDevice(core.db, args.id);
    const issues: FieldIssue[] = [...checkDevice(input), ...conflictsOf(core, args, input, stored)];
    const now = timestamp(core);

    if (args.id === undefined) {
      if (issues.length > 0) throw new ApiError('validation', 'the device was not saved', issues);
      const id = insertDevice(core.db, { ...input, contractId: args.contractId }, now);
      audit(
        core,
        now,
        'device',
        id,
        'create',
        diff({}, deviceAuditFields(core, { ...input, contractId: args.contractId })),
      );
      return getDevice(core.db, id) as Device;
    }

    const before = requireDevice(core, stored, args.revision);
    if (before.contractId !== args.contractId) {
      throw new ApiError(
        'bad-request',
        'a device changes contract by a move (devices-move), which keeps its history',
      );
    }
    if (issues.length > 0) throw new ApiError('validation', 'the device was not saved', issues);
    const changes = diff(
      deviceAuditFields(core, before),
      deviceAuditFields(core, { ...input, contractId: args.contractId }),
    );
    if (Object.keys(changes).length === 0) return before;
    updateDevice(core.db, args.id, input, now);
    setDeviceCounters(core.db, args.id, input.counters);
    audit(core, now, 'device', args.id, 'update', changes);
    return getDevice(core.db, args.id) as Device;
  });
}

/** The equipment ID of the device in service at `position` of a contract (2 and 0002 are one), other than `except`. */
function positionHolder(core: CoreContext, contractId: number, position: string, except: number | undefined): string | undefined {
  return core.db
    .all<{ equipment_id: string; position: string }>(
      'SELECT equipment_id, position FROM devices WHERE contract_id = ? AND id IS NOT ? AND out_of_service IS NULL',
      [contractId, except ?? null],
    )
    .find((other) => comparePositions(other.position, position) === 0)?.equipment_id;
}

/** From a day on, the device belongs to another contract; its readings and their chain stay. */
export function moveDeviceToContract(core: CoreContext, args: ApiArgs<'devices-move'>): Device {
  return core.db.transaction(() => {
    const device = requireDevice(
      core,
      getDeviceByEquipmentId(core.db, args.equipmentId),
      args.revision,
    );
    const contractId = getContractIdByNumber(core.db, args.contractNumber);
    const issues: FieldIssue[] = [];
    if (contractId === undefined) {
      issues.push({ field: 'contractNumber', code: 'unknown-contract', params: { value: args.contractNumber } });
    } else if (contractId === device.contractId) {
      issues.push({ field: 'contractNumber', code: 'same-contract' });
    } else {
      // It keeps its position: one another device of that contract has would leave the lock to chance.
      const holder = positionHolder(core, contractId, device.position, device.id);
      if (holder) issues.push({ field: 'contractNumber', code: 'position-taken', params: { value: holder } });
      // The device joins a contract that runs then: not before it starts, not after it ends.
      const target = getContract(core.db, contractId, args.from);
      if (target && (args.from < target.startDate || (target.endDate !== null && args.from > target.endDate))) {
        issues.push({
          field: 'from',
          code: 'move-outside-contract',
          params: { start: target.startDate, end: target.endDate ?? '—' },
        });
      }
    }
    const last = contractHistory(core.db, device.id).at(-1);
    if (last && args.from <= last.validFrom) {
      issues.push({
        field: 'from',
        code: 'move-before-last',
        params: { min: addDays(last.validFrom, 1) },
      });
    }
    // A reading's period stays with one contract (billing takes the contract at its end): the
    // move comes at the start of a period, not inside one already read.
    const straddled = listReadings(core.db, device.id).find((reading) => reading.validFrom < args.from && args.from <= reading.validTo);
    if (straddled) {
      issues.push({
        field: 'from',
        code: 'move-inside-reading',
        params: { date: straddled.date, from: straddled.validFrom, to: straddled.validTo, next: addDays(straddled.validTo, 1) },
      });
    }
    if (issues.length > 0 || contractId === undefined)
      throw new ApiError('validation', 'the device was not moved', issues);
    const now = timestamp(core);
    moveDevice(core.db, device.id, contractId, args.from, now);
    // Contract numbers, as the clerk knows them (not the database's ids).
    audit(core, now, 'device', device.id, 'update', {
      contract: [contractNumberOf(core, device.contractId), args.contractNumber],
      movedFrom: [null, args.from],
    });
    return getDevice(core.db, device.id) as Device;
  });
}

/** Takes a device out of service with its final reading, in one transaction. */
export function retireDeviceWithReading(
  core: CoreContext,
  args: ApiArgs<'devices-retire'>,
): Device {
  return core.db.transaction(() => {
    const device = requireDevice(
      core,
      getDeviceByEquipmentId(core.db, args.equipmentId),
      args.revision,
    );
    const missing = device.counters.filter(
      (counter) => !args.counters.some((c) => c.kind === counter.kind),
    );
    if (missing.length > 0) {
      throw new ApiError(
        'validation',
        'the final reading needs every counter',
        missing.map((counter) => ({ field: `${counter.kind}.new`, code: 'required' as const })),
      );
    }
    const draft = readingDraft(core, { equipmentId: device.equipmentId });
    const finalOf = (kind: CounterKind) => args.counters.find((c) => c.kind === kind)!.new;
    // The device's latest real reading takes the final counters when it covers the day the
    // device leaves and is only recorded (one reading a period: it is corrected), or when it
    // was read that day with these counters already. It is then the final reading.
    const latest = draft.previousReadingId !== null && !draft.previousIsEstimate ? getReading(core.db, draft.previousReadingId) : undefined;
    const alreadyRead =
      latest !== undefined && latest.date === args.date && device.counters.every((counter) => latest.counters.find((c) => c.kind === counter.kind)?.new === finalOf(counter.kind));
    const covering =
      latest !== undefined && latest.status === '01' && latest.date <= args.date && args.date <= latest.validTo &&
      device.counters.every((counter) => latest.counters.some((c) => c.kind === counter.kind));
    if (latest && (alreadyRead || covering)) {
      // Counters do not run backwards: a final counter below that reading's is a typing error.
      const below = latest.counters.filter((counter) => finalOf(counter.kind) < counter.new);
      if (below.length > 0) {
        throw new ApiError(
          'validation',
          'the final reading is below the latest',
          below.map((counter) => ({ field: `${counter.kind}.new`, code: 'new-below-old' as const, params: { min: counter.new } })),
        );
      }
      if (latest.status === '01') {
        // Billed until the day it leaves, not to the period's end — unless the contract's lock
        // holds that reading's period (the edit would be refused).
        const lock = readingDraft(core, { equipmentId: device.equipmentId, readingId: latest.id }).validityLock;
        const endsThatDay = lock === null && latest.validFrom <= args.date && args.date < latest.validTo;
        saveReading(core, {
          equipmentId: device.equipmentId,
          readingId: latest.id,
          revision: latest.revision,
          date: args.date,
          validFrom: latest.validFrom,
          validTo: endsThatDay ? args.date : latest.validTo,
          note: latest.note,
          counters: latest.counters.map((counter) => ({
            kind: counter.kind,
            old: counter.old,
            new: finalOf(counter.kind),
            extraFree: counter.extraFree,
            exchange: counter.exchange,
          })),
        });
      }
    } else {
      const month = defaultValidity({
        date: args.date,
        previousValidTo: draft.previousValidTo,
        installDate: device.installDate,
        contractStart: draft.firstValidFrom,
        cutoffDay: draft.cutoffDay,
      });
      // The device is billed until the day it leaves, not to its period's end — also on the
      // 1st–4th, which would belong to the month before (a month's lock from the contract's
      // first device stands).
      const validity = draft.validityLock ?? { from: month.from, to: args.date >= month.from ? args.date : month.from };
      saveReading(
        core,
        {
          equipmentId: device.equipmentId,
          previousReadingId: draft.previousReadingId,
          date: args.date,
          validFrom: validity.from,
          validTo: validity.to,
          // In the office's language, as a clerk would have written it.
          note: translations[settingsOf(core).language].deviceForm.finalReadingNote,
          counters: draft.counters.map((counter) => ({
            kind: counter.kind,
            old: counter.chainOld,
            new: finalOf(counter.kind),
            extraFree: 0,
          })),
        },
        { source: 'manual', final: true },
      );
    }
    const now = timestamp(core);
    retireDevice(core.db, device.id, args.date, now);
    audit(core, now, 'device', device.id, 'update', { outOfService: [null, args.date] });
    return getDevice(core.db, device.id) as Device;
  });
}
