import { describe, expect, it } from 'vitest';
import { setSetting } from '../../db/queries/settings';
import { readSettings } from '../../src-main/core/settings';
import { testCore } from './helpers';

describe('settings stored in the database', () => {
  it('fall back to their defaults, and a stored value takes effect (a bad number keeps the default)', async () => {
    const core = testCore({ now: '2026-11-23T12:00:00Z' });
    expect(readSettings(core.db)).toMatchObject({
      timeZone: 'Europe/Zurich',
      language: 'de',
      cutoffDay: 4,
      plausibility: { factor: 3, marginPages: 500 },
    });
    setSetting(core.db, 'timeZone', 'Pacific/Kiritimati');
    setSetting(core.db, 'cutoffDay', '25');
    setSetting(core.db, 'plausibility.marginPages', 'lots');
    setSetting(core.db, 'language', 'xx');
    expect(readSettings(core.db)).toMatchObject({
      timeZone: 'Pacific/Kiritimati',
      language: 'de',
      cutoffDay: 25,
      plausibility: { marginPages: 500 },
    });
    // 12:00 UTC on 23 Nov is already the 24th at UTC+14; with the cut-off on the 25th the
    // reading belongs to October.
    const draft = await core.api['readings-draft']({ equipmentId: '3.300.451' });
    expect(draft).toMatchObject({
      today: '2026-11-24',
      cutoffDay: 25,
      validity: { from: '2026-11-01', to: '2026-11-30' },
    });
  });
});
