/** The billing run on a real database: preview, run (01 → 11), cancel, post (→ 21), never twice. */
import type { BillingRun } from '../../shared/api';
import { describe, expect, it } from 'vitest';
import { getDeviceByEquipmentId } from '../../db/queries/master-data';
import { listReadings } from '../../db/queries/readings';
import { recordReading, rejection, tempDir, testCore } from './helpers';

const statusOf = (core: ReturnType<typeof testCore>, id: number) => core.db.get<{ status: string }>('SELECT status FROM readings WHERE id = ?', [id])!.status;

/** A run as billing-runs lists it: billing-run-get adds each contract's readings and the devices not in it, for the statement. */
function withoutReadings(run: BillingRun): BillingRun {
  return { ...run, contracts: run.contracts.map(({ readings: _readings, notBilled: _notBilled, ...contract }) => contract) };
}

describe('the billing run', () => {
  it('bills the demo contract: 14160 Schwarz copies, 500 free, CHF 0.0085 → CHF 116.10; nothing twice', async () => {
    const core = testCore();
    const reading = await recordReading(core, '3.022.790', 14_160);
    expect(reading.validFrom).toBe('2026-11-01');
    const preview = await core.api['billing-preview']({ period: '2026-11' });
    const contract = preview.contracts.find((c) => c.contractNumber === 'V-999999-01')!;
    expect(contract.readingIds).toEqual([reading.id]);
    expect(contract.lines).toEqual([{ kind: 'black', usage: 14_160, freeCopies: 500, billable: 13_660, pricePerPage: 8_500, amount: 116_110_000 }]);
    expect(contract.totalRounded).toBe(116_100_000);
    // A preview changes nothing.
    expect(statusOf(core, reading.id)).toBe('01');

    const run = await core.api['billing-run']({ period: '2026-11' });
    expect(run.state).toBe('billed');
    expect(run.contracts.find((c) => c.contractNumber === 'V-999999-01')!.totalRounded).toBe(116_100_000);
    // The statement names the contract's devices this bill has no reading of: they come with a later one.
    const statement = (await core.api['billing-run-get']({ runId: run.id })).contracts.find((c) => c.contractNumber === 'V-999999-01')!;
    expect(statement.notBilled?.map((device) => device.equipmentId)).toEqual(['3.024.072', '3.033.923']);
    expect(statusOf(core, reading.id)).toBe('11');
    // Billed readings are read-only, and a second run finds nothing left to bill.
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790', readingId: reading.id });
    expect(draft.status).toBe('11');
    expect((await core.api['billing-preview']({ period: '2026-11' })).contracts).toEqual([]);
    expect((await rejection(core.api['billing-run']({ period: '2026-11' }))).code).toBe('validation');
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM billing_readings WHERE reading_id = ?', [reading.id])!.n).toBe(1);

    // Cancelled while not posted: back to 01, billable again, in a new run.
    const cancelled = await core.api['billing-cancel']({ runId: run.id });
    expect(cancelled.state).toBe('cancelled');
    expect(statusOf(core, reading.id)).toBe('01');
    expect((await rejection(core.api['billing-cancel']({ runId: run.id }))).code).toBe('conflict');
    const again = await core.api['billing-run']({ period: '2026-11' });
    const posted = await core.api['billing-post']({ runId: again.id });
    expect(posted.state).toBe('posted');
    expect(statusOf(core, reading.id)).toBe('21');
    expect((await rejection(core.api['billing-cancel']({ runId: again.id }))).message).toMatch(/posted, which is final/);
    const runs = await core.api['billing-runs']({ period: '2026-11' });
    expect(runs.map((r) => r.state)).toEqual(['cancelled', 'posted']);
    expect(withoutReadings(await core.api['billing-run-get']({ runId: again.id }))).toEqual(runs[1]);
    expect((await rejection(core.api['billing-run-get']({ runId: 999 }))).code).toBe('not-found');
  });

  it("holds the demo's billed reading in a run of its month, which can be posted", async () => {
    const core = testCore();
    const [run] = await core.api['billing-runs']({ period: '2026-10' });
    expect(run).toMatchObject({ period: '2026-10', state: 'billed' });
    expect(run!.contracts.map((contract) => contract.contractNumber)).toEqual(['V-200117-01']);
    const history = await core.api['devices-get']({ equipmentId: '3.200.117' });
    expect(history.readings.at(-1)).toMatchObject({ status: '11', date: '2026-10-31' });
    await core.api['billing-post']({ runId: run!.id });
    expect((await core.api['devices-get']({ equipmentId: '3.200.117' })).readings.at(-1)!.status).toBe('21');
  });

  it('keeps each contract of a run with its own readings', async () => {
    const core = testCore();
    // Two devices of one contract, one of another customer's.
    const ids: number[] = [];
    for (const equipmentId of ['3.022.790', '3.024.072', '3.200.117']) ids.push((await recordReading(core, equipmentId, 100)).id);
    const preview = await core.api['billing-preview']({ period: '2026-11' });
    const run = await core.api['billing-run']({ period: '2026-11' });
    const readingsOf = (contracts: typeof run.contracts) =>
      Object.fromEntries(contracts.map((c) => [c.contractNumber, c.readingIds]));
    expect(readingsOf(run.contracts)).toEqual(readingsOf(preview.contracts));
    const billed = Object.values(readingsOf(run.contracts)).flat();
    // Each reading once, in its own contract; the three new ones among them.
    expect(new Set(billed).size).toBe(billed.length);
    for (const id of ids) expect(billed).toContain(id);
    expect(run.contracts.length).toBeGreaterThanOrEqual(2);
    // The statement's run: the same, and each contract's readings device by device.
    const statement = await core.api['billing-run-get']({ runId: run.id });
    expect(withoutReadings(statement)).toEqual(run);
    // Printed as the preview lists them, by customer number (999999's contract is the demo's first).
    expect(statement.contracts.map((c) => c.contractNumber)).toEqual(preview.contracts.map((c) => c.contractNumber));
    for (const contract of statement.contracts) {
      expect(contract.readings!.map((r) => r.readingId).sort()).toEqual([...contract.readingIds].sort());
    }
    const ricoh = statement.contracts.flatMap((c) => c.readings!).find((r) => r.readingId === ids[0])!;
    expect(ricoh).toMatchObject({ equipmentId: '3.022.790', source: 'manual' });
    expect(ricoh.counters[0]).toMatchObject({ kind: 'black', usage: 100 });
    expect(ricoh.counters[0]!.new - ricoh.counters[0]!.old).toBe(100);
  });

  it("names a meter exchange on the statement, whose end and start make the usage", async () => {
    const core = testCore();
    const draft = await core.api['readings-draft']({ equipmentId: '3.022.790' });
    const black = draft.counters.find((c) => c.kind === 'black')!;
    const saved = await core.api['readings-save']({
      equipmentId: '3.022.790',
      previousReadingId: draft.previousReadingId,
      date: draft.today,
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: [{ kind: 'black', old: black.chainOld, new: 600, extraFree: 0, exchange: { final: black.chainOld + 400, start: 0 } }],
    });
    const run = await core.api['billing-run']({ period: '2026-11' });
    const statement = await core.api['billing-run-get']({ runId: run.id });
    const line = statement.contracts.flatMap((c) => c.readings!).find((r) => r.readingId === saved.id)!;
    expect(line.counters[0]).toMatchObject({ kind: 'black', old: black.chainOld, new: 600, usage: 1000, exchange: { final: black.chainOld + 400, start: 0 } });
    const plain = statement.contracts.flatMap((c) => c.readings!).find((r) => r.readingId !== saved.id);
    if (plain) expect(plain.counters[0]!.exchange).toBeNull();
  });

  it('leaves out a flagged reading until a clerk confirms it', async () => {
    const core = testCore();
    const flagged = await recordReading(core, '3.022.790', 5_000_000);
    expect(flagged.flagged).toBe(true);
    const preview = await core.api['billing-preview']({ period: '2026-11' });
    expect(preview.skipped).toContainEqual({ readingId: flagged.id, equipmentId: '3.022.790', reason: 'flagged' });
    expect(preview.contracts.some((c) => c.readingIds.includes(flagged.id))).toBe(false);
    await core.api['readings-confirm']({ readingId: flagged.id, revision: flagged.revision });
    const confirmed = await core.api['billing-preview']({ period: '2026-11' });
    expect(confirmed.contracts.some((c) => c.readingIds.includes(flagged.id))).toBe(true);
  });

  it("grants a contract's free copies of a month once, also when a late reading of it is billed in a second run", async () => {
    const core = testCore();
    // V-999999-01: 500 Schwarz copies free a month. Its first device's November, billed;
    // the preview names the contract's devices without a November reading.
    await recordReading(core, '3.022.790', 300);
    const preview = await core.api['billing-preview']({ period: '2026-11' });
    const contractId = preview.contracts.find((c) => c.contractNumber === 'V-999999-01')!.contractId;
    expect(preview.missing.filter((m) => m.contractId === contractId).map((m) => m.equipmentId).sort()).toEqual(['3.024.072', '3.033.923']);
    expect(preview.missing.every((m) => preview.contracts.some((c) => c.contractId === m.contractId))).toBe(true);
    const first = await core.api['billing-run']({ period: '2026-11' });
    expect(first.contracts.find((c) => c.contractNumber === 'V-999999-01')!.lines).toMatchObject([
      { kind: 'black', usage: 300, freeCopies: 500, billable: 0 },
    ]);
    // The second device's November comes late (the first device's validity, 1–30 November):
    // of the month's 500 free copies 300 were used, 200 are left.
    const late = await recordReading(core, '3.024.072', 400);
    expect([late.validFrom, late.validTo]).toEqual(['2026-11-01', '2026-11-30']);
    const secondPreview = await core.api['billing-preview']({ period: '2026-11' });
    expect(secondPreview.missing.filter((m) => m.contractId === contractId).map((m) => m.equipmentId)).toEqual(['3.033.923']);
    const second = secondPreview.contracts.find((c) => c.contractNumber === 'V-999999-01')!;
    expect(second.lines.find((l) => l.kind === 'black')).toMatchObject({ usage: 400, freeCopies: 200, billable: 200 });
    // Each statement names what is still to come then: the second not the device the first billed.
    const secondRun = await core.api['billing-run']({ period: '2026-11' });
    const notBilled = async (runId: number) =>
      (await core.api['billing-run-get']({ runId })).contracts.find((c) => c.contractId === contractId)!.notBilled!.map((device) => device.equipmentId);
    expect(await notBilled(secondRun.id)).toEqual(['3.033.923']);
    expect(await notBilled(first.id)).toEqual(['3.024.072', '3.033.923']);
    await core.api['billing-cancel']({ runId: secondRun.id });
    // As one run of both readings would have billed them: 700 − 500.
    await core.api['billing-cancel']({ runId: first.id });
    const together = (await core.api['billing-preview']({ period: '2026-11' })).contracts.find((c) => c.contractNumber === 'V-999999-01')!;
    expect(together.lines.find((l) => l.kind === 'black')).toMatchObject({ usage: 700, freeCopies: 500, billable: 200 });
  });

  it("bills a quarterly contract in the month its interval ends, its readings together (one pool of free copies); an ended one at once", async () => {
    const dir = tempDir();
    const november = testCore({ dir });
    // V-100234-01 is quarterly from October (due in December); 1,000 Schwarz copies free a month.
    // Its first reading in November waits for December's run.
    const first = await recordReading(november, '3.100.001', 980);
    expect([first.validFrom, first.validTo]).toEqual(['2026-10-12', '2026-11-30']);
    const inNovember = await november.api['billing-preview']({ period: '2026-11' });
    expect(inNovember.contracts.map((c) => c.contractNumber)).not.toContain('V-100234-01');
    expect(inNovember.notDue).toMatchObject([{ contractNumber: 'V-100234-01', customerNumber: '100234', duePeriod: '2026-12', readings: 1 }]);
    const run = await november.api['billing-run']({ period: '2026-11' });
    expect(run.contracts.map((c) => c.contractNumber)).not.toContain('V-100234-01');
    expect(statusOf(november, first.id)).toBe('01');

    // December: both readings in one bill, over the quarter's days, with its free copies.
    const december = testCore({ dir, demo: false, now: '2026-12-22T09:30:00Z' });
    const second = await recordReading(december, '3.100.001', 1_500);
    expect([second.validFrom, second.validTo]).toEqual(['2026-12-01', '2026-12-31']);
    const inDecember = await december.api['billing-preview']({ period: '2026-12' });
    const quarter = inDecember.contracts.find((c) => c.contractNumber === 'V-100234-01')!;
    expect(quarter.readingIds.sort()).toEqual([first.id, second.id].sort());
    expect([quarter.validFrom, quarter.validTo]).toEqual(['2026-10-12', '2026-12-31']);
    // 1,000 × (20/31 + 1 + 1) = 2,645 free: the 2,480 copies cost nothing (December alone: 1,000 free, 500 billed).
    expect(quarter.lines.find((l) => l.kind === 'black')).toMatchObject({ usage: 2_480, freeCopies: 2_645, billable: 0 });
    expect(inDecember.notDue).toEqual([]);

    await december.api['billing-run']({ period: '2026-12' });

    // January: a reading of January waits for March (flagged or not: it is not listed as left out);
    // named with that month, or with the contract's end when that comes first.
    const january = testCore({ dir, demo: false, now: '2027-01-25T09:30:00Z' });
    const jan = await recordReading(january, '3.100.001', 50_000);
    expect(jan.flagged).toBe(true);
    const waiting = await january.api['billing-preview']({ period: '2027-01' });
    expect(waiting.notDue).toMatchObject([{ contractNumber: 'V-100234-01', duePeriod: '2027-03', readings: 1 }]);
    expect(waiting.skipped.map((s) => s.readingId)).not.toContain(jan.id);
    january.db.run("UPDATE contracts SET end_date = '2027-02-15' WHERE number = 'V-100234-01'");
    expect((await january.api['billing-preview']({ period: '2027-01' })).notDue).toMatchObject([{ duePeriod: '2027-02' }]);
    // Ended: billed in the month its readings come, due or not (this one once confirmed).
    january.db.run("UPDATE contracts SET end_date = '2027-01-25' WHERE number = 'V-100234-01'");
    const ending = await january.api['billing-preview']({ period: '2027-01' });
    expect(ending.notDue).toEqual([]);
    expect(ending.skipped).toMatchObject([{ readingId: jan.id, reason: 'flagged' }]);
  });

  it("bills a quarterly contract's reading that came after its month's run in the next run, not a whole interval later", async () => {
    const dir = tempDir();
    testCore({ dir });
    // V-100234-01 is due in December; its December reading is entered on 2 January, dated 31 December.
    const january = testCore({ dir, demo: false, now: '2027-01-02T09:30:00Z' });
    const draft = await january.api['readings-draft']({ equipmentId: '3.100.001' });
    const late = await january.api['readings-save']({
      equipmentId: '3.100.001',
      previousReadingId: draft.previousReadingId,
      date: '2026-12-31',
      validFrom: draft.validity.from,
      validTo: '2026-12-31',
      counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + 900, extraFree: 0 })),
    });
    const preview = await january.api['billing-preview']({ period: '2027-01' });
    expect(preview.contracts.find((c) => c.contractNumber === 'V-100234-01')?.readingIds).toEqual([late.id]);
    expect(preview.notDue).toEqual([]);
  });

  it("bills late readings over three months as one run of them all would: each month's free copies once", async () => {
    const dir = tempDir();
    const at = (now: string) => testCore({ dir, now, demo: false });
    const november = testCore({ dir });
    const blackOf = (run: { contracts: Array<{ contractNumber: string; lines: Array<{ kind: string; usage: number; freeCopies: number; billable: number }> }> }) =>
      run.contracts.find((c) => c.contractNumber === 'V-999999-01')!.lines.find((l) => l.kind === 'black')!;
    // November: two of the contract's three devices, 600 copies of the month's 500 free.
    await recordReading(november, '3.022.790', 300);
    await recordReading(november, '3.033.923', 300);
    const first = await november.api['billing-run']({ period: '2026-11' });
    await november.api['billing-post']({ runId: first.id });
    expect(blackOf(first)).toMatchObject({ usage: 600, freeCopies: 500, billable: 100 });
    // December: the third device's first reading since October (1 November – 31 December) and
    // the first device's December: November's free copies are used, December's 500 are left.
    const december = at('2026-12-28T10:00:00Z');
    expect((await recordReading(december, '3.024.072', 400)).validFrom).toBe('2026-11-01');
    await recordReading(december, '3.022.790', 400);
    const second = await december.api['billing-run']({ period: '2026-12' });
    await december.api['billing-post']({ runId: second.id });
    expect(blackOf(second)).toMatchObject({ usage: 800, freeCopies: 500, billable: 300 });
    // January: the second device's first since November (1 December – 31 January) and the
    // first device's January: of November to January's 1500 free, the runs before used 1000.
    const january = at('2027-01-28T10:00:00Z');
    expect((await recordReading(january, '3.033.923', 500)).validFrom).toBe('2026-12-01');
    await recordReading(january, '3.022.790', 500);
    const third = await january.api['billing-run']({ period: '2027-01' });
    expect(blackOf(third)).toMatchObject({ usage: 1_000, freeCopies: 500, billable: 500 });
    // 2400 copies over three months of 500 free: 900 billed, as in one run.
    expect([first, second, third].reduce((sum, run) => sum + blackOf(run).billable, 0)).toBe(2_400 - 1_500);
  });

  it('bills a colour contract per counter kind with its own free copies and prices', async () => {
    const core = testCore();
    const colour = await recordReading(core, '3.033.923', 1_000);
    const device = getDeviceByEquipmentId(core.db, '3.033.923')!;
    expect(listReadings(core.db, device.id).at(-1)!.id).toBe(colour.id);
    const contract = (await core.api['billing-preview']({ period: '2026-11' })).contracts.find((c) => c.contractNumber === 'V-999999-01')!;
    // Schwarz 1000 − 500 free at 0.0085 = 4.25; Farbe 1000 − 100 free at 0.065 = 58.50.
    expect(contract.lines.map((l) => [l.kind, l.billable, l.amount])).toEqual([
      ['black', 500, 4_250_000],
      ['color', 900, 58_500_000],
    ]);
    expect(contract.totalRounded).toBe(62_750_000);
  });
});
