/**
 * The period overview a page at a time (issue 6): the server sorts, filters, counts and pages
 * in SQL; every answer must match the list worked out the plain way, in code, from the same
 * database (the rule the overview had before it was paged).
 */
import { describe, expect, it } from 'vitest';
import { devicesInPeriod, readingsEndingIn } from '../../db/queries/period';
import { apiArgs, PERIOD_STATES, type PeriodRow, type PeriodState } from '../../shared/api';
import { endOfMonth } from '../../shared/dates';
import { firstDayOf, isDueIn } from '../../shared/rules/web-reading';
import { generateDealer } from '../../src-main/core/generate';
import type { OpenedCore } from '../../src-main/node-main';
import { recordReading, testCore } from './helpers';

const PERIOD = '2026-11';

interface TruthRow {
  deviceId: number;
  equipmentId: string;
  model: string;
  customerNumber: string;
  contractNumber: string;
  position: string;
  state: PeriodState;
  date: string | null;
}

/** The due devices and their states, worked out in code: the oracle. */
function truth(core: OpenedCore, period = PERIOD): TruthRow[] {
  const from = firstDayOf(period);
  const to = endOfMonth(from);
  const latest = new Map(readingsEndingIn(core.db, from, to).map((reading) => [reading.deviceId, reading]));
  return devicesInPeriod(core.db, from, to)
    .filter((device) => isDueIn(device, period))
    .map((device) => {
      const reading = latest.get(device.deviceId);
      const state: PeriodState = !reading
        ? 'missing'
        : reading.status === '21'
          ? 'posted'
          : reading.status === '11'
            ? 'billed'
            : reading.flagged === 1
              ? 'flagged'
              : reading.source;
      return { ...device, state, date: reading?.date ?? null };
    });
}

function countsOf(rows: Array<{ state: PeriodState }>): Record<PeriodState, number> {
  const counts = Object.fromEntries(PERIOD_STATES.map((state) => [state, 0])) as Record<PeriodState, number>;
  for (const row of rows) counts[row.state] += 1;
  return counts;
}

const key = (row: { deviceId: number; state: PeriodState }) => `${row.deviceId}:${row.state}`;

/** Every row of the list, fetched in pages of `size` as the grid does. */
async function allPages(core: OpenedCore, size: number, args: { state?: PeriodState; search?: string; sort?: Array<{ colId: 'model' | 'state' | 'date' | 'customer'; sort: 'asc' | 'desc' }> } = {}) {
  const rows: PeriodRow[] = [];
  for (let startRow = 0; ; startRow += size) {
    const page = await core.api['period-rows']({ period: PERIOD, ...args, startRow, endRow: startRow + size });
    expect(page.startRow).toBe(startRow);
    rows.push(...page.rows);
    if (page.lastRow !== null) {
      expect(page.lastRow).toBe(rows.length);
      return rows;
    }
    expect(page.rows).toHaveLength(size);
  }
}

/** A generated dealer with a month in every state: manual, web/import as generated, flagged, estimated, billed. */
async function busyDealer(): Promise<OpenedCore> {
  const core = testCore({ demo: false });
  generateDealer(core.db, { customers: 30, devices: 140, years: 1, seed: 11, today: '2026-11-23' });
  const missing = truth(core).filter((row) => row.state === 'missing' && row.position === '0001');
  await recordReading(core, missing[0]!.equipmentId, 300);
  await recordReading(core, missing[1]!.equipmentId, 9_000_000);
  await core.api['readings-estimate']({ period: PERIOD, equipmentIds: [missing[2]!.equipmentId, missing[3]!.equipmentId] });
  return core;
}

describe('the period overview, paged on the server', () => {
  it('pages, counts and filters exactly as the list worked out in code', async () => {
    const core = await busyDealer();
    const expected = truth(core);
    const states = new Set(expected.map((row) => row.state));
    expect(expected.length).toBeGreaterThan(100);
    for (const state of ['missing', 'manual', 'flagged', 'estimate'] as const) expect(states).toContain(state);

    const counts = await core.api['period-counts']({ period: PERIOD });
    expect(counts).toEqual({ period: PERIOD, total: expected.length, counts: countsOf(expected) });

    // The list's own order: customer, contract, position.
    const inOrder = [...expected].sort(
      (a, b) => a.customerNumber.localeCompare(b.customerNumber) || a.contractNumber.localeCompare(b.contractNumber) || a.position.localeCompare(b.position) || a.deviceId - b.deviceId,
    );
    const paged = await allPages(core, 17);
    expect(paged.map(key)).toEqual(inOrder.map(key));
    const overview = await core.api['period-overview']({ period: PERIOD });
    expect(overview.rows).toEqual(paged);
    expect(overview.counts).toEqual(counts.counts);

    for (const state of states) {
      const filtered = await allPages(core, 5, { state });
      expect(filtered.map(key)).toEqual(inOrder.filter((row) => row.state === state).map(key));
    }
    // A reading's columns come with its row.
    const manual = paged.find((row) => row.state === 'manual')!;
    expect(manual.readingId).not.toBeNull();
    expect(manual.counters.length).toBeGreaterThan(0);
    expect(manual.date).toBe('2026-11-23');
  });

  it('sorts on the server, the list order breaking ties', async () => {
    const core = await busyDealer();
    const inOrder = (await allPages(core, 1000)).map((row, index) => ({ ...row, index }));
    const byModel = await allPages(core, 30, { sort: [{ colId: 'model', sort: 'desc' }] });
    expect(byModel.map((row) => row.deviceId)).toEqual(
      [...inOrder].sort((a, b) => (a.model < b.model ? 1 : a.model > b.model ? -1 : a.index - b.index)).map((row) => row.deviceId),
    );
    // States sort in the page's order of the states, not alphabetically.
    const byState = await allPages(core, 30, { sort: [{ colId: 'state', sort: 'asc' }] });
    const rank = (state: PeriodState) => PERIOD_STATES.indexOf(state);
    expect(byState.map((row) => row.deviceId)).toEqual(
      [...inOrder].sort((a, b) => rank(a.state) - rank(b.state) || a.index - b.index).map((row) => row.deviceId),
    );
    const byDate = await allPages(core, 30, { sort: [{ colId: 'date', sort: 'desc' }] });
    const latestDate = inOrder.map((row) => row.date ?? '').sort().at(-1);
    expect(byDate[0]!.date).toBe(latestDate);
    expect(byDate.at(-1)!.date).toBeNull();
    const byCustomer = await allPages(core, 30, { sort: [{ colId: 'customer', sort: 'desc' }] });
    expect(byCustomer[0]!.customerNumber).toBe(inOrder.at(-1)!.customerNumber);
  });

  it('searches the device and customer text, and counts what it finds', async () => {
    const core = await busyDealer();
    const all = await allPages(core, 1000);
    const one = all[42]!;
    const found = await core.api['period-rows']({ period: PERIOD, search: one.equipmentId, startRow: 0, endRow: 100 });
    expect(found.rows.map((row) => row.deviceId)).toEqual([one.deviceId]);
    expect(found.lastRow).toBe(1);
    const customer = one.customerName.split(' ')[0]!.toUpperCase();
    const ofCustomer = all.filter((row) => row.customerName.toUpperCase().includes(customer) || row.model.toUpperCase().includes(customer) || row.location.toUpperCase().includes(customer));
    const counts = await core.api['period-counts']({ period: PERIOD, search: customer });
    expect(counts.total).toBeGreaterThanOrEqual(ofCustomer.length);
    expect((await allPages(core, 7, { search: customer })).length).toBe(counts.total);
    expect((await core.api['period-counts']({ period: PERIOD, search: 'kein-solches-gerät' })).total).toBe(0);
  });

  it('finds the next missing device after a save, wrapping round to the top', async () => {
    const core = await busyDealer();
    const missing = await allPages(core, 1000, { state: 'missing' });
    expect((await core.api['period-next-missing']({ period: PERIOD, after: missing[0]!.deviceId }))!.deviceId).toBe(missing[1]!.deviceId);
    // A device just saved is no longer missing: the one after it in the list comes next.
    const all = await allPages(core, 1000);
    const manual = all.find((row) => row.state === 'manual')!;
    const after = all.slice(all.indexOf(manual)).find((row) => row.state === 'missing')!;
    expect((await core.api['period-next-missing']({ period: PERIOD, after: manual.deviceId }))!.deviceId).toBe(after.deviceId);
    expect((await core.api['period-next-missing']({ period: PERIOD, after: missing.at(-1)!.deviceId }))!.deviceId).toBe(missing[0]!.deviceId);
  });

  it('matches the demo data, the quarterly contract due in December only', async () => {
    const core = testCore();
    await recordReading(core, '3.022.790', 900);
    for (const period of ['2026-11', '2026-12']) {
      const expected = truth(core, period);
      const overview = await core.api['period-overview']({ period });
      expect(overview.rows.map(key).sort()).toEqual(expected.map(key).sort());
      expect(overview.counts).toEqual(countsOf(expected));
    }
  });

  it('refuses pages that are empty, inverted or larger than the limit, and unknown sorts', () => {
    const rows = apiArgs['period-rows'];
    expect(rows.safeParse({ period: PERIOD, startRow: 0, endRow: 100, state: 'missing', sort: [{ colId: 'model', sort: 'desc' }] }).success).toBe(true);
    expect(rows.safeParse({ period: PERIOD, startRow: 10, endRow: 10 }).success).toBe(false);
    expect(rows.safeParse({ period: PERIOD, startRow: 0, endRow: 5000 }).success).toBe(false);
    expect(rows.safeParse({ period: PERIOD, startRow: 0, endRow: 10, sort: [{ colId: 'counters', sort: 'asc' }] }).success).toBe(false);
    expect(rows.safeParse({ period: PERIOD, startRow: 0, endRow: 10, state: 'lost' }).success).toBe(false);
  });
});
