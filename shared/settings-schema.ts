/**
 * Everything configurable, in one list: the settings screen, `npm run cli -- settings` and the
 * core's check all read it. Values are stored as text in the `settings` table; a missing row
 * means the default. Secrets are write-only: their values never leave the main process.
 */
import { LANGUAGES } from './models';

export type SettingKind = 'language' | 'timezone' | 'text' | 'int' | 'number' | 'time' | 'url' | 'email-from' | 'secret';
export type SettingGroup = 'general' | 'readings' | 'mail' | 'portal' | 'backup';

export interface SettingDefinition {
  key: string;
  group: SettingGroup;
  kind: SettingKind;
  /** Shown when nothing is set (the value in force). */
  fallback: string;
  min?: number;
  max?: number;
  protocols?: string[];
  /** Set through the environment as well (which then wins). */
  env?: string;
  description: string;
  /** Takes effect when meterdesk starts next (ports, schedule times). */
  restart?: boolean;
}

export const SETTINGS: SettingDefinition[] = [
  { key: 'language', group: 'general', kind: 'language', fallback: 'de', description: 'language of the office and the default for customers' },
  { key: 'timeZone', group: 'general', kind: 'timezone', fallback: 'Europe/Zurich', description: "the dealer's time zone (dates, link validity, schedule)" },
  { key: 'dealer.contact', group: 'general', kind: 'text', fallback: '', max: 2000, description: 'your contact details, shown in the e-mails and on the portal' },
  { key: 'cutoffDay', group: 'readings', kind: 'int', fallback: '4', min: 1, max: 28, description: 'readings dated up to this day belong to the previous month' },
  { key: 'plausibility.factor', group: 'readings', kind: 'number', fallback: '3', min: 1, max: 100, description: 'flag a usage above factor × the expected usage …' },
  { key: 'plausibility.marginPages', group: 'readings', kind: 'int', fallback: '500', min: 0, max: 1_000_000, description: '… plus this many pages (dialog and portal alike)' },
  { key: 'plausibility.windowMonths', group: 'readings', kind: 'int', fallback: '12', min: 1, max: 60, description: 'months of history the expected usage comes from' },
  { key: 'alerts.silentMonths', group: 'readings', kind: 'int', fallback: '3', min: 1, max: 60, description: "alert when a device has had no reading for more than this many months beyond its contract's interval (monthly: this many; quarterly: 2 more; yearly: 11 more)" },
  { key: 'smtp.url', group: 'mail', kind: 'secret', fallback: '', protocols: ['smtp:', 'smtps:'], env: 'METERDESK_SMTP_URL', description: 'SMTP server, e.g. smtp://127.0.0.1:2525 or smtps://user:password@host' },
  { key: 'mail.from', group: 'mail', kind: 'email-from', fallback: 'meterdesk <meterdesk@localhost>', max: 200, env: 'METERDESK_MAIL_FROM', description: 'sender of the request e-mails' },
  { key: 'mail.day', group: 'mail', kind: 'int', fallback: '20', min: 1, max: 28, restart: true, description: 'day of the month the request e-mails go out' },
  { key: 'mail.time', group: 'mail', kind: 'time', fallback: '07:00', restart: true, description: 'time they go out (HH:MM)' },
  { key: 'portal.publicUrl', group: 'portal', kind: 'url', fallback: '', protocols: ['http:', 'https:'], env: 'METERDESK_PUBLIC_URL', description: 'address of the portal in the e-mailed links (default: its own address)' },
  { key: 'portal.host', group: 'portal', kind: 'text', fallback: '127.0.0.1', max: 100, restart: true, description: 'address the built-in portal listens on' },
  { key: 'portal.port', group: 'portal', kind: 'int', fallback: '4781', min: 1, max: 65_535, restart: true, description: 'port of the built-in portal' },
  { key: 'portal.url', group: 'portal', kind: 'url', fallback: '', protocols: ['http:', 'https:'], env: 'METERDESK_PORTAL_URL', restart: true, description: 'a portal on another server, for the sync (default: the built-in one)' },
  { key: 'portal.secret', group: 'portal', kind: 'secret', fallback: '', env: 'METERDESK_PORTAL_SECRET', restart: true, description: "the sync's shared secret (built-in portal: made on first start)" },
  { key: 'sync.time', group: 'portal', kind: 'time', fallback: '02:00', restart: true, description: 'time of the nightly sync (HH:MM)' },
  { key: 'backup.time', group: 'backup', kind: 'time', fallback: '01:30', restart: true, description: 'time of the daily backup (HH:MM)' },
  { key: 'backup.keep', group: 'backup', kind: 'int', fallback: '14', min: 1, max: 365, description: 'how many daily backups are kept' },
];

export const SETTINGS_BY_KEY = new Map(SETTINGS.map((setting) => [setting.key, setting]));

export type SettingProblem = 'unknown-setting' | 'not-whole-number' | 'not-a-number' | 'out-of-range' | 'bad-time' | 'bad-url' | 'bad-time-zone' | 'bad-language' | 'too-long' | 'bad-sender';

function isTimeZone(text: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: text });
    return true;
  } catch {
    return false;
  }
}

/** Why a value is refused for a setting, or null when it is fine. An empty value resets it. */
export function checkSetting(key: string, value: string): SettingProblem | null {
  const setting = SETTINGS_BY_KEY.get(key);
  if (!setting) return 'unknown-setting';
  const text = value.trim();
  if (text === '') return null;
  if (setting.max !== undefined && (setting.kind === 'text' || setting.kind === 'email-from') && text.length > setting.max) return 'too-long';
  switch (setting.kind) {
    case 'int':
    case 'number': {
      // A number below zero is a number out of range, not "not a number".
      // A decimal comma (2,5) is read as the point it stands for, as the contract prices are.
      if (/^-\d+([.,]\d+)?$/.test(text) && setting.min !== undefined) return 'out-of-range';
      if (setting.kind === 'int' ? !/^\d+$/.test(text) : !/^\d+([.,]\d+)?$/.test(text)) return setting.kind === 'int' ? 'not-whole-number' : 'not-a-number';
      const number = Number(text.replace(',', '.'));
      return (setting.min !== undefined && number < setting.min) || (setting.max !== undefined && number > setting.max) ? 'out-of-range' : null;
    }
    case 'time':
      return /^([01]\d|2[0-3]):[0-5]\d$/.test(text) ? null : 'bad-time';
    case 'timezone':
      return isTimeZone(text) ? null : 'bad-time-zone';
    case 'language':
      return LANGUAGES.some((code) => code === text) ? null : 'bad-language';
    case 'email-from':
      return /^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(text) ? null : 'bad-sender';
    case 'url':
    case 'secret': {
      if (!setting.protocols) return text.length > 500 ? 'too-long' : null;
      try {
        const url = new URL(text);
        return setting.protocols.includes(url.protocol) && url.hostname ? null : 'bad-url';
      } catch {
        return 'bad-url';
      }
    }
    default:
      return null;
  }
}
