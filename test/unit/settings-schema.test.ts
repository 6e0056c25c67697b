import { describe, expect, it } from 'vitest';
import { translations } from '../../shared/i18n';
import { checkSetting, SETTINGS } from '../../shared/settings-schema';

describe('settings checks', () => {
  it('accepts sound values and an empty one (back to the default)', () => {
    for (const [key, value] of [
      ['timeZone', 'Europe/Zurich'],
      ['cutoffDay', '4'],
      ['plausibility.factor', '2.5'],
      ['smtp.url', 'smtps://user:pw@mail.example.ch:465'],
      ['mail.from', 'Devillard <bravo@devillard.ch>'],
      ['mail.time', '07:00'],
      ['portal.publicUrl', 'https://releve.dealer.ch'],
      ['backup.keep', '30'],
      ['dealer.contact', ''],
    ]) {
      expect(checkSetting(key!, value!), `${key}=${value}`).toBeNull();
    }
  });

  it('refuses what would break the app, with a reason', () => {
    expect(checkSetting('timeZone', 'Mars/Olympus')).toBe('bad-time-zone');
    expect(checkSetting('cutoffDay', '31')).toBe('out-of-range');
    expect(checkSetting('cutoffDay', '2.5')).toBe('not-whole-number');
    // Below zero is a number out of range, not something else than a number.
    expect(checkSetting('plausibility.factor', '-1')).toBe('out-of-range');
    expect(checkSetting('cutoffDay', '-3')).toBe('out-of-range');
    expect(checkSetting('smtp.url', 'http://mail')).toBe('bad-url');
    expect(checkSetting('mail.time', '7:00')).toBe('bad-time');
    expect(checkSetting('mail.from', 'nobody')).toBe('bad-sender');
    expect(checkSetting('language', 'it')).toBe('bad-language');
    expect(checkSetting('bogus', 'x')).toBe('unknown-setting');
  });

  it('has a label for every setting in every language of the settings page', () => {
    for (const [language, texts] of Object.entries(translations)) {
      const labels = texts.settings.labels as Record<string, string>;
      for (const { key } of SETTINGS) expect(labels[key.replace(/\./g, '_')], `${language}: ${key}`).toBeTruthy();
    }
  });
});
