/**
 * The meter dialog's rules read only part of a long chain (issue 6): for a new reading the
 * few readings they need, for an edited one a tail from before its plausibility window. On a
 * generated dealer of three years — with estimates, so that true-ups have a floor — every
 * draft must come out exactly as from the whole chain.
 */
import { describe, expect, it } from 'vitest';
import { contractStartFor } from '../../db/queries/contracts';
import { getDevice } from '../../db/queries/master-data';
import { insertReading, listReadings, unpostedReadingsOfContract } from '../../db/queries/readings';
import type { ReadingDraft } from '../../shared/api';
import type { CounterContext } from '../../shared/rules/reading-check';
import { findValidityLock } from '../../shared/rules/validity';
import { settingsOf, today } from '../../src-main/core/context';
import { generateDealer } from '../../src-main/core/generate';
import { loadChain, loadChainsForNew, locateIn, readingDraft } from '../../src-main/core/handlers/readings';
import type { OpenedCore } from '../../src-main/node-main';
import { testCore } from './helpers';

const TODAY = '2026-11-23';

/** What a draft says about the chain, from readingDraft or from the whole chain. */
function chainFacts(
  draft: Pick<ReadingDraft, 'previousDate' | 'nextDate' | 'previousValidTo' | 'nextValidFrom'> & { counters: CounterContext[] },
) {
  return {
    previousDate: draft.previousDate,
    nextDate: draft.nextDate,
    previousValidTo: draft.previousValidTo,
    nextValidFrom: draft.nextValidFrom,
    counters: draft.counters.map(({ kind, oldEditable, chainOld, floor, next, averageDaily, lastDate }) => ({
      kind,
      oldEditable,
      chainOld,
      floor,
      next,
      averageDaily,
      lastDate,
    })),
  };
}

function fromWholeChain(core: OpenedCore, deviceId: number, readingId?: number) {
  const context = core.context;
  const settings = settingsOf(context);
  const device = getDevice(core.db, deviceId)!;
  const chain = listReadings(core.db, deviceId);
  const { context: facts, editing } = locateIn({
    chain,
    lock: findValidityLock(unpostedReadingsOfContract(core.db, device.contractId), device.id),
    contractStart: contractStartFor(core.db, device),
    today: today(context, settings),
    settings,
    device,
    readingId,
  });
  return chainFacts({
    ...facts,
    counters: facts.counters.map((counter) => {
      const saved = editing?.counters.find((c) => c.kind === counter.kind);
      return { ...counter, chainOld: saved && counter.oldEditable ? saved.old : counter.chainOld };
    }),
  });
}

/** The import's chains, read for all devices at once, are those read device by device. */
function expectChainsAtOnce(core: OpenedCore, deviceIds: number[]) {
  const settings = settingsOf(core.context);
  const devices = deviceIds.map((id) => getDevice(core.db, id)!);
  for (const source of ['import', 'estimate'] as const) {
    const chains = loadChainsForNew(core.context, settings, devices, source);
    expect(chains.size).toBe(devices.length);
    for (const device of devices) {
      expect(chains.get(device.id), `${source} reading of ${device.equipmentId}`).toEqual(
        loadChain(core.context, settings, device, undefined, source),
      );
    }
  }
}

describe('the part of the chain the rules read', () => {
  it('gives every draft of a new and of an edited reading exactly as the whole chain does', async () => {
    const core = testCore({ demo: false, now: `${TODAY}T09:30:00Z` });
    generateDealer(core.db, { customers: 25, devices: 120, years: 3, seed: 11, today: TODAY });
    const estimated = await core.api['readings-estimate']({ period: '2026-11' });
    expect(estimated.created.length).toBeGreaterThan(0);

    const devices = core.db.all<{ id: number; equipment_id: string; n: number }>(
      'SELECT d.id, d.equipment_id, count(r.id) AS n FROM devices d LEFT JOIN readings r ON r.device_id = d.id GROUP BY d.id ORDER BY d.id',
    );
    // Long chains (the part read is a small share) and short ones (the whole chain is read).
    expect(devices.filter((device) => device.n > 24).length).toBeGreaterThan(50);
    expect(devices.some((device) => device.n < 12)).toBe(true);

    let floors = 0;
    let averages = 0;
    for (const device of devices) {
      const draft = readingDraft(core.context, { equipmentId: device.equipment_id });
      expect(chainFacts(draft), `new reading of ${device.equipment_id}`).toEqual(fromWholeChain(core, device.id));
      floors += draft.counters.filter((counter) => counter.floor !== null).length;
      averages += draft.counters.filter((counter) => counter.averageDaily !== null).length;
    }
    expect(floors).toBeGreaterThan(0);
    expect(averages).toBeGreaterThan(devices.length / 2);
    expectChainsAtOnce(core, devices.map((device) => device.id));

    // Edited readings: every fifth reading of the chain, the first and the last, of every tenth device.
    let edited = 0;
    for (const device of devices.filter((_, index) => index % 10 === 0)) {
      const chain = listReadings(core.db, device.id);
      for (const [index, reading] of chain.entries()) {
        if (index % 5 !== 0 && index !== chain.length - 1) continue;
        const draft = readingDraft(core.context, { equipmentId: device.equipment_id, readingId: reading.id });
        expect(chainFacts(draft), `reading ${reading.id} of ${device.equipment_id}`).toEqual(
          fromWholeChain(core, device.id, reading.id),
        );
        edited += 1;
      }
    }
    expect(edited).toBeGreaterThan(50);
  });

  it('also for a counter added later, a meter exchange and two readings on one day', async () => {
    // Clock in mid-December: after November's reading, December's can follow.
    const core = testCore({ now: '2026-12-15T09:30:00Z' });
    const equipmentId = '3.022.790';
    const compare = () => {
      const device = getDevice(core.db, core.db.get<{ id: number }>('SELECT id FROM devices WHERE equipment_id = ?', [equipmentId])!.id)!;
      expectChainsAtOnce(core, [device.id, ...core.db.all<{ id: number }>('SELECT id FROM devices WHERE id <> ?', [device.id]).map((d) => d.id)]);
      expect(chainFacts(readingDraft(core.context, { equipmentId })), 'new reading').toEqual(fromWholeChain(core, device.id));
      for (const reading of listReadings(core.db, device.id)) {
        expect(chainFacts(readingDraft(core.context, { equipmentId, readingId: reading.id })), `reading ${reading.id}`).toEqual(
          fromWholeChain(core, device.id, reading.id),
        );
      }
    };
    // A colour counter added to a device with a year of black readings.
    const { device } = await core.api['devices-get']({ equipmentId });
    await core.api['devices-save']({
      id: device.id,
      revision: device.revision,
      contractId: device.contractId,
      position: device.position,
      model: device.model,
      location: device.location,
      equipmentId,
      serialNumber: device.serialNumber,
      installDate: device.installDate,
      counters: [...device.counters.map(({ kind, startValue }) => ({ kind, startValue })), { kind: 'color', startValue: 1_000 }],
    });
    compare();
    // 5 December: black and the new colour counter; the black board replaced (a meter exchange).
    let draft = await core.api['readings-draft']({ equipmentId });
    const black = draft.counters.find((c) => c.kind === 'black')!.chainOld;
    await core.api['readings-save']({
      equipmentId,
      previousReadingId: draft.previousReadingId,
      date: '2026-12-05',
      validFrom: '2026-12-01',
      validTo: '2026-12-05',
      counters: [
        { kind: 'black', old: black, new: 300, extraFree: 0, exchange: { final: black + 2_000, start: 0 } },
        { kind: 'color', old: 1_000, new: 1_400, extraFree: 0 },
      ],
    });
    compare();
    // 15 December: two readings on the same day. The dialog refuses a second one now (one
    // reading a device and day); a database from before may hold them, written here directly.
    draft = await core.api['readings-draft']({ equipmentId });
    const morning = await core.api['readings-save']({
      equipmentId,
      previousReadingId: draft.previousReadingId,
      date: '2026-12-15',
      validFrom: '2026-12-06',
      validTo: '2026-12-15',
      counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + 500, extraFree: 0 })),
    });
    compare();
    insertReading(
      core.db,
      {
        ...morning,
        validFrom: '2026-12-16',
        validTo: '2026-12-31',
        counters: morning.counters.map((c) => ({ ...c, old: c.new, new: c.new + 20, extraFree: 0, exchange: null })),
      },
      '2026-12-15T16:00:00Z',
    );
    compare();
    expect(listReadings(core.db, device.id).filter((reading) => reading.date === '2026-12-15')).toHaveLength(2);
  });
});

