/**
 * Where web reading's settings come from: the environment first (a server's deployment),
 * then the database's settings table, then the defaults. Secrets stay in the main process:
 * nothing here reaches the renderer.
 */
import type { Database } from '../../db/database';
import { allSettings, sealedSettings, setSetting } from '../../db/queries/settings';
import { checkSetting, SETTINGS_BY_KEY } from '../../shared/settings-schema';
import { newToken } from '../core/web/tokens';

export interface WebConfig {
  /** `smtp://host:port` or `smtps://user:pass@host`; null: not configured, e-mails wait. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Where the e-mailed links point: the portal as customers reach it. */
  publicUrl: string;
  /** False when publicUrl is only the portal's own configured address (the default). */
  publicUrlSet: boolean;
  /** A portal on another server (its base URL); null: the portal runs inside meterdesk. */
  remotePortalUrl: string | null;
  /** The shared secret of the sync protocol. */
  portalSecret: string;
  portalHost: string;
  portalPort: number;
  /** The day of the month the request e-mails go out, and when (dealer's time zone). */
  mailDay: number;
  mailTime: string;
  /** When the nightly sync runs. */
  syncTime: string;
  /** The dealer's contact details: in the e-mails and on the portal's error pages. */
  contact: string;
  /** When the daily backup runs, and how many backups are kept. */
  backupTime: string;
  backupKeep: number;
}

export interface ConfigOverrides {
  portalHost?: string;
  portalPort?: number;
  /**
   * False: a missing portal secret is not made and stored (a job reading the settings again;
   * the secret is one that applies at the next start).
   */
  makeSecret?: boolean;
}

export function webConfig(db: Database, env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): WebConfig {
  const stored = allSettings(db, true);
  // The environment (named in shared/settings-schema.ts) wins over the settings table.
  const pick = (key: string): string | undefined => {
    const envName = SETTINGS_BY_KEY.get(key)?.env;
    const fromEnv = envName ? env[envName] : undefined;
    return fromEnv?.trim() || stored.get(key)?.trim() || undefined;
  };
  // Numbers and times as the settings screen checks them; else the schema's default.
  const checked = (key: string): string => {
    const value = pick(key);
    return value !== undefined && checkSetting(key, value) === null ? value : SETTINGS_BY_KEY.get(key)!.fallback;
  };
  let secret = pick('portal.secret');
  // One sealed by a keychain this process has not (the desktop app's, read from the CLI; a
  // backup restored on another PC) is kept when it pairs a portal on another server — a new
  // one would unpair it. The built-in portal takes a new one: it reads the same settings.
  const pairsRemote = pick('portal.url') !== undefined && sealedSettings(db).includes('portal.secret');
  if (!secret && overrides.makeSecret !== false && !pairsRemote) {
    // The built-in portal and the back-office share a secret made on first use.
    secret = newToken();
    setSetting(db, 'portal.secret', secret);
  }
  const portalHost = overrides.portalHost ?? checked('portal.host');
  const portalPort = overrides.portalPort ?? Number(checked('portal.port'));
  const ownAddress = `http://${portalHost === '0.0.0.0' || portalHost === '::' ? '127.0.0.1' : portalHost}:${portalPort}`;
  return {
    smtpUrl: pick('smtp.url') ?? null,
    mailFrom: pick('mail.from') ?? SETTINGS_BY_KEY.get('mail.from')!.fallback,
    publicUrl: (pick('portal.publicUrl') ?? ownAddress).replace(/\/+$/, ''),
    publicUrlSet: pick('portal.publicUrl') !== undefined,
    remotePortalUrl: pick('portal.url')?.replace(/\/+$/, '') ?? null,
    portalSecret: secret ?? '',
    portalHost,
    portalPort,
    mailDay: Number(checked('mail.day')),
    mailTime: checked('mail.time'),
    syncTime: checked('sync.time'),
    contact: pick('dealer.contact') ?? '',
    backupTime: checked('backup.time'),
    backupKeep: Number(checked('backup.keep')),
  };
}
