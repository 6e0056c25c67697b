/**
 * The settings screen's operations: every setting of shared/settings-schema.ts with its value
 * (secrets only as "set"), and saving a batch — all checked first, then one transaction with
 * an audit row per change (a secret's value is never written into the audit trail).
 */
import { allSettings, sealedSettings, setSetting } from '../../../db/queries/settings';
import type { SettingValue } from '../../../shared/api';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { checkSetting, SETTINGS, SETTINGS_BY_KEY } from '../../../shared/settings-schema';
import { audit, timestamp, type CoreContext } from '../context';

export function settingsList(core: CoreContext): SettingValue[] {
  const stored = allSettings(core.db, true);
  // A secret sealed by a keychain this process has not is set all the same.
  const sealed = sealedSettings(core.db);
  return SETTINGS.map((setting) => {
    const value = stored.get(setting.key) ?? null;
    const unreadable = value === null && sealed.includes(setting.key);
    return { key: setting.key, value: setting.kind === 'secret' ? null : value, set: value !== null || unreadable, ...(unreadable && { unreadable }) };
  });
}

/** `values`: key → new text; '' removes the row (back to the default). */
export function saveSettings(core: CoreContext, values: Record<string, string>): SettingValue[] {
  const issues: FieldIssue[] = [];
  for (const [key, value] of Object.entries(values)) {
    const problem = checkSetting(key, value);
    if (problem) {
      const setting = SETTINGS_BY_KEY.get(key);
      issues.push({
        field: key,
        code: problem,
        params: { min: setting?.min ?? '', max: setting?.max ?? '', protocols: setting?.protocols?.map((protocol) => `${protocol}//…`).join(' | ') ?? '' },
      });
    }
  }
  if (issues.length > 0) throw new ApiError('validation', 'the settings were not saved', issues);
  return core.db.transaction(() => {
    const now = timestamp(core);
    // Secrets opened: one typed again unchanged is no change.
    const stored = allSettings(core.db, true);
    const sealed = sealedSettings(core.db);
    for (const [key, raw] of Object.entries(values)) {
      // Stored as the number reads everywhere: 2,5 as 2.5.
      const value = SETTINGS_BY_KEY.get(key)?.kind === 'number' ? raw.trim().replace(',', '.') : raw.trim();
      const before = stored.get(key) ?? (sealed.includes(key) ? '(sealed)' : null);
      if ((before ?? '') === value) continue;
      if (value === '') core.db.run('DELETE FROM settings WHERE key = ?', [key]);
      else setSetting(core.db, key, value);
      const secret = SETTINGS_BY_KEY.get(key)?.kind === 'secret';
      audit(core, now, 'setting', 0, 'update', { [key]: secret ? [before === null ? null : '(secret)', value === '' ? null : '(secret)'] : [before, value || null] });
    }
    return settingsList(core);
  });
}
