/**
 * Issue 6, faults: the customer portal fed garbage for a bounded time — a seeded stream of
 * requests at every route (see garbage.ts) over real HTTP. Every answer is a refusal: a 4xx
 * page in HTML (JSON on the sync routes), no internals; the only exceptions are pages the
 * visitor may see anyway, whose garbage query is ignored (200), and `/` with a live visit
 * (302 to its page). Afterwards the server answers a customer as before and the portal's data
 * (links, devices, counters, entries) is unchanged to the byte.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { openPortalDatabase } from '../../db/portal/store';
import type { WebRuntime } from '../../src-main/jobs/runtime';
import { startWeb } from '../../src-main/node-main';
import { createPortalServer, type PortalServer } from '../../src-main/portal/server';
import { testCore } from '../db/helpers';
import { linkIn, startSmtpSink, Visit, type SmtpSink } from '../web/helpers';
import { garbageRequests, portalContent, problemWith, rawGarbage, sendAll } from './garbage';
import { seededRandom } from './helpers';

const NOW = '2026-11-23T09:30:00Z';
let smtp: SmtpSink | null = null;
let web: WebRuntime | null = null;
let portal: PortalServer | null = null;
let portalDb: Database | null = null;

afterEach(async () => {
  await portal?.stop();
  portalDb?.close();
  await web?.stop();
  await smtp?.stop();
  portal = portalDb = web = smtp = null;
});

describe('the portal fed garbage', () => {
  it('answers 500 seeded garbage requests with refusals, stays up, and keeps its data unchanged', async () => {
    const core = testCore();
    const dataDir = join(core.db.file, '..');
    smtp = await startSmtpSink();
    web = await startWeb(core, dataDir, {
      portal: 'private',
      scheduler: false,
      env: { METERDESK_SMTP_URL: smtp.url },
    });
    await web.sendRequests('2026-11');
    const [mail] = await smtp.waitFor(1);
    const token = linkIn(mail!).slice(-43);

    // A portal on the same database with limits high enough that the garbage reaches the routes
    // (the rate limits themselves are test/http's subject).
    portalDb = openPortalDatabase(join(dataDir, 'portal.sqlite'));
    const instant = new Date(NOW);
    portal = createPortalServer({
      db: portalDb,
      host: '127.0.0.1',
      port: 0,
      syncSecret: 'fuzz-secret',
      now: () => instant,
      limits: { linkLookups: 1e6, posts: 1e6, requests: 1e6 },
    });
    const base = await portal.start();
    const visit = new Visit(base);
    await visit.get(`/l/${token}`);
    expect(visit.status).toBe(200);
    const counterIds = [...visit.page.matchAll(/<tr id="c(\d+)"/g)].map((m) => Number(m[1]));
    expect(counterIds.length).toBeGreaterThan(0);
    // One real value first, so there is an entry to keep.
    expect((await visit.post(`/releve/${counterIds[0]}`, { value: '999999999' })).status).toBe(303);
    await visit.get('/releve');
    const before = portalContent(portalDb);

    const started = performance.now();
    const requests = garbageRequests(
      { base, token, cookie: visit.cookieHeader, csrf: visit.csrf(), counterIds },
      500,
      6,
    );
    const answers = await sendAll(base, requests);
    const random = seededRandom(66);
    const raw = await Promise.all(
      Array.from({ length: 10 }, () =>
        rawGarbage(
          base,
          Uint8Array.from({ length: 1 + Math.floor(random() * 500) }, () =>
            Math.floor(random() * 256),
          ),
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;

    const problems = answers
      .map((answer) => ({
        label: answer.garbage.label,
        path: answer.garbage.path.slice(0, 80),
        problem: problemWith(answer),
      }))
      .filter((p) => p.problem);
    expect(problems).toEqual([]);
    // Every kind of garbage was sent, and most were refused outright.
    expect(new Set(answers.map((a) => a.garbage.label)).size).toBeGreaterThanOrEqual(19);
    expect(answers.filter((a) => a.status >= 400).length).toBeGreaterThan(400);
    // Bytes that are not HTTP: the parser's bare 400 (no route is reached), or the connection closed.
    for (const answer of raw) expect(answer === '' || answer.startsWith('HTTP/1.1 400')).toBe(true);
    expect(seconds).toBeLessThan(10);

    // Still up, still serving the customer, nothing changed.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await visit.get('/releve');
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('999');
    expect(portalContent(portalDb)).toBe(before);
    expect(portalDb.integrityCheck()).toBe('ok');
  });
});
