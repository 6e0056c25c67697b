/** The period overview: every due device and the state of its reading for the month. */
import { describe, expect, it } from 'vitest';
import { recordReading, testCore } from './helpers';

describe('the period overview', () => {
  it('lists the due devices as missing, then recorded, flagged, billed and posted', async () => {
    const core = testCore();
    const before = await core.api['period-overview']({ period: '2026-11' });
    const ids = before.rows.map((r) => r.equipmentId);
    expect(ids).toEqual(expect.arrayContaining(['3.022.790', '3.024.072', '3.033.923']));
    // The quarterly contract counted from October is due in December, not November.
    expect(ids).not.toContain('3.100.001');
    expect((await core.api['period-overview']({ period: '2026-12' })).rows.map((r) => r.equipmentId)).toContain('3.100.001');
    expect(before.rows.every((r) => r.state === 'missing')).toBe(true);
    expect(before.counts.missing).toBe(before.rows.length);

    const manual = await recordReading(core, '3.022.790', 900);
    await recordReading(core, '3.024.072', 5_000_000);
    const after = await core.api['period-overview']({ period: '2026-11' });
    const row = (id: string) => after.rows.find((r) => r.equipmentId === id)!;
    expect(row('3.022.790')).toMatchObject({ state: 'manual', readingId: manual.id, date: '2026-11-23' });
    expect(row('3.022.790').counters).toEqual([{ kind: 'black', value: manual.counters[0]!.new }]);
    expect(row('3.024.072').state).toBe('flagged');
    expect(after.counts).toMatchObject({ manual: 1, flagged: 1, missing: before.rows.length - 2 });

    const run = await core.api['billing-run']({ period: '2026-11' });
    expect((await core.api['period-overview']({ period: '2026-11' })).rows.find((r) => r.equipmentId === '3.022.790')!.state).toBe('billed');
    await core.api['billing-post']({ runId: run.id });
    expect((await core.api['period-overview']({ period: '2026-11' })).rows.find((r) => r.equipmentId === '3.022.790')!.state).toBe('posted');
  });
});
