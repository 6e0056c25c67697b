import { describe, expect, it } from 'vitest';
import { issueText } from '../../shared/i18n/issue-text';
import type { ApiArgs } from '../../shared/api';
import { laterCore, recordReading, rejection, testCore } from './helpers';


function contractArgs(customerId: number): ApiArgs<'contracts-save'> {
  return {
    customerId,
    number: 'V-400500-01',
    startDate: '2026-11-01',
    endDate: null,
    intervalMonths: 3,
    startMonth: 11,
    terms: [
      { kind: 'black', freePerMonth: 1_000, pricePerPage: 7_900 },
      { kind: 'color', freePerMonth: 200, pricePerPage: 59_000 },
    ],
  };
}

function deviceArgs(contractId: number): ApiArgs<'devices-save'> {
  return {
    contractId,
    position: '0001',
    model: 'KONICA bizhub C300i',
    location: 'Empfang',
    equipmentId: '3.400.500',
    serialNumber: 'A9P1234',
    installDate: '2026-11-02',
    counters: [
      { kind: 'color', startValue: 12 },
      { kind: 'black', startValue: 35 },
    ],
  };
}

describe('contracts (issue 7)', () => {
  it('creates a contract with its terms, and refuses a number already taken', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    const contract = await core.api['contracts-save'](contractArgs(customer.id));
    expect(contract).toMatchObject({ number: 'V-400500-01', intervalMonths: 3, startMonth: 11, terms: [{ kind: 'black', pricePerPage: 7_900 }, { kind: 'color', freePerMonth: 200 }] });
    const taken = await rejection(core.api['contracts-save']({ ...contractArgs(customer.id), number: 'V-999999-01' }));
    expect(taken.issues).toEqual([{ field: 'number', code: 'contract-number-taken' }]);
    const bad = await rejection(core.api['contracts-save']({ ...contractArgs(customer.id), number: 'X', intervalMonths: 2, startMonth: 13, endDate: '2026-01-01' }));
    expect(bad.issues.map((i) => [i.field, i.code])).toEqual([
      ['endDate', 'end-before-start'],
      ['intervalMonths', 'interval-invalid'],
      ['startMonth', 'month-invalid'],
    ]);
  });

  it('changes a price from a day on; billed periods keep the price they were billed with', async () => {
    const core = testCore();
    const detail = await core.api['contracts-get']({ number: 'V-999999-01' });
    // All of last month is posted: a change may start this month at the earliest.
    expect(detail.billedUntil).toBe('2026-10-31');
    expect(detail.devices.map((d) => [d.position, d.equipmentId])).toEqual([
      ['0002', '3.022.790'],
      ['0004', '3.024.072'],
      ['0014', '3.033.923'],
    ]);
    const args: ApiArgs<'contracts-save'> = {
      id: detail.contract.id,
      revision: detail.contract.revision,
      customerId: detail.customer.id,
      number: detail.contract.number,
      startDate: detail.contract.startDate,
      endDate: null,
      intervalMonths: 1,
      startMonth: 1,
      terms: [{ kind: 'black', freePerMonth: 500, pricePerPage: 9_000 }],
    };
    // Its start cannot move past its readings (billed and posted ones would be left without terms).
    const later = await rejection(core.api['contracts-save']({ ...args, startDate: '2026-07-01', termsFrom: '2026-11-01' }));
    expect(later.issues).toEqual([{ field: 'startDate', code: 'start-after-readings', params: { max: '2025-11-01' } }]);
    const early = await rejection(core.api['contracts-save']({ ...args, termsFrom: '2026-10-15' }));
    expect(early.issues).toEqual([{ field: 'termsFrom', code: 'terms-before-billed', params: { min: '2026-11-01' } }]);
    const saved = await core.api['contracts-save']({ ...args, termsFrom: '2026-11-01' });
    expect(saved.terms.find((t) => t.kind === 'black')?.pricePerPage).toBe(9_000);
    const history = (await core.api['contracts-get']({ number: 'V-999999-01' })).termHistory.filter((t) => t.kind === 'black');
    expect(history.map((t) => [t.validFrom, t.pricePerPage])).toEqual([
      ['2025-11-01', 8_500],
      ['2026-11-01', 9_000],
    ]);
    // The dialog's free copies follow the terms of the reading's period.
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    expect(draft.contract.terms.find((t) => t.kind === 'black')?.pricePerPage).toBe(9_000);
    const audit = await core.api['audit-list']({ entity: 'contract', entityId: detail.contract.id });
    expect(audit.at(-1)?.changes).toEqual({ 'terms.black.pricePerPage': [8_500, 9_000], termsFrom: [null, '2026-11-01'] });
  });

  it('a contract entered ahead of its start shows the terms it starts with, and changes them from its start', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    const created = await core.api['contracts-save']({ ...contractArgs(customer.id), startDate: '2026-12-01', startMonth: 12 });
    expect(created.terms.map((t) => [t.kind, t.pricePerPage])).toEqual([['black', 7_900], ['color', 59_000]]);
    const detail = await core.api['contracts-get']({ number: 'V-400500-01' });
    expect(detail.contract.terms).toHaveLength(2);
    // The same terms again: no change. A new price without a day: from the start (not today, before it).
    const again = await core.api['contracts-save']({ ...contractArgs(customer.id), startDate: '2026-12-01', startMonth: 12, id: created.id, revision: created.revision });
    expect(again.revision).toBe(created.revision);
    const terms = [{ kind: 'black' as const, freePerMonth: 1_000, pricePerPage: 8_100 }, { kind: 'color' as const, freePerMonth: 200, pricePerPage: 59_000 }];
    const changed = await core.api['contracts-save']({ ...contractArgs(customer.id), startDate: '2026-12-01', startMonth: 12, terms, id: created.id, revision: created.revision });
    expect(changed.terms.find((t) => t.kind === 'black')?.pricePerPage).toBe(8_100);
    expect((await core.api['contracts-get']({ number: 'V-400500-01' })).termHistory.map((t) => [t.validFrom, t.kind, t.pricePerPage])).toEqual([
      ['2026-12-01', 'black', 8_100],
      ['2026-12-01', 'color', 59_000],
    ]);
    // Its start and a price corrected in one save: the terms it starts with, from the new start.
    const earlier = [{ ...terms[0]!, pricePerPage: 8_300 }, terms[1]!];
    const moved = await core.api['contracts-save']({ ...contractArgs(customer.id), startDate: '2026-11-25', startMonth: 11, terms: earlier, id: changed.id, revision: changed.revision });
    expect(moved.terms.find((t) => t.kind === 'black')?.pricePerPage).toBe(8_300);
    expect((await core.api['contracts-get']({ number: 'V-400500-01' })).termHistory.map((t) => [t.validFrom, t.kind, t.pricePerPage])).toEqual([
      ['2026-11-25', 'black', 8_300],
      ['2026-11-25', 'color', 59_000],
    ]);
    // Deleted before it starts, its change log keeps the terms it had.
    await core.api['contracts-delete']({ id: moved.id, revision: moved.revision });
    const removal = (await core.api['audit-list']({ entity: 'contract', entityId: moved.id })).at(-1)!;
    expect(removal.action).toBe('delete');
    expect(Object.keys(removal.changes)).toContain('terms.black.pricePerPage');
  });
});

describe('deleting what was entered by mistake', () => {
  it('deletes a device without readings and then its empty contract, each with a change-log entry; refuses one in use', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    const contract = await core.api['contracts-save'](contractArgs(customer.id));
    const device = await core.api['devices-save'](deviceArgs(contract.id));
    const busy = await rejection(core.api['contracts-delete']({ id: contract.id, revision: contract.revision }));
    expect(busy.issues).toEqual([{ field: 'contract', code: 'contract-has-devices' }]);

    expect(await core.api['devices-delete']({ id: device.id, revision: device.revision })).toEqual({ deleted: true });
    await expect(core.api['devices-get']({ equipmentId: '3.400.500' })).rejects.toMatchObject({ code: 'not-found' });
    expect((await core.api['audit-list']({ entity: 'device', entityId: device.id })).at(-1)).toMatchObject({ action: 'delete' });
    expect(await core.api['contracts-delete']({ id: contract.id, revision: contract.revision })).toEqual({ deleted: true });
    await expect(core.api['contracts-get']({ number: 'V-400500-01' })).rejects.toMatchObject({ code: 'not-found' });
    // The next ones get new ids: a deleted record's change log (and the portal's references to
    // it) never pass to another.
    const contractAgain = await core.api['contracts-save'](contractArgs(customer.id));
    const deviceAgain = await core.api['devices-save'](deviceArgs(contractAgain.id));
    expect(contractAgain.id).toBeGreaterThan(contract.id);
    expect(deviceAgain.id).toBeGreaterThan(device.id);
    expect((await core.api['audit-list']({ entity: 'device', entityId: deviceAgain.id })).map((e) => e.action)).toEqual(['create']);

    // A device with readings is taken out of service instead; its contract stays.
    const { device: used } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    const refused = await rejection(core.api['devices-delete']({ id: used.id, revision: used.revision }));
    expect(refused.issues).toEqual([{ field: 'device', code: 'device-has-readings' }]);
    expect((await core.api['devices-get']({ equipmentId: '3.022.790' })).readings.length).toBeGreaterThan(0);
    const billed = await core.api['contracts-get']({ number: 'V-999999-01' });
    expect((await rejection(core.api['contracts-delete']({ id: billed.contract.id, revision: billed.contract.revision }))).issues[0]!.code).toBe('contract-has-devices');
  });
});

describe('devices (issue 7)', () => {
  it('creates a device whose first reading starts from its counters at installation', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    const contract = await core.api['contracts-save'](contractArgs(customer.id));
    const device = await core.api['devices-save'](deviceArgs(contract.id));
    expect(device.counters.map((c) => [c.kind, c.startValue, c.currentValue])).toEqual([
      ['black', 35, 35],
      ['color', 12, 12],
    ]);
    const draft = await core.api['readings-draft']({ equipmentId: '3.400.500' });
    expect(draft).toMatchObject({ isFirstReading: true, validity: { from: '2026-11-02', to: '2026-11-30' } });
    expect((await core.api['devices-search']({ query: 'bizhub' })).rows[0]).toMatchObject({ customerNumber: '100234', contractNumber: 'V-400500-01' });
    const taken = await rejection(core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3.022.790', serialNumber: 'X1', position: '0009' }));
    // Named, with its model and contract, so that the clerk finds the device that has it.
    const holder = { field: 'equipmentId', code: 'equipment-id-taken', params: { model: 'PH RICOH MP2550CSP', contract: 'V-999999-01' } };
    expect(taken.issues).toEqual([holder]);
    expect(issueText(taken.issues[0]!, 'de')).toBe('Diese Geräte-ID hat schon das Gerät PH RICOH MP2550CSP im Vertrag V-999999-01.');
    // Typed without its dots it is the same ID; a new one typed so is kept with them.
    const undotted = await rejection(core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3022790', serialNumber: 'X1', position: '0009' }));
    expect(undotted.issues).toEqual([holder]);
    const second = await core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3400501', serialNumber: 'X2', position: '0002' });
    expect(second.equipmentId).toBe('3.400.501');
    // The same machine twice: its serial number is on a device in service already.
    const twin = await rejection(core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3.400.502', position: '0003' }));
    expect(twin.issues).toEqual([{ field: 'serialNumber', code: 'serial-number-taken', params: { value: '3.400.500' } }]);
    // One device per position in a contract (the lowest sets the others' validity); "2" is 0002.
    const same = await rejection(core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3.400.503', serialNumber: 'X3', position: '2' }));
    expect(same.issues).toEqual([{ field: 'position', code: 'position-taken', params: { value: '3.400.501' } }]);
    // The form asks the same before a save (devices-conflicts): all three at once, nothing written.
    const devicesBefore = core.db.get<{ n: number }>('SELECT count(*) AS n FROM devices')!.n;
    const conflicts = await core.api['devices-conflicts']({ ...deviceArgs(contract.id), equipmentId: '3022790', position: '2' });
    expect(conflicts).toEqual([holder, same.issues[0], twin.issues[0]]);
    expect(await core.api['devices-conflicts']({ ...deviceArgs(contract.id), equipmentId: '3.400.503', serialNumber: 'X3', position: '3' })).toEqual([]);
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM devices')!.n).toBe(devicesBefore);
    const third = await core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3.400.503', serialNumber: 'X3', position: '3' });
    expect(third.position).toBe('0003');
    // A device is no conflict of its own.
    expect(await core.api['devices-conflicts']({ ...deviceArgs(contract.id), id: third.id, equipmentId: '3.400.503', serialNumber: 'X3', position: '3' })).toEqual([]);
    // Saving a device again keeps its own position.
    const again = await core.api['devices-save']({ ...deviceArgs(contract.id), ...third, counters: deviceArgs(contract.id).counters, location: 'Keller' });
    expect(again).toMatchObject({ position: '0003', location: 'Keller' });
    // Two at one position from before the rule (as "3" and 0003): each still saves as long as it keeps it.
    core.db.run("UPDATE devices SET position = '3' WHERE id = ?", [second.id]);
    const old = (await core.api['devices-get']({ equipmentId: '3.400.501' })).device;
    const kept = await core.api['devices-save']({ ...deviceArgs(contract.id), ...old, counters: deviceArgs(contract.id).counters, location: 'Archiv' });
    expect(kept).toMatchObject({ position: '0003', location: 'Archiv' });
  });

  it('starts the first validity of a device installed before its contract with the contract, in the dialog and the import', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    const contract = await core.api['contracts-save'](contractArgs(customer.id));
    // One installed before the contract starts (bought earlier): its first validity begins with the contract.
    const earlier = await core.api['devices-save']({ ...deviceArgs(contract.id), equipmentId: '3.400.509', serialNumber: 'X9', position: '0009', installDate: '2026-10-15' });
    const earlierDraft = await core.api['readings-draft']({ equipmentId: earlier.equipmentId });
    expect(earlierDraft.validity).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(earlierDraft.firstValidFrom).toBe('2026-11-01');
    // Its first reading is not dated before the contract starts (it would belong to no period of it).
    const before = await rejection(core.api['readings-save']({
      equipmentId: '3.400.509', previousReadingId: null, date: '2026-10-28', validFrom: '2026-11-01', validTo: '2026-11-30',
      counters: [{ kind: 'black', old: 35, new: 400, extraFree: 0 }, { kind: 'color', old: 12, new: 40, extraFree: 0 }],
    }));
    expect(before.issues).toContainEqual({ field: 'date', code: 'date-before-contract', params: { min: '2026-11-01' } });
    const imported = await core.api['import-readings-run']({
      fileName: 'fleet.csv',
      content: Buffer.from(`Geräte-ID;Datum;Zähler;Wert\n3.400.509;20.11.2026;Schwarz;500\n3.400.509;20.11.2026;Farbe;50\n`).toString('base64'),
    });
    expect(imported.counts).toEqual({ create: 1, unchanged: 0, error: 0 });
    expect((await core.api['devices-get']({ equipmentId: '3.400.509' })).readings[0]).toMatchObject({ validFrom: '2026-11-01', validTo: '2026-11-30' });
  });

  it('keeps counters with readings and an install date before the first reading', async () => {
    const core = testCore();
    const { device } = await core.api['devices-get']({ equipmentId: '3.024.072' });
    const base = { ...device, counters: device.counters.map(({ kind, startValue }) => ({ kind, startValue })) };
    const { id, revision, contractId, position, model, location, equipmentId, serialNumber, installDate } = base;
    const args = { id, revision, contractId, position, model, location, equipmentId, serialNumber, installDate };
    const error = await rejection(
      core.api['devices-save']({ ...args, installDate: '2026-06-01', counters: [{ kind: 'black', startValue: 0 }] }),
    );
    expect(error.issues).toEqual([
      { field: 'counters', code: 'counter-has-readings', params: { kind: 'color' } },
      { field: 'installDate', code: 'date-after-next', params: { max: '2025-11-30' } },
    ]);
    // The form is told the same before its save (devices-conflicts), with its own errors.
    expect(await core.api['devices-conflicts']({ ...args, installDate: '2026-06-01', counters: [{ kind: 'black', startValue: 0 }] })).toEqual(error.issues);
    expect(await core.api['devices-conflicts']({ ...args, counters: base.counters })).toEqual([]);
    // The location text may change; the search and the portal (next sync) see it.
    const moved = await core.api['devices-save']({ ...args, location: '2E - DIRECTION', counters: base.counters });
    expect(moved.location).toBe('2E - DIRECTION');
    expect((await core.api['devices-search']({ query: 'direction' })).rows.map((r) => r.equipmentId)).toEqual(['3.024.072']);
  });

  it('moves a device to another contract from a day on, keeping its reading chain', async () => {
    const core = testCore();
    const { device, readings } = await core.api['devices-get']({ equipmentId: '3.033.923' });
    // Not in the middle of a period already read (October's reading would go whole to the new contract).
    const inside = await rejection(core.api['devices-move']({ equipmentId: '3.033.923', revision: device.revision, contractNumber: 'V-300451-01', from: '2026-10-15' }));
    expect(inside.issues).toEqual([
      { field: 'from', code: 'move-inside-reading', params: { date: '2026-10-31', from: '2026-10-01', to: '2026-10-31', next: '2026-11-01' } },
    ]);
    const moved = await core.api['devices-move']({ equipmentId: '3.033.923', revision: device.revision, contractNumber: 'V-300451-01', from: '2026-11-01' });
    const after = await core.api['devices-get']({ equipmentId: '3.033.923' });
    expect(after.contract.number).toBe('V-300451-01');
    expect(after.readings).toEqual(readings);
    const draft = await core.api['readings-draft']({ equipmentId: '3.033.923' });
    expect(draft.counters.map((c) => c.chainOld)).toEqual([44_200, 27_827]);
    // In its new contract the first device (3.300.451) has an unposted October, which this
    // device has recorded already: its own November applies, not the lock (an overlap).
    expect(draft.validityLock).toBeNull();
    expect(draft.validity).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const again = await rejection(core.api['devices-move']({ equipmentId: '3.033.923', revision: moved.revision, contractNumber: 'V-999999-01', from: '2026-10-01' }));
    expect(again.issues).toEqual([{ field: 'from', code: 'move-before-last', params: { min: '2026-11-02' } }]);
    // An unknown contract is named as such; the change log names contracts by number.
    const unknown = await rejection(core.api['devices-move']({ equipmentId: '3.033.923', revision: moved.revision, contractNumber: 'V-XYZ', from: '2026-12-01' }));
    expect(unknown.issues).toEqual([{ field: 'contractNumber', code: 'unknown-contract', params: { value: 'V-XYZ' } }]);
    const log = await core.api['audit-list']({ entity: 'device', entityId: device.id });
    expect(log.at(-1)!.changes).toEqual({ contract: ['V-999999-01', 'V-300451-01'], movedFrom: [null, '2026-11-01'] });
    // It keeps its position: not into a contract where another device has it.
    const { device: second } = await core.api['devices-get']({ equipmentId: '3.300.452' });
    const clash = await rejection(core.api['devices-move']({ equipmentId: '3.300.452', revision: second.revision, contractNumber: 'V-999999-01', from: '2026-12-01' }));
    expect(clash.issues).toContainEqual({ field: 'contractNumber', code: 'position-taken', params: { value: '3.022.790' } });
  });

  it('moves a device only into a contract that runs on the day', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    const later = await core.api['contracts-save']({ ...contractArgs(customer.id), startDate: '2026-12-01' });
    const { device } = await core.api['devices-get']({ equipmentId: '3.033.923' });
    const early = await rejection(core.api['devices-move']({ equipmentId: '3.033.923', revision: device.revision, contractNumber: later.number, from: '2026-11-24' }));
    expect(early.issues).toEqual([{ field: 'from', code: 'move-outside-contract', params: { start: '2026-12-01', end: '—' } }]);
    const moved = await core.api['devices-move']({ equipmentId: '3.033.923', revision: device.revision, contractNumber: later.number, from: '2026-12-01' });
    expect(moved.contractId).toBe(later.id);
  });

  it('takes a device out of service with its final reading; no reading can follow', async () => {
    const core = testCore();
    const { device } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    const missing = await rejection(core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-11-20', counters: [] }));
    expect(missing.issues).toEqual([{ field: 'black.new', code: 'required' }]);
    const retired = await core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-11-20', counters: [{ kind: 'black', new: 350_000 }] });
    expect(retired.outOfService).toBe('2026-11-20');
    const detail = await core.api['devices-get']({ equipmentId: '3.022.790' });
    // Billed until the day it left; noted in the office's language.
    const final = detail.readings.at(-1)!;
    expect(final).toMatchObject({ date: '2026-11-20', validFrom: '2026-11-01', validTo: '2026-11-20', note: 'Schlusszählerstand (ausser Betrieb)', counters: [{ old: 344_805, new: 350_000 }] });
    // Its final reading stays: without it the device's last days would never be billed.
    const deleted = await rejection(core.api['readings-delete']({ readingId: final.id, revision: final.revision }));
    expect(deleted.issues).toEqual([{ field: 'reading', code: 'final-reading', params: { date: '2026-11-20' } }]);
    // Nor is it moved off that day; its values may be corrected.
    const edit = { equipmentId: '3.022.790', readingId: final.id, revision: final.revision, validFrom: final.validFrom, validTo: final.validTo, counters: [{ kind: 'black' as const, old: 0, new: 350_100, extraFree: 0 }] };
    const moved = await rejection(core.api['readings-save']({ ...edit, date: '2026-11-18' }));
    expect(moved.issues).toEqual([{ field: 'date', code: 'final-reading-date', params: { date: '2026-11-20' } }]);
    const corrected = await core.api['readings-save']({ ...edit, date: '2026-11-20' });
    expect(corrected).toMatchObject({ id: final.id, date: '2026-11-20', counters: [{ new: 350_100 }] });
    final.revision = corrected.revision;
    expect((await core.api['devices-get']({ equipmentId: '3.022.790' })).readings.at(-1)!.id).toBe(final.id);
    const after = await rejection(
      core.api['readings-save']({ equipmentId: '3.022.790', date: '2026-11-23', validFrom: '2026-12-01', validTo: '2026-12-31', counters: [{ kind: 'black', old: 0, new: 351_000, extraFree: 0 }] }),
    );
    expect(after.issues[0]).toEqual({ field: 'date', code: 'device-retired', params: { date: '2026-11-20' } });
  });

  it('retires a device read that day with these counters: that reading is the final one, its validity ending that day', async () => {
    const core = testCore();
    const today = await recordReading(core, '3.022.790', 1_000);
    const { device } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    const retired = await core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: today.date, counters: [{ kind: 'black', new: today.counters[0]!.new }] });
    expect(retired.outOfService).toBe(today.date);
    const readings = (await core.api['devices-get']({ equipmentId: '3.022.790' })).readings;
    expect(readings.filter((reading) => reading.date === today.date).map((reading) => reading.id)).toEqual([today.id]);
    // As the final one it is billed until the day the device left (it was to the month's end), in its change log.
    expect(today.validTo).toBe('2026-11-30');
    expect(readings.at(-1)).toMatchObject({ id: today.id, validFrom: today.validFrom, validTo: today.date, counters: today.counters });
    const log = await core.api['audit-list']({ entity: 'reading', entityId: today.id });
    expect(log.at(-1)).toMatchObject({ action: 'update', changes: { validTo: ['2026-11-30', today.date] } });
  });

  it('retires a device whose recorded reading covers the day it leaves: that reading takes the final counters and date (one a period)', async () => {
    const core = testCore();
    const read = await recordReading(core, '3.022.790', 1_000, '2026-11-10');
    const { device } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    // Counters do not run backwards: below that reading's is refused, and nothing is retired.
    const below = await rejection(core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-11-20', counters: [{ kind: 'black', new: read.counters[0]!.new - 1 }] }));
    expect(below.issues).toEqual([{ field: 'black.new', code: 'new-below-old', params: { min: read.counters[0]!.new } }]);
    expect((await core.api['devices-get']({ equipmentId: '3.022.790' })).device.outOfService).toBeNull();

    const final = read.counters[0]!.new + 700;
    const retired = await core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-11-20', counters: [{ kind: 'black', new: final }] });
    expect(retired.outOfService).toBe('2026-11-20');
    const readings = (await core.api['devices-get']({ equipmentId: '3.022.790' })).readings;
    expect(readings.at(-1)).toMatchObject({ id: read.id, date: '2026-11-20', validFrom: '2026-11-01', validTo: '2026-11-20', counters: [{ old: read.counters[0]!.old, new: final }] });
    expect(readings.filter((reading) => reading.date >= '2026-11-01')).toHaveLength(1);
  });

  it('lets a contract\'s first device, once out of service, no longer set the others\' period: the rest of its month is theirs', async () => {
    const core = testCore();
    // 3.022.790 (0002) is V-999999-01's first device: read on the 10th, it sets the others' November.
    const read = await recordReading(core, '3.022.790', 1_000, '2026-11-10');
    expect((await core.api['readings-draft']({ equipmentId: '3.033.923' })).validityLock).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    const { device } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    await core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-11-20', counters: [{ kind: 'black', new: read.counters[0]!.new + 300 }] });
    // Its final reading ends on the 20th; the devices still in service keep the whole month
    // (the next one, 3.024.072, has no unposted reading: no lock).
    const draft = await core.api['readings-draft']({ equipmentId: '3.033.923' });
    expect(draft.validityLock).toBeNull();
    expect(draft.validity).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('retires a device on the 1st–4th after its month was read: the final reading runs from the day after that month to the day it left', async () => {
    const november = testCore();
    const read = await recordReading(november, '3.022.790', 1_000, '2026-11-20');
    const core = laterCore(november, '2026-12-05T09:00:00Z');
    const { device } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    await core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-12-02', counters: [{ kind: 'black', new: read.counters[0]!.new + 100 }] });
    const readings = (await core.api['devices-get']({ equipmentId: '3.022.790' })).readings;
    expect(readings.at(-2)).toMatchObject({ id: read.id, validTo: '2026-11-30' });
    expect(readings.at(-1)).toMatchObject({ date: '2026-12-02', validFrom: '2026-12-01', validTo: '2026-12-02', counters: [{ usage: 100 }] });
  });

  it('refuses a final reading below the counter, and then retires nothing', async () => {
    const core = testCore();
    const { device } = await core.api['devices-get']({ equipmentId: '3.022.790' });
    const error = await rejection(core.api['devices-retire']({ equipmentId: '3.022.790', revision: device.revision, date: '2026-11-20', counters: [{ kind: 'black', new: 12_305 }] }));
    expect(error.issues).toEqual([{ field: 'black.new', code: 'new-below-old', params: { min: 344_805 } }]);
    expect((await core.api['devices-get']({ equipmentId: '3.022.790' })).device.outOfService).toBeNull();
  });
});
