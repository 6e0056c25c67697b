/** The scheduler catches up what it missed while the app was closed, and only that. */
import { afterEach, describe, expect, it } from 'vitest';
import { setSetting } from '../../db/queries/settings';
import type { WebRuntime } from '../../src-main/jobs/runtime';
import { startWeb } from '../../src-main/node-main';
import { retryDelayMinutes } from '../../src-main/jobs/web-jobs';
import { testCore } from '../db/helpers';
import { startSmtpSink, Visit, type SmtpSink } from './helpers';
import { join } from 'node:path';
import { Database } from '../../db/database';
import { backupNow, restore } from '../../src-main/jobs/backup';
import { PORTAL_DATABASE } from '../../src-main/jobs/runtime';
import { hashToken } from '../../src-main/core/web/tokens';

let web: WebRuntime | null = null;
let smtp: SmtpSink | null = null;
afterEach(async () => {
  await web?.stop();
  await smtp?.stop();
  web = null;
  smtp = null;
});

async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/** `demoAt`: the demo data as of that day (its last readings the month before), the clock at `now`. */
async function start(lastRuns: Record<string, string>, now?: string, demoAt?: string) {
  // Now: Monday 23 November 2026, 10:30 in Zurich — after the 20th's e-mails and 02:00's sync.
  const core = demoAt
    ? testCore({ dir: testCore({ now: demoAt }).db.file.replace(/\/[^/]+$/, ''), demo: false, ...(now ? { now } : {}) })
    : testCore(now ? { now } : {});
  for (const [job, at] of Object.entries(lastRuns)) setSetting(core.db, `jobs.${job}.lastRun`, at);
  smtp = await startSmtpSink();
  const dir = core.db.file.replace(/\/[^/]+$/, '');
  web = await startWeb(core, dir, {
    portal: 'private',
    scheduler: true,
    env: { METERDESK_SMTP_URL: smtp.url },
  });
  return core;
}

const count = (core: ReturnType<typeof testCore>, table: string) => core.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;

describe('the scheduler', () => {
  it('sends the period’s e-mails and syncs on start when the app was closed at their times', async () => {
    const core = await start({ requests: '2026-11-19T12:00:00.000Z', sync: '2026-11-22T00:00:00.000Z' });
    expect(await until(() => smtp!.mails.length === 2)).toBe(true);
    expect(await until(() => count(core, 'sync_runs') > 0)).toBe(true);
    expect(count(core, 'web_links')).toBe(2);
  });

  it("catches up the missed month's e-mails, not the month it starts in; none once their links have ended", async () => {
    // Closed from the 19th of November to the 2nd of December: November's links still work until the 4th.
    // November is not read yet (the data as the office left it on the 19th).
    const core = await start({ requests: '2026-11-19T12:00:00.000Z', sync: '2026-12-02T00:30:00.000Z' }, '2026-12-02T09:30:00Z', '2026-11-19T12:00:00Z');
    expect(await until(() => smtp!.mails.length === 2)).toBe(true);
    expect(core.db.all<{ period: string }>('SELECT DISTINCT period FROM web_links')).toEqual([{ period: '2026-11' }]);
  });

  it('sends no e-mail of a missed month whose links have ended', async () => {
    const core = await start({ requests: '2026-11-19T12:00:00.000Z', sync: '2026-12-06T00:30:00.000Z' }, '2026-12-06T09:30:00Z');
    await new Promise((r) => setTimeout(r, 600));
    expect(smtp!.mails).toHaveLength(0);
    expect(count(core, 'web_links')).toBe(0);
  });

  it('does nothing on start when the jobs ran at their last times', async () => {
    const core = await start({ requests: '2026-11-20T06:05:00.000Z', sync: '2026-11-23T01:05:00.000Z' });
    await new Promise((r) => setTimeout(r, 600));
    expect(smtp!.mails).toHaveLength(0);
    expect(count(core, 'sync_runs')).toBe(0);
    expect(count(core, 'web_links')).toBe(0);
  });

  it('on a first start only notes the time, so a new installation mails nobody by surprise', async () => {
    const core = await start({});
    await new Promise((r) => setTimeout(r, 600));
    expect(count(core, 'web_links')).toBe(0);
    expect(core.db.get<{ value: string }>(`SELECT value FROM settings WHERE key = 'jobs.requests.lastRun'`)?.value).toBe('2026-11-23T09:30:00.000Z');
  });

  it('publishes to the portal on start: a portal restored from a backup no longer takes a link replaced since', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    const env = { METERDESK_PUBLIC_URL: 'http://portal.invalid' };
    const first = await startWeb(core, dir, { portal: 'private', scheduler: false, env });
    const old = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    const backup = await backupNow(core.db, dir, 3);
    // The customer's link handed over again (the old one had gone astray): the old one is closed.
    const current = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    await first.stop();
    // The portal's database restored from the backup, in which the old link is still open.
    restore(dir, backup.portalFile!);

    web = await startWeb(core, dir, { portal: 'private', scheduler: true, env });
    // Once the start's publication is in the portal's database, the old link shows nothing.
    const portalDb = Database.open({ file: join(dir, PORTAL_DATABASE), readonly: true });
    const tokenOf = (url: string) => hashToken(new URL(url).pathname.split('/').at(-1)!);
    const published = () => portalDb.get('SELECT 1 FROM links WHERE token_hash = ?', [tokenOf(current.url)]) !== undefined;
    try {
      expect(await until(published)).toBe(true);
    } finally {
      portalDb.close();
    }
    const devicesShown = async (url: string) => {
      const visit = new Visit(web!.portalUrl!);
      await visit.get(new URL(url).pathname);
      return visit.page.includes('3.022.790');
    };
    expect(await devicesShown(old.url)).toBe(false);
    expect(await devicesShown(current.url)).toBe(true);
  });

  it('retries failed e-mails with a growing delay, at most six hours', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMinutes)).toEqual([5, 10, 20, 40, 360]);
  });
});
