/**
 * The customer portal's defences over real HTTP (SPEC §4): CSRF on every form post, rate
 * limits on link look-ups, body size limits, links that stop working (tampered, expired,
 * replaced), the security headers and cookies, the portal database's anonymity, the sync
 * routes' shared secret, and the refusal of values that are not whole numbers. No mocks: a
 * real core with the demo data, a real SMTP sink, real portal servers on loopback ports.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { openPortalDatabase } from '../../db/portal/store';
import { hashToken } from '../../src-main/core/web/tokens';
import type { WebRuntime } from '../../src-main/jobs/runtime';
import { startWeb, type OpenedCore } from '../../src-main/node-main';
import { createPortalServer, type PortalLimits, type PortalServer } from '../../src-main/portal/server';
import { tempDir, testCore } from '../db/helpers';
import { linkIn, startSmtpSink, Visit, type SmtpSink } from '../web/helpers';

const PUBLIC_URL = 'http://portal.invalid';
const INVALID_LINK = "Le lien utilisé est incorrect ou n'est plus valable.";
/** A French-speaking customer's browser: pages without a visit follow Accept-Language. */
const FRENCH = { 'accept-language': 'fr-CH,fr;q=0.9' };
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let smtp: SmtpSink;
let web: WebRuntime | null = null;
const portals: PortalServer[] = [];
const databases: Database[] = [];
const dirs: string[] = [];

beforeEach(async () => {
  smtp = await startSmtpSink();
});

// Runs before test/db/helpers' afterEach (hooks unwind in reverse), so every server and
// connection is closed before the core's folder is removed.
afterEach(async () => {
  for (const portal of portals.splice(0)) await portal.stop();
  await web?.stop();
  web = null;
  for (const db of databases.splice(0)) db.close();
  await smtp.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

interface Requested {
  core: OpenedCore;
  dataDir: string;
  portalFile: string;
  runtime: WebRuntime;
  /** The raw tokens from the e-mails, as only the customers know them. */
  token999999: string;
  token200117: string;
}

function tokenFromMail(address: string): string {
  const mail = smtp.mails.filter((m) => (m.to as { text: string }).text.includes(address)).at(-1);
  if (!mail) throw new Error(`no e-mail to ${address}`);
  const url = linkIn(mail);
  expect(url.startsWith(`${PUBLIC_URL}/l/`)).toBe(true);
  return url.slice(-43);
}

/** A core with the demo data, the built-in portal, and the November request e-mails sent. */
async function requested(): Promise<Requested> {
  const core = testCore();
  const dataDir = dirname(core.db.file);
  web = await startWeb(core, dataDir, {
    portal: 'private',
    scheduler: false,
    env: { METERDESK_SMTP_URL: smtp.url, METERDESK_PUBLIC_URL: PUBLIC_URL },
  });
  const report = await web.sendRequests('2026-11');
  expect(report.delivery.sent).toHaveLength(2);
  await smtp.waitFor(2);
  return {
    core,
    dataDir,
    portalFile: join(dataDir, 'portal.sqlite'),
    runtime: web,
    token999999: tokenFromMail('client999999@example.com'),
    token200117: tokenFromMail('accounts@harbourprint.example'),
  };
}

/** A portal of its own on an empty database (for what needs no published data). */
async function standalonePortal(options: { syncSecret?: string | null; limits?: Partial<PortalLimits> } = {}): Promise<string> {
  const dir = tempDir();
  dirs.push(dir);
  const db = openPortalDatabase(join(dir, 'portal.sqlite'));
  databases.push(db);
  const portal = createPortalServer({
    db,
    host: '127.0.0.1',
    port: 0,
    syncSecret: options.syncSecret === undefined ? 's3cret' : options.syncSecret,
    limits: options.limits,
  });
  portals.push(portal);
  return portal.start();
}

/** Another portal server on an existing portal database file, with its own clock. */
async function portalAt(file: string, now: string): Promise<string> {
  const db = openPortalDatabase(file);
  databases.push(db);
  const instant = new Date(now);
  const portal = createPortalServer({ db, host: '127.0.0.1', port: 0, syncSecret: null, now: () => instant });
  portals.push(portal);
  return portal.start();
}

/** A second connection to a portal database, to look at what it holds. */
function portalDb(file: string): Database {
  const db = openPortalDatabase(file);
  databases.push(db);
  return db;
}

function entryCount(file: string): number {
  return portalDb(file).get<{ n: number }>('SELECT count(*) AS n FROM entries')!.n;
}

/** The page's text as a reader sees it: tags dropped, entities decoded. */
function textOf(page: string): string {
  return page
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Nothing of the server's insides: no stack frames, no source or install paths, no error names. */
function expectNoLeak(body: string) {
  expect(body).not.toMatch(/^\s*at\s/m);
  expect(body).not.toMatch(/\bat \S+ \(/);
  expect(body).not.toMatch(/\.(ts|js|mjs|cjs):\d+/);
  expect(body).not.toMatch(/node_modules|node:internal|file:\/\//);
  expect(body).not.toContain(process.cwd());
  expect(body).not.toMatch(/\bstack\b/i);
  expect(body).not.toMatch(/\b[A-Z]\w*Error\b/);
  expect(body).not.toMatch(/FST_/);
}

function randomToken(): string {
  let token = '';
  for (let i = 0; i < 43; i++) token += BASE64URL[Math.floor(Math.random() * BASE64URL.length)];
  return token;
}

/** The token with one character changed. */
function tampered(token: string, at = 20): string {
  const original = token[at]!;
  const replacement = BASE64URL[(BASE64URL.indexOf(original) + 1) % BASE64URL.length]!;
  return token.slice(0, at) + replacement + token.slice(at + 1);
}

function lastCounter(page: string, counterId: number, label = 'Dernier compteur'): number {
  return Number(new RegExp(`id="c${counterId}"[\\s\\S]*?${label} (\\d+)`).exec(page)![1]);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, sent in chunks without Content-Length when asked to. */
function rawRequest(
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: string[] },
): Promise<Answer> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // The server may answer and close before the whole body is written.
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------

describe('CSRF on the reading form', () => {
  it('refuses a post without the _csrf field or with a wrong token (403) and stores nothing', async () => {
    const { runtime, portalFile, token999999, token200117 } = await requested();
    const visit = new Visit(runtime.portalUrl!);
    await visit.get(`/l/${token999999}`);
    expect(visit.status).toBe(200);
    expect(visit.cookieHeader).toContain('md_session=');
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const value = String(lastCounter(visit.page, id) + 100);

    // No token at all, with the session cookie.
    await visit.get(`/releve?saisir=${id}`);
    expect(visit.status).toBe(200);
    const realToken = visit.csrf();
    await visit.post(`/releve/${id}`, { value }, false);
    expect(visit.status).toBe(403);
    expectNoLeak(visit.page);
    expect(entryCount(portalFile)).toBe(0);

    // A made-up token.
    await visit.post(`/releve/${id}`, { _csrf: 'not-the-token', value }, false);
    expect(visit.status).toBe(403);
    expect(entryCount(portalFile)).toBe(0);

    // A well-formed token, but another visitor's (another CSRF secret).
    const other = new Visit(runtime.portalUrl!);
    await other.get(`/l/${token200117}`);
    expect(other.status).toBe(200);
    await visit.post(`/releve/${id}`, { _csrf: other.csrf(), value }, false);
    expect(visit.status).toBe(403);
    // The real token, one character changed.
    await visit.post(`/releve/${id}`, { _csrf: tampered(realToken, 5), value }, false);
    expect(visit.status).toBe(403);
    expect(entryCount(portalFile)).toBe(0);

    // Control: the same post with the page's own token is stored.
    await visit.get(`/releve?saisir=${id}`);
    const saved = await visit.post(`/releve/${id}`, { value });
    expect(saved.status).toBe(303);
    expect(entryCount(portalFile)).toBe(1);
  });
});

describe('wrong links', () => {
  it('answers 404 with the invalid-link page, then 429 once the look-up limit (20 a minute) is reached', async () => {
    const url = await standalonePortal();
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${url}/l/${randomToken()}`);
      expect(response.status, `look-up ${i + 1}`).toBe(404);
      const page = await response.text();
      expect(textOf(page)).toContain(INVALID_LINK);
      expectNoLeak(page);
    }
    const limited = await fetch(`${url}/l/${randomToken()}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('text/html');
    const page = await limited.text();
    expect(textOf(page)).toContain('Trop de tentatives');
    expect(textOf(page)).not.toContain(INVALID_LINK);
    expectNoLeak(page);
  });
});

describe('body size limits', () => {
  it('refuses a 100 KB form post with 413 and no error detail', async () => {
    const url = await standalonePortal();
    const response = await fetch(`${url}/releve/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `value=${'9'.repeat(100 * 1024)}`,
    });
    expect(response.status).toBe(413);
    const page = await response.text();
    expect(textOf(page)).toContain('Une erreur est survenue');
    expectNoLeak(page);
  });

  it('refuses a body just over 4 KB with 413, also when it comes in chunks without Content-Length', async () => {
    const url = await standalonePortal();
    const body = `value=1&filler=${'x'.repeat(4 * 1024)}`;
    const declared = await rawRequest(url, {
      method: 'POST',
      path: '/releve/1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
      chunks: [body],
    });
    expect(declared.status).toBe(413);
    expectNoLeak(declared.body);

    const chunked = await rawRequest(url, {
      method: 'POST',
      path: '/releve/1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      chunks: [body.slice(0, 2048), body.slice(2048)],
    });
    expect(chunked.status).toBe(413);
    expectNoLeak(chunked.body);
  });
});

describe('links that no longer work', () => {
  it('shows the invalid-link page for a token with one character changed', async () => {
    const { runtime, token999999 } = await requested();
    for (const at of [0, 20, 42]) {
      const response = await fetch(`${runtime.portalUrl}/l/${tampered(token999999, at)}`, { headers: FRENCH, redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(response.headers.get('set-cookie') ?? '').not.toContain('md_session');
      const page = await response.text();
      expect(textOf(page)).toContain(INVALID_LINK);
      expect(page).not.toContain('999999');
    }
    // Control: the token as e-mailed opens the page.
    const real = await fetch(`${runtime.portalUrl}/l/${token999999}`, { redirect: 'manual' });
    expect(real.status).toBe(200);
    expect(await real.text()).toContain('N° DU CLIENT : 999999');
  });

  it('works through 4 December (Zurich) and not after, also for a visit opened before', async () => {
    const { portalFile, token999999 } = await requested();
    // 23:30 in Zurich on the 4th: still valid.
    const lastEvening = await portalAt(portalFile, '2026-12-04T22:30:00Z');
    const visit = new Visit(lastEvening);
    await visit.get(`/l/${token999999}`);
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('N° DU CLIENT : 999999');
    expect(textOf(visit.page)).toContain("Ce lien est valable jusqu'au 04.12.2026.");
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    await visit.get(`/releve?saisir=${id}`);
    const csrf = visit.csrf();
    const value = String(lastCounter(visit.page, id) + 100);

    // 00:30 in Zurich on the 5th: the link is over.
    const expired = await portalAt(portalFile, '2026-12-05T00:30:00+01:00');
    const fresh = new Visit(expired);
    await fresh.get(`/l/${token999999}`);
    expect(fresh.status).toBe(404);
    expect(textOf(fresh.page)).toContain(INVALID_LINK);
    expect(fresh.cookieHeader).not.toContain('md_session');

    // The visit opened at 23:30 (its session lasts 8 hours) ends with the link.
    const cookie = visit.cookieHeader;
    expect(cookie).toContain('md_session=');
    const page = await fetch(`${expired}/releve`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(404);
    expect(textOf(await page.text())).toContain(INVALID_LINK);
    const post = await fetch(`${expired}/releve/${id}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, value }),
      redirect: 'manual',
    });
    expect(post.status).toBe(404);
    expect(await post.text()).not.toContain('N° DU CLIENT');
    expect(entryCount(portalFile)).toBe(0);
  });

  it('invalidates the old link and its open visit once the e-mail is resent', async () => {
    const { runtime, portalFile, token999999 } = await requested();
    const oldVisit = new Visit(runtime.portalUrl!);
    await oldVisit.get(`/l/${token999999}`);
    expect(oldVisit.status).toBe(200);
    const id = oldVisit.counterId('3.022.790', 'Compteur Noir-blanc');
    await oldVisit.get(`/releve?saisir=${id}`);
    const csrf = oldVisit.csrf();
    const value = String(lastCounter(oldVisit.page, id) + 100);

    const resent = await runtime.sendRequests('2026-11', { resend: true });
    expect(resent.planned.map((p) => p.customerNumber).sort()).toEqual(['200117', '999999']);
    await smtp.waitFor(4);
    await runtime.sync();
    const newToken = tokenFromMail('client999999@example.com');
    expect(newToken).not.toBe(token999999);

    const old = await fetch(`${runtime.portalUrl}/l/${token999999}`, { headers: FRENCH, redirect: 'manual' });
    expect(old.status).toBe(404);
    expect(textOf(await old.text())).toContain(INVALID_LINK);

    // The visit opened with the old link is over too, and cannot store anything.
    await oldVisit.get('/releve');
    expect([403, 404]).toContain(oldVisit.status);
    expect(oldVisit.page).not.toContain('N° DU CLIENT');
    await oldVisit.post(`/releve/${id}`, { _csrf: csrf, value }, false);
    expect([403, 404]).toContain(oldVisit.status);
    expect(entryCount(portalFile)).toBe(0);

    const current = await fetch(`${runtime.portalUrl}/l/${newToken}`, { redirect: 'manual' });
    expect(current.status).toBe(200);
    expect(await current.text()).toContain('N° DU CLIENT : 999999');
  });
});

describe('security headers and cookies', () => {
  function expectSecurityHeaders(response: Response) {
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  }

  it('links its icon, served as SVG (no browser asks for a /favicon.ico it does not have)', async () => {
    const { runtime, token999999 } = await requested();
    const page = await (await fetch(`${runtime.portalUrl}/l/${token999999}`)).text();
    expect(page).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
    const icon = await fetch(`${runtime.portalUrl}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^]*<\/svg>$/);
  });

  it('sends CSP, nosniff, no-referrer and no-store, and a HttpOnly SameSite=Strict session cookie', async () => {
    const { runtime, token999999 } = await requested();
    const response = await fetch(`${runtime.portalUrl}/l/${token999999}`, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.startsWith('md_session='));
    expect(session, cookies.join('\n')).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Strict/i);
    const csrfCookie = cookies.find((cookie) => cookie.startsWith('_csrf='));
    expect(csrfCookie).toBeDefined();
    expect(csrfCookie).toMatch(/;\s*HttpOnly/i);
    expect(csrfCookie).toMatch(/;\s*SameSite=Strict/i);

    // The pages that follow, and the invalid-link page, carry the same headers.
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const readings = await fetch(`${runtime.portalUrl}/releve`, { headers: { cookie }, redirect: 'manual' });
    expect(readings.status).toBe(200);
    expectSecurityHeaders(readings);
    const printed = await fetch(`${runtime.portalUrl}/imprimer`, { headers: { cookie }, redirect: 'manual' });
    expect(printed.status).toBe(200);
    expectSecurityHeaders(printed);
    const invalid = await fetch(`${runtime.portalUrl}/l/${randomToken()}`, { redirect: 'manual' });
    expect(invalid.status).toBe(404);
    expectSecurityHeaders(invalid);

    // Paths the router refuses before any route (a malformed %-escape, a token too long for
    // a route parameter): the invalid-link page, with the same headers.
    for (const path of ['/l/%zz', `/l/${'A'.repeat(5000)}`]) {
      const refused = await rawRequest(runtime.portalUrl!, { method: 'GET', path, headers: FRENCH });
      expect([400, 404], path.slice(0, 20)).toContain(refused.status);
      expect(refused.body).toContain(INVALID_LINK.replace("'", '&#39;').slice(0, 20));
      expect(String(refused.headers['content-security-policy']), path.slice(0, 20)).toContain("default-src 'none'");
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      expect(refused.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

/** Resolves once a new connection to `url` is refused: the server has stopped listening. */
async function refusedAt(url: URL): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect(Number(url.port), url.hostname);
      probe.once('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url.href} still takes connections`);
}

describe('a request that arrives while the portal closes', () => {
  it('is refused (503) with the same security headers', async () => {
    const db = openPortalDatabase(join(tempDir(), 'portal.sqlite'));
    databases.push(db);
    const portal = createPortalServer({ db, host: '127.0.0.1', port: 0, syncSecret: null });
    const url = new URL(await portal.start());
    const socket = connect(Number(url.port), url.hostname);
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = once(socket, 'close');
    // A post whose body is still coming keeps the connection busy while the server closes
    // (its "100 Continue" shows that the server has taken the request)...
    socket.write(
      'POST /deconnexion HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        'Content-Length: 5\r\nExpect: 100-continue\r\n\r\nab',
    );
    for (let wait = 0; !received.includes('100 Continue') && wait < 500; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = portal.stop();
    await refusedAt(url);
    // ...then its body ends, and a second request follows on the same connection.
    socket.write('c=1GET /portal.css HTTP/1.1\r\nHost: portal\r\n\r\n');
    await closed;
    await stopped;
    const answers = received.split(/(?=HTTP\/1\.1 )/).filter((answer) => !answer.startsWith('HTTP/1.1 100'));
    expect(answers.map((answer) => answer.slice(9, 12))).toEqual(['403', '503']);
    const refusal = answers[1]!.toLowerCase();
    expect(refusal).toContain("content-security-policy: default-src 'none'");
    expect(refusal).toContain('x-content-type-options: nosniff');
    expect(refusal).toContain('referrer-policy: no-referrer');
  });
});

describe('anonymity of the portal', () => {
  it('keeps no customer name, e-mail address or raw token in portal.sqlite or on any page', async () => {
    const { runtime, portalFile, token999999, token200117 } = await requested();
    const pages: string[] = [];
    const visit = new Visit(runtime.portalUrl!);
    await visit.get(`/l/${token999999}`);
    expect(visit.status).toBe(200);
    pages.push(visit.page);
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const last = lastCounter(visit.page, id);
    await visit.get(`/releve?saisir=${id}`);
    pages.push(visit.page);
    expect((await visit.post(`/releve/${id}`, { value: String(last + 100) })).status).toBe(303);
    pages.push(visit.page);
    await visit.get('/imprimer');
    expect(visit.status).toBe(200);
    pages.push(visit.page);

    const english = new Visit(runtime.portalUrl!);
    await english.get(`/l/${token200117}`);
    expect(english.status).toBe(200);
    pages.push(english.page);
    const colour = english.counterId('3.200.117', 'Colour counter');
    await english.get(`/releve?saisir=${colour}`);
    pages.push(english.page);
    const colourValue = String(lastCounter(english.page, colour, 'Last counter') + 50);
    expect((await english.post(`/releve/${colour}`, { value: colourValue })).status).toBe(303);
    pages.push(english.page);

    const report = await runtime.sync();
    expect(report.applied).toBe(1);
    await visit.get('/releve');
    pages.push(visit.page);

    const sessionId = /md_session=([^;]+)/.exec(visit.cookieHeader)![1]!;
    const forbidden = ['fiduciaire', 'léman', 'harbour', 'client999999@example.com', 'harbourprint', '@example'];
    const files = [portalFile, `${portalFile}-wal`].filter((file) => existsSync(file));
    expect(files).toContain(portalFile);
    for (const file of files) {
      const bytes = readFileSync(file);
      const lower = bytes.toString('utf8').toLowerCase();
      for (const word of forbidden) expect(lower.includes(word), `${word} in ${file}`).toBe(false);
      for (const raw of [token999999, token200117, sessionId]) expect(bytes.includes(raw), `a raw token in ${file}`).toBe(false);
    }
    // Control: the files read are the ones holding the published data and the hashes.
    const all = Buffer.concat(files.map((file) => readFileSync(file))).toString('utf8');
    expect(all).toContain('PH RICOH MP2550CSP');
    expect(all).toContain(hashToken(token999999));
    for (const page of pages) {
      const lower = page.toLowerCase();
      for (const word of forbidden) expect(lower.includes(word), `${word} on a page`).toBe(false);
    }

    const db = portalDb(portalFile);
    const links = db.all<Record<string, unknown>>('SELECT * FROM links');
    expect(links).toHaveLength(2);
    for (const link of links) expect(link.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(links.map((link) => link.token_hash).sort()).toEqual([hashToken(token999999), hashToken(token200117)].sort());
    const everything = JSON.stringify([links, db.all('SELECT * FROM sessions'), db.all('SELECT * FROM portal_config')]);
    for (const raw of [token999999, token200117, sessionId]) expect(everything).not.toContain(raw);
    expect(db.all<{ id_hash: string }>('SELECT id_hash FROM sessions').map((s) => s.id_hash)).toContain(hashToken(sessionId));
  });
});

describe('the sync routes', () => {
  async function syncCall(url: string, path: string, authorization?: string) {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: path === '/sync/ack' ? '{"keys":[]}' : '{}',
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  }

  it('answers 401 in JSON without detail when the bearer secret is missing or wrong', async () => {
    const url = await standalonePortal({ syncSecret: 's3cret' });
    for (const authorization of [undefined, '', 'Bearer wrong', 'Bearer s3cret2', 'Bearer S3CRET', 'bearer s3cret', 'Basic s3cret', 's3cret', 'Bearer ']) {
      for (const path of ['/sync/collect', '/sync/publish', '/sync/ack']) {
        const answer = await syncCall(url, path, authorization);
        expect(answer.status, `${path} with ${JSON.stringify(authorization)}`).toBe(401);
        expect(answer.type).toContain('application/json');
        const body = JSON.parse(answer.text) as Record<string, unknown>;
        expect(typeof body.error).toBe('string');
        expect(body).not.toHaveProperty('stack');
        expectNoLeak(answer.text);
      }
    }
    // Control: the right secret is let in.
    const allowed = await syncCall(url, '/sync/collect', 'Bearer s3cret');
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.text)).toEqual({ submissions: [] });
  });

  it('lets nobody in when the portal has no sync secret', async () => {
    const url = await standalonePortal({ syncSecret: null });
    for (const authorization of [undefined, 'Bearer ', 'Bearer null', 'Bearer s3cret']) {
      const answer = await syncCall(url, '/sync/collect', authorization);
      expect(answer.status).toBe(401);
      expectNoLeak(answer.text);
    }
  });
});

describe('values that are not whole numbers', () => {
  it.each(['12a', '3,5', '-4'])('refuses %j with 422 and "nombre entier", storing nothing', async (value) => {
    const { runtime, portalFile, token999999 } = await requested();
    const visit = new Visit(runtime.portalUrl!);
    await visit.get(`/l/${token999999}`);
    expect(visit.status).toBe(200);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', value)).toBe(422);
    expect(visit.page).toContain('✘ Echec !');
    expect(visit.page).toContain('nombre entier');
    expectNoLeak(visit.page);
    expect(entryCount(portalFile)).toBe(0);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', `${value} `)).toBe(422);
    expect(entryCount(portalFile)).toBe(0);
  });
});
