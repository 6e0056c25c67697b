/** The settings screen's operations: checked as a batch, secrets write-only, every change audited. */
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { readSettings } from '../../src-main/core/settings';
import { rejection, testCore } from './helpers';

describe('settings', () => {
  it('saves a batch only when every value is sound, and the core reads it at once', async () => {
    const core = testCore({ demo: false });
    const refused = await rejection(core.api['settings-save']({ values: { cutoffDay: '31', 'plausibility.factor': '2.5' } }));
    expect(refused.issues).toEqual([{ field: 'cutoffDay', code: 'out-of-range', params: { min: 1, max: 28, protocols: '' } }]);
    expect(readSettings(core.db).plausibility.factor).toBe(3);
    // A wrong SMTP address names what is expected, as written in it.
    const url = await rejection(core.api['settings-save']({ values: { 'smtp.url': 'mail.example.ch' } }));
    expect(url.issues[0]).toMatchObject({ code: 'bad-url', params: { protocols: 'smtp://… | smtps://…' } });

    // A decimal comma is read as the point (and stored so).
    await core.api['settings-save']({ values: { cutoffDay: '5', 'plausibility.factor': '2,5', timeZone: 'Europe/Paris' } });
    expect((await core.api['settings-get']({})).find((s) => s.key === 'plausibility.factor')?.value).toBe('2.5');
    const settings = readSettings(core.db);
    expect(settings).toMatchObject({ cutoffDay: 5, timeZone: 'Europe/Paris', plausibility: { factor: 2.5 } });
    await core.api['settings-save']({ values: { cutoffDay: '' } });
    expect(readSettings(core.db).cutoffDay).toBe(4);
  });

  it('never returns or audits a secret value', async () => {
    const core = testCore({ demo: false });
    const listed = await core.api['settings-save']({ values: { 'smtp.url': 'smtps://office:s3cret-pw@mail.dealer.ch' } });
    expect(listed.find((s) => s.key === 'smtp.url')).toEqual({ key: 'smtp.url', value: null, set: true });
    expect(JSON.stringify(await core.api['settings-get']({}))).not.toContain('s3cret');
    expect(JSON.stringify(listAudit(core.db, 'setting', 0))).not.toContain('s3cret');
    expect(listAudit(core.db, 'setting', 0)[0]!.changes).toEqual({ 'smtp.url': [null, '(secret)'] });
  });
});
