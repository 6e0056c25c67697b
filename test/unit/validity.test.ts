import { describe, expect, it } from 'vitest';
import { defaultValidity, findValidityLock, periodEndFor } from '../../shared/rules/validity';

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

  it('gives a second reading in an already covered month a period of its own, never one ending before it starts', () => {
    expect(
      defaultValidity({ date: '2026-12-02', previousValidTo: '2026-11-30', installDate: '2025-01-01' }),
    ).toEqual({ from: '2026-12-01', to: '2026-12-01' });
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
