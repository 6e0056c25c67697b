/**
 * Where web reading's settings come from: the environment first (a server's deployment),
 * then the database's settings table, then the defaults. Secrets stay in the main process:
 * nothing here reaches the renderer.
 */
import type { Database } from '../../db/database';
import { allSettings, setSetting } from '../../db/queries/settings';
import { newToken } from '../core/web/tokens';
import { DEFAULT_PORTAL_PORT } from '../portal/server';

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

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface ConfigOverrides {
  portalHost?: string;
  portalPort?: number;
}

export function webConfig(db: Database, env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): WebConfig {
  const stored = allSettings(db);
  const pick = (key: string, envName?: string): string | undefined => {
    const fromEnv = envName ? env[envName] : undefined;
    return fromEnv?.trim() || stored.get(key)?.trim() || undefined;
  };
  let secret = pick('portal.secret', 'METERDESK_PORTAL_SECRET');
  if (!secret) {
    // The built-in portal and the back-office share a secret made on first use.
    secret = newToken();
    setSetting(db, 'portal.secret', secret);
  }
  const portalHost = overrides.portalHost ?? pick('portal.host') ?? '127.0.0.1';
  const portalPort = overrides.portalPort ?? Number(pick('portal.port') ?? DEFAULT_PORTAL_PORT);
  const mailDay = Number(pick('mail.day') ?? 20);
  const time = (key: string, fallback: string) => {
    const value = pick(key);
    return value && TIME.test(value) ? value : fallback;
  };
  const ownAddress = `http://${portalHost === '0.0.0.0' || portalHost === '::' ? '127.0.0.1' : portalHost}:${portalPort}`;
  return {
    smtpUrl: pick('smtp.url', 'METERDESK_SMTP_URL') ?? null,
    mailFrom: pick('mail.from', 'METERDESK_MAIL_FROM') ?? 'meterdesk <meterdesk@localhost>',
    publicUrl: (pick('portal.publicUrl', 'METERDESK_PUBLIC_URL') ?? ownAddress).replace(/\/+$/, ''),
    publicUrlSet: pick('portal.publicUrl', 'METERDESK_PUBLIC_URL') !== undefined,
    remotePortalUrl: pick('portal.url', 'METERDESK_PORTAL_URL')?.replace(/\/+$/, '') ?? null,
    portalSecret: secret,
    portalHost,
    portalPort,
    mailDay: Number.isInteger(mailDay) && mailDay >= 1 && mailDay <= 28 ? mailDay : 20,
    mailTime: time('mail.time', '07:00'),
    syncTime: time('sync.time', '02:00'),
    contact: pick('dealer.contact') ?? '',
    backupTime: time('backup.time', '01:30'),
    backupKeep: Math.max(1, Math.floor(Number(pick('backup.keep') ?? 14)) || 14),
  };
}
