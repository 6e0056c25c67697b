/** The alerts view on the demo data, each kind made to trigger (issue 5). */
import { describe, expect, it } from 'vitest';
import { daysBetween } from '../../shared/dates';
import { laterCore, recordReading, testCore } from './helpers';

describe('alerts', () => {
  it('has none of stuck, unusual or web-waiting on the untouched demo data', async () => {
    const core = testCore();
    const { counts } = await core.api['alerts-list']({});
    expect(counts).toMatchObject({ stuck: 0, unusual: 0, 'web-waiting': 0 });
  });

  it('is worked out once until something is written: a saved reading shows at once', async () => {
    const core = testCore();
    const first = await core.api['alerts-list']({});
    expect(await core.api['alerts-list']({})).toBe(first);
    await recordReading(core, '3.024.072', 500_000);
    const after = await core.api['alerts-list']({});
    expect(after).not.toBe(first);
    expect(after.alerts.some((alert) => alert.kind === 'unusual' && alert.equipmentId === '3.024.072')).toBe(true);
    expect(first.alerts.some((alert) => alert.kind === 'unusual' && alert.equipmentId === '3.024.072')).toBe(false);
  });

  it('finds a stuck counter, a silent device, unusual usage both ways and a web value waiting, each naming its device', async () => {
    const core = testCore();
    // Far above and far below the usual usage (≈ 2,100 and 900 pages a month).
    const high = await recordReading(core, '3.024.072', 500_000);
    const lowDraft = await core.api['readings-draft']({ equipmentId: '3.033.923' });
    // Three days ago: a reading after it follows today (one reading a device and day).
    const low = await recordReading(core, '3.033.923', 1, '2026-11-20');
    // The same black counter three readings in a row: the last demo reading, then twice 0 pages more.
    const stuckBefore = await recordReading(core, '3.022.790', 0, '2026-11-20');
    // Billed in a run of its own: the reading after it counts from the next month (while it was
    // only recorded, a second reading of November would be refused: one a period).
    core.db.run(`UPDATE readings SET status = '11' WHERE id = ?`, [stuckBefore.id]);
    const stuck = await recordReading(core, '3.022.790', 0);
    // A device installed in January that never had a reading.
    core.db.run(
      `INSERT INTO devices (id, contract_id, position, model, equipment_id, serial_number, install_date, created_at, updated_at)
       SELECT 900, contract_id, '0099', 'SILENT MODEL', '9.999.999', 'SN-SILENT', '2026-01-05', 'n', 'n' FROM devices WHERE equipment_id = '3.022.790'`,
    );
    core.db.run("INSERT INTO device_counters VALUES (900, 'black', 0)");
    // A web value kept aside.
    core.db.run(
      "INSERT INTO web_links (id, customer_id, period, token_hash, valid_until, created_at) VALUES (1, 1, '2026-11', ?, '2026-12-04', 'n')",
      ['a'.repeat(64)],
    );
    core.db.run(
      `INSERT INTO web_submissions (portal_key, link_id, device_id, entered_on, flagged, counter_values, state, reason, received_at)
       SELECT 'k1', 1, id, '2026-11-20', 0, '[]', 'held', 'recorded', 'n' FROM devices WHERE equipment_id = '3.300.451'`,
    );

    const { alerts, counts, silentMonths } = await core.api['alerts-list']({});
    expect(silentMonths).toBe(3);
    expect(alerts.filter((a) => a.kind === 'stuck').map((a) => [a.equipmentId, a.counter])).toEqual([['3.022.790', 'black']]);
    expect(alerts.filter((a) => a.kind === 'silent').map((a) => a.equipmentId)).toContain('9.999.999');
    expect(alerts.filter((a) => a.kind === 'silent').map((a) => a.equipmentId)).not.toContain('3.024.072');
    const unusual = alerts.filter((a) => a.kind === 'unusual');
    expect(unusual.find((a) => a.readingId === high.id)).toMatchObject({ equipmentId: '3.024.072', direction: 'high', value: 500_000 });
    expect(unusual.find((a) => a.readingId === low.id)).toMatchObject({ equipmentId: '3.033.923', direction: 'low', value: 1 });
    // The usual over the days since the reading before, as the dialog counts them (not the validity's days).
    const black = lowDraft.counters.find((c) => c.kind === 'black')!;
    const sinceLast = black.averageDaily! * daysBetween(black.lastDate!, low.date);
    const lowBlack = unusual.find((a) => a.readingId === low.id && a.counter === 'black')!;
    expect(Math.abs(lowBlack.expected! - sinceLast) / sinceLast).toBeLessThan(0.1);
    expect(alerts.filter((a) => a.kind === 'web-waiting').map((a) => [a.equipmentId, a.reason])).toEqual([['3.300.451', 'recorded']]);
    expect(counts['web-waiting']).toBe(1);
    expect(counts.stuck).toBe(1);

    // The meter dialog opened on the low one says so, with the same usual usage; the high one is flagged instead.
    const lowOpened = await core.api['readings-draft']({ equipmentId: '3.033.923', readingId: low.id });
    expect(lowOpened.lowUsage.find((c) => c.kind === 'black')).toEqual({ kind: 'black', usage: 1, expected: lowBlack.expected });
    expect((await core.api['readings-draft']({ equipmentId: '3.024.072', readingId: high.id })).lowUsage).toEqual([]);
    // Confirmed there (not flagged, still confirmable), it leaves the list, and the dialog no longer says it.
    const confirmedLow = await core.api['readings-confirm']({ readingId: low.id, revision: low.revision });
    expect(confirmedLow).toMatchObject({ flagged: false, confirmedBy: 'test-clerk' });
    expect((await core.api['readings-draft']({ equipmentId: '3.033.923', readingId: low.id })).lowUsage).toEqual([]);
    expect((await core.api['alerts-list']({})).alerts.some((a) => a.readingId === low.id)).toBe(false);
    // A reading after it, confirmed too; then the low one corrected (its Schwarz up by 1): the next one's old moves, its usage
    // with it, and the confirmation of that usage no longer stands.
    // December's (a core a month later: November is the low one's).
    const next = await recordReading(laterCore(core), '3.033.923', 1);
    const nextConfirmed = await core.api['readings-confirm']({ readingId: next.id, revision: next.revision });
    expect(nextConfirmed.confirmedBy).toBe('test-clerk');
    const draft = await core.api['readings-draft']({ equipmentId: '3.033.923', readingId: low.id });
    await core.api['readings-save']({
      equipmentId: '3.033.923',
      readingId: low.id,
      revision: draft.reading!.revision,
      date: draft.date,
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      note: '',
      counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.new! + (c.kind === 'black' ? 1 : 0), extraFree: c.extraFree })),
    });
    const moved = (await core.api['readings-draft']({ equipmentId: '3.033.923', readingId: next.id })).reading!;
    expect(moved.confirmedBy).toBeNull();
    const withdrawn = await core.api['audit-list']({ entity: 'reading', entityId: next.id });
    expect(withdrawn.at(-1)!.changes).toMatchObject({ 'black.old': [next.counters[0]!.old, next.counters[0]!.old + 1], confirmedBy: ['test-clerk', null] });

    // The stuck counter's latest reading says so in the dialog (not the one before it); confirmed, the device stood, and it leaves the list.
    expect((await core.api['readings-draft']({ equipmentId: '3.022.790', readingId: stuck.id })).stuck).toEqual([{ kind: 'black', value: stuck.counters[0]!.new }]);
    expect((await core.api['readings-draft']({ equipmentId: '3.022.790', readingId: stuckBefore.id })).stuck).toEqual([]);
    await core.api['readings-confirm']({ readingId: stuck.id, revision: stuck.revision });
    expect((await core.api['alerts-list']({})).counts.stuck).toBe(0);
    expect((await core.api['readings-draft']({ equipmentId: '3.022.790', readingId: stuck.id })).stuck).toEqual([]);

    // A clerk who confirms the unusual reading dismisses its alert; the silence threshold is a setting.
    await core.api['readings-confirm']({ readingId: high.id, revision: high.revision });
    await core.api['settings-save']({ values: { 'alerts.silentMonths': '12' } });
    const after = await core.api['alerts-list']({});
    expect(after.alerts.some((a) => a.readingId === high.id)).toBe(false);
    expect(after.alerts.some((a) => a.kind === 'silent' && a.equipmentId === '9.999.999')).toBe(false);
  });
  it("calls a device silent after its contract's interval and the setting's months: a yearly one is not silent in its eleventh month", async () => {
    const demo = testCore();
    const dir = demo.db.file.replace(/\/[^/]+$/, '');
    // March 2027: 3.300.452 (V-300451-01, monthly) was last read on 30.09.2026.
    const march = testCore({ dir, demo: false, now: '2027-03-01T09:00:00Z' });
    const silent = async () => (await march.api['alerts-list']({})).alerts.find((a) => a.kind === 'silent' && a.equipmentId === '3.300.452');
    expect(await silent()).toMatchObject({ months: 3, date: '2026-09-30' });
    // Quarterly: five months (its interval's two between readings, then three); 30.09 is before 01.10.
    march.db.run("UPDATE contracts SET interval_months = 3 WHERE number = 'V-300451-01'");
    await march.api['settings-save']({ values: { 'alerts.silentMonths': '3' } });
    expect(await silent()).toMatchObject({ months: 5 });
    // Yearly: fourteen months, so five without a reading are as the contract expects.
    march.db.run("UPDATE contracts SET interval_months = 12 WHERE number = 'V-300451-01'");
    await march.api['settings-save']({ values: { 'alerts.silentMonths': '3' } });
    expect(await silent()).toBeUndefined();
  });

  it("lists the counters the meter dialog flags, with the usual usage it judges by, and a value the portal flagged", async () => {
    const core = testCore();
    // Black far above its usual, colour within it: the dialog flags the reading for black only.
    const draft = await core.api['readings-draft']({ equipmentId: '3.024.072' });
    const usage = { black: 500_000, color: 1_000 } as Record<string, number>;
    const saved = await core.api['readings-save']({
      equipmentId: '3.024.072',
      previousReadingId: draft.previousReadingId,
      date: draft.today,
      validFrom: draft.validity.from,
      validTo: draft.validity.to,
      counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + usage[c.kind]!, extraFree: 0 })),
    });
    expect(saved.flagged).toBe(true);
    const black = draft.counters.find((c) => c.kind === 'black')!;
    const expected = Math.round(black.averageDaily! * daysBetween(black.lastDate!, draft.today));
    let { alerts } = await core.api['alerts-list']({});
    expect(alerts.filter((a) => a.kind === 'unusual' && a.readingId === saved.id)).toEqual([
      expect.objectContaining({ counter: 'black', value: 500_000, expected, direction: 'high' }),
    ]);

    // Both counters far above: both are named, as the dialog warns on both.
    const both = await recordReading(core, '3.300.451', 400_000);
    expect(both.counters.length).toBeGreaterThan(1);
    ({ alerts } = await core.api['alerts-list']({}));
    expect(alerts.filter((a) => a.readingId === both.id).map((a) => a.counter).sort()).toEqual(both.counters.map((c) => c.kind).sort());

    // A usual reading that the portal's check flagged (A vérifier): listed by its largest usage, without a usual to name.
    const usual = await recordReading(core, '3.033.923', 700);
    expect(usual.flagged).toBe(false);
    core.db.run('UPDATE readings SET flagged = 1 WHERE id = ?', [usual.id]);
    ({ alerts } = await core.api['alerts-list']({}));
    const portal = alerts.filter((a) => a.readingId === usual.id);
    expect(portal).toHaveLength(1);
    expect(portal[0]).toMatchObject({ kind: 'unusual', direction: 'high', value: 700 });
    expect(portal[0]!.expected).toBeUndefined();

    // Confirmed, each leaves the list.
    for (const reading of [saved, both]) await core.api['readings-confirm']({ readingId: reading.id, revision: reading.revision });
    ({ alerts } = await core.api['alerts-list']({}));
    expect(alerts.some((a) => a.readingId === saved.id || a.readingId === both.id)).toBe(false);
  });
});
