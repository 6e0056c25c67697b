import { describe, expect, it } from 'vitest';
import { estimateCovers } from '../../shared/rules/estimate';
import { defaultValidity, findValidityLock, lockedValidity, periodEndFor } from '../../shared/rules/validity';

describe('default validity (SPEC §3.4)', () => {
  it('runs from the day after the previous end to the end of the reading month', () => {
    expect(
      defaultValidity({ date: '2026-11-23', previousValidTo: '2026-10-31', installDate: '2025-01-01' }),
    ).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('gives a reading dated on the 1st–4th to the previous month', () => {
    expect(
      defaultValidity({ date: '2026-12-03', previousValidTo: '2026-10-31', installDate: '2025-01-01' }),
    ).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(periodEndFor('2026-12-04')).toBe('2026-11-30');
    expect(periodEndFor('2026-12-05')).toBe('2026-12-31');
    expect(periodEndFor('2027-01-02')).toBe('2026-12-31');
  });

  it('starts the first reading at the install date', () => {
    expect(
      defaultValidity({ date: '2026-09-30', previousValidTo: null, installDate: '2026-08-12' }),
    ).toEqual({ from: '2026-08-12', to: '2026-09-30' });
  });

  it('starts a first reading no earlier than its contract: a device installed before it bills no day the contract did not run', () => {
    const first = { date: '2026-09-30', previousValidTo: null, installDate: '2026-08-12' };
    expect(defaultValidity({ ...first, contractStart: '2026-09-01' })).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    expect(defaultValidity({ ...first, contractStart: '2026-08-01' })).toEqual({ from: '2026-08-12', to: '2026-09-30' });
    // Only the first: later readings go on from the chain.
    expect(defaultValidity({ ...first, previousValidTo: '2026-08-31', contractStart: '2026-09-15' })).toEqual({ from: '2026-09-01', to: '2026-09-30' });
  });

  it("gives a device's first reading on the 1st–4th of the month it came in that month, not a period of one day", () => {
    expect(defaultValidity({ date: '2026-11-03', previousValidTo: null, installDate: '2026-11-01' })).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    // Installed earlier: the 1st–4th rule stands.
    expect(defaultValidity({ date: '2026-11-03', previousValidTo: null, installDate: '2026-10-12' })).toEqual({ from: '2026-10-12', to: '2026-10-31' });
  });

  it('gives a reading in an already covered month the whole month after it, never one day nor one ending before it starts', () => {
    expect(
      defaultValidity({ date: '2026-12-02', previousValidTo: '2026-11-30', installDate: '2025-01-01' }),
    ).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(
      defaultValidity({ date: '2026-11-28', previousValidTo: '2026-12-10', installDate: '2025-01-01' }),
    ).toEqual({ from: '2026-12-11', to: '2026-12-31' });
  });
});

describe("the contract's first-device validity lock (OBS note)", () => {
  const devices = [
    {
      deviceId: 7,
      position: '0014',
      readings: [],
    },
    {
      deviceId: 3,
      position: '0002',
      readings: [
        { id: 10, date: '2026-10-31', status: '21' as const, from: '2026-10-01', to: '2026-10-31' },
        { id: 11, date: '2026-11-23', status: '01' as const, from: '2026-11-01', to: '2026-11-30' },
      ],
    },
    { deviceId: 5, position: '0004', readings: [] },
  ];

  it("takes the first device's latest unposted validity for another device", () => {
    expect(findValidityLock(devices, 5)).toEqual({
      deviceId: 3,
      readingId: 11,
      from: '2026-11-01',
      to: '2026-11-30',
    });
  });

  it('does not lock the first device itself', () => {
    expect(findValidityLock(devices, 3)).toBeNull();
  });

  it('unlocks once every reading of the first device is posted', () => {
    const posted = devices.map((device) => ({
      ...device,
      readings: device.readings.map((reading) => ({ ...reading, status: '21' as const })),
    }));
    expect(findValidityLock(posted, 5)).toBeNull();
  });

  it('compares positions as numbers (0002 before 0014 before 10)', () => {
    const mixed = [
      { deviceId: 1, position: '10', readings: [{ id: 1, date: '2026-11-01', status: '01' as const, from: 'a', to: 'b' }] },
      { deviceId: 2, position: '9', readings: [{ id: 2, date: '2026-11-01', status: '11' as const, from: 'c', to: 'd' }] },
    ];
    expect(findValidityLock(mixed, 1)).toMatchObject({ deviceId: 2, from: 'c', to: 'd' });
  });
});

describe('the lock as another device takes it (lockedValidity)', () => {
  const lock = { from: '2026-11-01', to: '2026-11-30' };
  it('is the first device’s period where the device’s chain runs on from its start', () => {
    expect(lockedValidity(lock, '2026-10-31', '2025-01-01')).toEqual(lock);
  });
  it('starts where the device’s own chain ended: a skipped month is not lost', () => {
    expect(lockedValidity(lock, '2026-09-30', '2025-01-01')).toEqual({ from: '2026-10-01', to: '2026-11-30' });
  });
  it('starts a first reading where the device’s validity may begin, also within the period', () => {
    expect(lockedValidity(lock, null, '2026-11-10')).toEqual({ from: '2026-11-10', to: '2026-11-30' });
  });
  it('does not hold for a device recorded past the period, nor one that came in after it', () => {
    expect(lockedValidity(lock, '2026-11-30', '2025-01-01')).toBeNull();
    expect(lockedValidity(lock, null, '2026-12-02')).toBeNull();
  });
});

describe('an estimate real values go into (estimateCovers)', () => {
  const estimate = { source: 'estimate' as const, status: '01' as const, validFrom: '2026-11-01', validTo: '2026-11-30' };
  it('covers a date of its month, and the 1st–4th of the next', () => {
    expect(estimateCovers(estimate, '2026-11-20', 4)).toBe(true);
    expect(estimateCovers(estimate, '2026-12-03', 4)).toBe(true);
    expect(estimateCovers(estimate, '2026-12-05', 4)).toBe(false);
    expect(estimateCovers(estimate, '2026-10-28', 4)).toBe(false);
  });
  it('only while it is an estimate not billed', () => {
    expect(estimateCovers({ ...estimate, status: '11' }, '2026-11-20', 4)).toBe(false);
    expect(estimateCovers({ ...estimate, source: 'manual' }, '2026-11-20', 4)).toBe(false);
    expect(estimateCovers(undefined, '2026-11-20', 4)).toBe(false);
  });
  it('covers every month of a longer validity', () => {
    expect(estimateCovers({ ...estimate, validFrom: '2026-09-01' }, '2026-10-15', 4)).toBe(true);
  });
});
