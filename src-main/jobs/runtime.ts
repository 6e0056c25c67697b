/**
 * Web reading as it runs beside the back-office (desktop main process, browser mode): the
 * built-in portal server on its own port (unless the portal runs on another server), the
 * jobs, and the scheduler — e-mails on the 20th, the nightly sync, retries of failed
 * e-mails — which catches up on start what it missed while the app was closed.
 */
import { Cron } from 'croner';
import { join } from 'node:path';
import type { Database } from '../../db/database';
import { openPortalDatabase } from '../../db/portal/store';
import { allSettings, setSetting } from '../../db/queries/settings';
import { lastSyncRun } from '../../db/queries/web';
import { todayIn } from '../../shared/dates';
import { isLinkValid, linkValidUntil, periodOf, type Period } from '../../shared/rules/web-reading';
import { settingsOf, today, type CoreContext } from '../core/context';
import { logger } from '../core/log';
import { openPeriod } from '../core/web/web-reading';
import { createPortalServer, type PortalServer } from '../portal/server';
import { backupNow } from './backup';
import type { HandedOverLink, RequestOptions } from '../../shared/api';
import type { WebConfig } from './config';
import {
  deliverQueued,
  httpPortalClient,
  publish,
  runSync,
  handOverLinkNow,
  sendRequests,
  smtpMailer,
  type DeliveryReport,
  type Mailer,
  type PortalClient,
  type SendReport,
  type SyncReport,
} from './web-jobs';

const log = logger('web');

export const PORTAL_DATABASE = 'portal.sqlite';

export interface WebRuntime {
  /** Where this process's built-in portal listens; null when the portal runs elsewhere. */
  portalUrl: string | null;
  config: WebConfig;
  sync(): Promise<SyncReport>;
  /** `period` left out: this month. */
  sendRequests(period?: Period, options?: RequestOptions): Promise<SendReport>;
  handOverLink(customerNumber: string, period?: Period): Promise<HandedOverLink>;
  deliverQueued(): Promise<DeliveryReport>;
  stop(): Promise<void>;
}

export interface WebRuntimeOptions {
  core: CoreContext;
  dataDir: string;
  config: WebConfig;
  /**
   * 'serve': run the built-in portal on its configured address (the app). 'private': run it on
   * a free loopback port for this process only (a CLI command while the app may be running:
   * both use the same portal database). Ignored when the portal is remote.
   */
  portal: 'serve' | 'private';
  scheduler: boolean;
  /** Where the portal database's migrations are (the packaged app ships them beside the bundle). */
  portalMigrationsDir?: string;
  /**
   * The settings as they are now (`webConfig`), read again for each job: those that need no
   * restart (the SMTP server, the sender, the public address, the contact details, the
   * backups kept) apply to the next job. Without it, `config` stays as given.
   */
  reload?: () => WebConfig;
}

/** The settings a job reads again: the schema marks the others as applying at the next start. */
function live(config: WebConfig, fresh: WebConfig, ownPublicUrl: string | null): WebConfig {
  return {
    ...config,
    smtpUrl: fresh.smtpUrl,
    mailFrom: fresh.mailFrom,
    publicUrl: fresh.publicUrlSet || ownPublicUrl === null ? fresh.publicUrl : ownPublicUrl,
    publicUrlSet: fresh.publicUrlSet,
    contact: fresh.contact,
    backupKeep: fresh.backupKeep,
  };
}

/** Runs jobs one after another, so a sync and a send never interleave. */
function serialiser() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const next = tail.then(job, job);
    tail = next.catch(() => undefined);
    return next;
  };
}

export async function startWebReading(options: WebRuntimeOptions): Promise<WebRuntime> {
  const { core } = options;
  const config = { ...options.config };
  let portal: PortalServer | null = null;
  let portalDb: Database | null = null;
  let client: PortalClient;
  let portalUrl: string | null = null;
  let ownPublicUrl: string | null = null;
  if (config.remotePortalUrl) {
    client = httpPortalClient(config.remotePortalUrl, config.portalSecret);
  } else {
    portalDb = openPortalDatabase(join(options.dataDir, PORTAL_DATABASE), options.portalMigrationsDir);
    const serve = options.portal === 'serve';
    portal = createPortalServer({
      db: portalDb,
      host: serve ? config.portalHost : '127.0.0.1',
      port: serve ? config.portalPort : 0,
      syncSecret: config.portalSecret,
      language: settingsOf(core).language,
      now: core.now,
    });
    try {
      portalUrl = await portal.start();
    } catch (error) {
      portalDb.close();
      throw error;
    }
    client = httpPortalClient(portalUrl, config.portalSecret);
    // The links point to the portal where it really listens (a port picked at start).
    if (serve) ownPublicUrl = portalUrl;
    if (serve && !config.publicUrlSet) config.publicUrl = portalUrl;
  }
  const run = serialiser();
  const current = (): WebConfig => (options.reload ? live(config, options.reload(), ownPublicUrl) : config);
  // One pooled mailer per SMTP server: a new one when the setting changes.
  let mailer: { url: string; mailer: Mailer } | null = null;
  const mailerOf = ({ smtpUrl }: WebConfig): Mailer | null => {
    if (mailer && mailer.url !== smtpUrl) {
      mailer.mailer.close();
      mailer = null;
    }
    if (smtpUrl && !mailer) mailer = { url: smtpUrl, mailer: smtpMailer(smtpUrl) };
    return mailer?.mailer ?? null;
  };
  const withConfig = <T>(job: (config: WebConfig, mailer: Mailer | null) => Promise<T>) =>
    run(() => {
      const now = current();
      return job(now, mailerOf(now));
    });
  const runtime: WebRuntime = {
    portalUrl,
    config,
    sync: () => withConfig((now) => runSync(core, now, client)),
    sendRequests: (period, opts) =>
      withConfig((now, mail) => sendRequests(core, now, client, mail, period ?? periodOf(today(core)), opts)),
    handOverLink: (customerNumber, period) =>
      withConfig((now) => handOverLinkNow(core, now, client, period ?? openPeriod(core), customerNumber)),
    deliverQueued: () => withConfig((now, mail) => deliverQueued(core, now, client, mail)),
    async stop() {
      for (const job of jobs) job.stop();
      mailer?.mailer.close();
      await portal?.stop();
      portalDb?.close();
    },
  };

  const jobs: Cron[] = [];
  if (options.scheduler) {
    const timezone = settingsOf(core).timeZone;
    const at = (time: string) => time.split(':').map(Number) as [number, number];
    const [mailHour, mailMinute] = at(config.mailTime);
    const [syncHour, syncMinute] = at(config.syncTime);
    const [backupHour, backupMinute] = at(config.backupTime);
    const logged = (name: string, job: () => Promise<unknown>) => async () => {
      try {
        const result = await job();
        setSetting(core.db, `jobs.${name}.lastRun`, core.now().toISOString());
        log.info({ job: name, result }, 'scheduled job done');
      } catch (error) {
        log.error({ job: name, err: (error as Error).message }, 'scheduled job failed; it runs again at its next time');
      }
    };
    const schedule: Array<{ name: string; pattern: string; job: (due: Date) => Promise<unknown> }> = [
      // The month of the run that was due: one caught up on the 2nd of December is November's,
      // sent while its links still work, else left (December's go out on its own 20th).
      {
        name: 'requests',
        pattern: `${mailMinute} ${mailHour} ${config.mailDay} * *`,
        job: (due: Date) => {
          const period = periodOf(todayIn(timezone, due));
          if (!isLinkValid(linkValidUntil(period), today(core))) {
            log.info({ period }, "the missed request e-mails' links have ended: not sent");
            return Promise.resolve(null);
          }
          return runtime.sendRequests(period);
        },
      },
      { name: 'sync', pattern: `${syncMinute} ${syncHour} * * *`, job: () => runtime.sync() },
      { name: 'retry', pattern: '*/15 * * * *', job: () => runtime.deliverQueued() },
      { name: 'backup', pattern: `${backupMinute} ${backupHour} * * *`, job: () => backupNow(core.db, options.dataDir, current().backupKeep, core.now()) },
    ];
    const stored = allSettings(core.db);
    for (const { name, pattern, job } of schedule) {
      const cron = new Cron(pattern, { timezone, protect: true }, logged(name, () => job(core.now())));
      jobs.push(cron);
      if (name === 'retry') continue;
      // Catch up what was missed while the app was closed; a first start only notes the time.
      const previous = cron.previousRuns(1, core.now())[0];
      const lastRun = name === 'sync' ? (lastSyncRun(core.db, true)?.startedAt ?? stored.get('jobs.sync.lastRun')) : stored.get(`jobs.${name}.lastRun`);
      if (!lastRun) setSetting(core.db, `jobs.${name}.lastRun`, core.now().toISOString());
      else if (previous && lastRun < previous.toISOString()) {
        log.info({ job: name, missed: previous.toISOString() }, 'catching up a job missed while meterdesk was closed');
        void logged(name, () => job(previous))();
      }
    }
    void logged('retry', () => runtime.deliverQueued())();
    // What the portal knows, set right on start: a portal restored from a backup would accept
    // links replaced since, until the night's sync. (The queued e-mails' retry publishes too,
    // but only when there are any.)
    void withConfig((now) => publish(core, now, client)).then(
      (links) => log.info({ links }, 'published to the portal on start'),
      (error: unknown) => log.warn({ err: error }, 'could not publish to the portal on start; the next sync will'),
    );
  }
  return runtime;
}
