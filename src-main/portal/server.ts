/**
 * The customer portal (SPEC §4): the one part of meterdesk open to the internet. Server-rendered
 * pages that work without JavaScript, entered through a personal link whose token only the
 * e-mail knows (the database keeps its SHA-256). Defences come from maintained libraries:
 * helmet (headers, CSP), @fastify/csrf-protection (every form POST),
 * @fastify/rate-limit (per client address), @fastify/cookie; bodies are size-limited, and no
 * error detail ever reaches a page. The sync routes (`/sync/*`) take the back-office's shared
 * secret.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../db/database';
import { GroupCommit } from '../../db/group-commit';
import {
  acknowledge,
  collect,
  counterOfLink,
  createSession,
  deleteSession,
  getConfig,
  linkByTokenHash,
  linkDevices,
  publish,
  saveEntry,
  sessionLink,
  type PortalDevice,
  type PortalLink,
} from '../../db/portal/store';
import { addDays, todayIn } from '../../shared/dates';
import { ICON_SVG } from '../../shared/icon';
import { isLanguage, type Language } from '../../shared/models';
import { ackBody, collectBody, publishBody } from '../../shared/portal-sync';
import { checkPortalValue, isLinkValid } from '../../shared/rules/web-reading';
import { logger } from '../core/log';
import { hashToken, newToken, TOKEN_PATTERN } from '../core/web/tokens';
import type { Html } from './html';
import {
  messagePage,
  PORTAL_CSS,
  PORTAL_JS,
  printPage,
  readingsPage,
  readingsPageCut,
  withCsrf,
  type EntryError,
} from './pages';
import { pickLanguage, PORTAL_TEXTS, type PortalTexts } from './texts';

const log = logger('portal');

export const DEFAULT_PORTAL_PORT = 4781;
const SESSION_COOKIE = 'md_session';
/** The customer's language, kept past the visit: the pages after a logout or an ended visit speak it. */
const LANGUAGE_COOKIE = 'md_lang';
const LANGUAGE_DAYS = 60;
const SESSION_HOURS = 8;
/** Visits whose cookie's hash is kept (`sessionHash`); the oldest goes first. */
const SESSION_HASHES_KEPT = 10_000;
/** How long after its end a link (with its values, once stored by the back-office) is kept. */
const LINK_RETENTION_DAYS = 120;
/** Form posts are a token and a number; the sync's publish can be large. */
const FORM_BODY_LIMIT = 4 * 1024;
const SYNC_BODY_LIMIT = 64 * 1024 * 1024;

export interface PortalLimits {
  /** Link look-ups per client address and minute (wrong links are how tokens get guessed). */
  linkLookups: number;
  /** Form posts per client address and minute. */
  posts: number;
  /** Any request per client address and minute. */
  requests: number;
}

export const DEFAULT_PORTAL_LIMITS: PortalLimits = { linkLookups: 20, posts: 60, requests: 600 };

export interface PortalServerOptions {
  db: Database;
  host: string;
  port: number;
  /** The back-office's shared secret; null switches the sync routes off. */
  syncSecret: string | null;
  /** Behind a reverse proxy that terminates HTTPS: trust its X-Forwarded-* headers. */
  trustProxy?: boolean;
  limits?: Partial<PortalLimits>;
  language?: Language;
  now?: () => Date;
}

export interface PortalServer {
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly url: string;
}


class PageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly kind: 'invalid-link' | 'session-over',
  ) {
    super(kind);
  }
}

/** The security headers on every answer (a page, the CSS, a refusal). */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
});

export function createPortalServer(options: PortalServerOptions): PortalServer {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const limits = { ...DEFAULT_PORTAL_LIMITS, ...options.limits };
  const fallbackLanguage = options.language ?? 'fr';
  const secretHash = options.syncSecret ? createHash('sha256').update(options.syncSecret).digest() : null;
  let app: FastifyInstance | null = null;
  let url = '';
  const entryWrites = new GroupCommit(db);

  const contact = () => getConfig(db, 'contact') ?? '';
  const isOver = (link: PortalLink) => link.closed || !isLinkValid(link.validUntil, todayIn(link.timeZone, now()));

  function send(reply: FastifyReply, status: number, page: Html) {
    return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page.text);
  }

  function message(request: FastifyRequest, reply: FastifyReply, status: number, language: Language | null, pick: (t: PortalTexts) => string[]) {
    // The customer's language once they have visited (after a logout, on an ended visit), else the browser's.
    // (No cookies on a request refused before they are read, such as one while the portal closes.)
    const remembered = (request.cookies as Partial<Record<string, string>> | undefined)?.[LANGUAGE_COOKIE];
    const visited = isLanguage(remembered) ? remembered : null;
    const lang = language ?? visited ?? pickLanguage(request.headers['accept-language'], fallbackLanguage);
    const texts = PORTAL_TEXTS[lang];
    return send(reply, status, messagePage(lang, texts, pick(texts), contact()));
  }

  const invalidLink = (request: FastifyRequest, reply: FastifyReply, status = 404) =>
    message(request, reply, status, null, (t) => [t.invalidLink, t.tryAgain, t.linkValidity]);

  /**
   * The hashes of the visits' cookies seen lately: a visit sends its cookie with every request,
   * and hashing it anew each time was a twentieth of a post's time under load.
   */
  const sessionHashes = new Map<string, string>();

  function sessionHash(request: FastifyRequest): string | null {
    const id = request.cookies[SESSION_COOKIE];
    if (!id || !TOKEN_PATTERN.test(id)) return null;
    let hash = sessionHashes.get(id);
    if (hash === undefined) {
      if (sessionHashes.size >= SESSION_HASHES_KEPT) sessionHashes.delete(sessionHashes.keys().next().value!);
      sessionHashes.set(id, (hash = hashToken(id)));
    }
    return hash;
  }

  /**
   * The link in the language the customer picked in the page's header (`/langue/…`, kept in
   * the language cookie), else in the link's own — the customer's correspondence language,
   * which opening the link from the e-mail goes back to.
   */
  function inChosenLanguage(request: FastifyRequest, link: PortalLink): PortalLink {
    const chosen = request.cookies[LANGUAGE_COOKIE];
    return chosen !== link.language && isLanguage(chosen) ? { ...link, language: chosen } : link;
  }

  /** The visit's link, still open, in the language its pages speak; otherwise the page says why. */
  function visit(request: FastifyRequest): PortalLink {
    const hash = sessionHash(request);
    const link = hash ? sessionLink(db, hash, now().toISOString()) : null;
    if (!link) throw new PageError(403, 'session-over');
    if (isOver(link)) throw new PageError(404, 'invalid-link');
    return inChosenLanguage(request, link);
  }

  /**
   * Readings pages as rendered (cut where the CSRF token goes), by the devices they show:
   * `linkDevices` hands out the same frozen array until the database changes, so a page goes
   * with the data it was made of.
   */
  const renderedPages = new WeakMap<PortalDevice[], Map<string, readonly string[]>>();

  function showReadings(reply: FastifyReply, link: PortalLink, editing: number | null, error: EntryError | null, status = 200) {
    const texts = PORTAL_TEXTS[link.language];
    const devices = linkDevices(db, link.id);
    const csrf = reply.generateCsrf();
    if (error) return send(reply, status, readingsPage({ texts, link, devices, csrf, editing, error }));
    // A number that is none of the link's counters opens no field: the same page as none, and
    // no way for `?saisir=…` to fill the cache.
    const open = devices.some((device) => device.counters.some((c) => c.id === editing)) ? editing : null;
    let pages = renderedPages.get(devices);
    if (!pages) renderedPages.set(devices, (pages = new Map<string, readonly string[]>()));
    const key = `${link.id}|${link.language}|${link.validUntil}|${link.customerNumber}|${open ?? ''}`;
    let cut = pages.get(key);
    if (!cut) pages.set(key, (cut = readingsPageCut({ texts, link, devices, editing: open, error: null })));
    return send(reply, status, withCsrf(cut, csrf));
  }

  function requireSecret(request: FastifyRequest) {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? createHash('sha256').update(header.slice(7)).digest() : null;
    if (!secretHash || !given || !timingSafeEqual(given, secretHash)) {
      throw Object.assign(new Error('the sync secret is missing or wrong'), { statusCode: 401 });
    }
  }

  async function build(): Promise<FastifyInstance> {
    const server = Fastify({
      logger: false,
      bodyLimit: FORM_BODY_LIMIT,
      trustProxy: options.trustProxy ?? false,
      return503OnClosing: true,
      // A path the router refuses before any route (a token longer than a route parameter may
      // be, a malformed %-escape) would otherwise be answered in fastify's own JSON, naming
      // its error code: the wrong-link page instead, as for any other wrong link.
      frameworkErrors: (error, request, reply) => {
        log.info({ code: error.code }, 'portal request refused by the router');
        void invalidLink(request, reply, error.code === 'FST_ERR_BAD_URL' ? 400 : 404);
      },
      // The security headers go on the raw response before fastify sees the request, so that
      // every answer carries them: the pages, the router's refusals, and the 503 fastify sends
      // itself to a request that arrives while it closes (no hook runs for those two).
      // helmet's own middleware, built once: @fastify/helmet builds it again on every request
      // (options checked, the CSP parsed anew), a fifth of a page's time under load.
      serverFactory: (handler, settings) => {
        const raw = createServer(settings.http ?? {}, (request, response) =>
          securityHeaders(request, response, () => handler(request, response)),
        );
        // What fastify sets on a server it makes itself.
        const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = settings;
        if (typeof keepAliveTimeout === 'number') raw.keepAliveTimeout = keepAliveTimeout;
        if (typeof requestTimeout === 'number') raw.requestTimeout = requestTimeout;
        if (typeof connectionTimeout === 'number') raw.setTimeout(connectionTimeout);
        if (typeof maxRequestsPerSocket === 'number' && maxRequestsPerSocket > 0) raw.maxRequestsPerSocket = maxRequestsPerSocket;
        return raw;
      },
    });
    await server.register(fastifyRateLimit, { max: limits.requests, timeWindow: 60_000 });
    await server.register(fastifyCookie);
    await server.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' },
    });
    await server.register(fastifyFormbody);
    // Checked before the handler, once the form body is parsed (onRequest would be too early).
    const csrf = server.csrfProtection.bind(server);

    server.get('/portal.css', (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_CSS),
    );
    server.get('/portal.js', (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_JS),
    );
    server.get('/favicon.svg', (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(ICON_SVG),
    );
    server.get('/healthz', (_request, reply) => reply.send({ ok: true }));

    server.get<{ Params: { token: string } }>(
      '/l/:token',
      { config: { rateLimit: { max: limits.linkLookups, timeWindow: 60_000 } } },
      (request, reply) => {
        const { token } = request.params;
        const link = TOKEN_PATTERN.test(token) ? linkByTokenHash(db, hashToken(token)) : null;
        if (!link || isOver(link)) return invalidLink(request, reply);
        const sessionId = newToken();
        const at = now();
        createSession(db, hashToken(sessionId), link.id, at.toISOString(), new Date(at.getTime() + SESSION_HOURS * 3_600_000).toISOString());
        reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: SESSION_HOURS * 3600 });
        reply.setCookie(LANGUAGE_COOKIE, link.language, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: LANGUAGE_DAYS * 86_400 });
        // Shown here rather than after a redirect: a SameSite=Strict cookie set while arriving
        // from a webmail is not sent on the redirect that follows, but is on every click after.
        return showReadings(reply, link, null, null);
      },
    );

    // The header's language links: the visit's pages in that language from now on (a cookie, as
    // the language after a logout); back to the customer's page, or the ended-visit page.
    server.get<{ Params: { language: string } }>('/langue/:language', (request, reply) => {
      const { language } = request.params;
      if (!isLanguage(language)) return invalidLink(request, reply);
      reply.setCookie(LANGUAGE_COOKIE, language, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: LANGUAGE_DAYS * 86_400 });
      return reply.code(303).header('cache-control', 'no-store').redirect('/releve');
    });

    server.get<{ Querystring: { saisir?: string } }>('/releve', (request, reply) => {
      const link = visit(request);
      const editing = Number(request.query.saisir);
      return showReadings(reply, link, Number.isSafeInteger(editing) ? editing : null, null);
    });

    server.post<{ Params: { counterId: string }; Body: { value?: unknown } }>(
      '/releve/:counterId',
      { preHandler: csrf, config: { rateLimit: { max: limits.posts, timeWindow: 60_000 } } },
      async (request, reply) => {
        const counterId = Number(request.params.counterId);
        const text = typeof request.body?.value === 'string' ? request.body.value : '';
        // Judged and written in the transaction that holds it, shared with the posts that arrived
        // with it (db/group-commit.ts): the visit, the counter and its basis as they are there,
        // kept in memory unless something changed them. Answered (303) only once that
        // transaction is committed and on the disk: one sync for them all, off the event loop.
        const outcome = await entryWrites.run(() => {
          const link = visit(request);
          const counter = counterOfLink(db, link.id, counterId);
          if (!counter) return { status: 404 as const, link };
          const at = now();
          const enteredOn = todayIn(link.timeZone, at);
          const check = checkPortalValue(text, counter, enteredOn, link.rule);
          if (!check.ok) return { status: 422 as const, link, check };
          const saved = saveEntry(db, link.id, counterId, { value: check.value, enteredOn, flagged: check.flagged }, at.toISOString());
          // 'locked': entered before, and taken by the sync since.
          return { status: saved === 'saved' ? (303 as const) : (409 as const), link };
        });
        const { link } = outcome;
        if (outcome.status === 422) {
          const texts = PORTAL_TEXTS[link.language];
          const { check } = outcome;
          const messages = {
            required: texts.required,
            'not-whole-number': texts.notWholeNumber,
            negative: texts.notWholeNumber,
            'too-large': texts.tooLarge,
            'below-last': texts.belowLast(String(check.last)),
          };
          return showReadings(reply, link, counterId, { counterId, value: text.slice(0, 40), message: messages[check.code] }, 422);
        }
        if (outcome.status === 409) {
          // Taken by the night's sync since the field was opened: said beside it, not dropped silently.
          const error = { counterId, value: text.slice(0, 40), message: PORTAL_TEXTS[link.language].notSavedTransferred };
          return showReadings(reply, link, null, error, 409);
        }
        if (outcome.status !== 303) return showReadings(reply, link, null, null, outcome.status);
        return reply.code(303).header('cache-control', 'no-store').redirect(`/releve#c${counterId}`);
      },
    );

    // The address a refused value's page leaves in the bar (the form posts to it): reloaded or
    // opened again, the customer's page with that field open, not the invalid-link page.
    server.get<{ Params: { counterId: string } }>('/releve/:counterId', (request, reply) => {
      const counterId = request.params.counterId;
      if (!/^[1-9]\d{0,15}$/.test(counterId)) return invalidLink(request, reply);
      return reply.code(303).header('cache-control', 'no-store').redirect(`/releve?saisir=${counterId}#c${counterId}`);
    });

    server.get('/imprimer', (request, reply) => {
      const link = visit(request);
      return send(reply, 200, printPage(PORTAL_TEXTS[link.language], link, linkDevices(db, link.id), todayIn(link.timeZone, now())));
    });

    server.post('/deconnexion', { preHandler: csrf }, (request, reply) => {
      const hash = sessionHash(request);
      const link = hash ? sessionLink(db, hash, now().toISOString()) : null;
      if (hash) deleteSession(db, hash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return message(request, reply, 200, link ? inChosenLanguage(request, link).language : null, (t) => [t.loggedOut]);
    });

    server.get('/', (request, reply) => {
      const hash = sessionHash(request);
      if (hash && sessionLink(db, hash, now().toISOString())) return reply.redirect('/releve');
      return invalidLink(request, reply);
    });

    // The back-office's side: publish what is due, collect and acknowledge what was entered.
    server.post('/sync/publish', { bodyLimit: SYNC_BODY_LIMIT }, (request) => {
      requireSecret(request);
      const body = publishBody.safeParse(request.body);
      if (!body.success) throw Object.assign(new Error('publish: the body does not match the protocol'), { statusCode: 400 });
      return publish(db, body.data, now().toISOString(), addDays(todayIn('UTC', now()), -LINK_RETENTION_DAYS));
    });
    server.post('/sync/collect', async (request) => {
      requireSecret(request);
      const body = collectBody.safeParse(request.body ?? {});
      if (!body.success) throw Object.assign(new Error('collect: the body does not match the protocol'), { statusCode: 400 });
      // Only what is on the disk is handed over: the posts committed but not yet synced first.
      await entryWrites.durable();
      const again = body.data.again ? { since: body.data.since ?? null } : null;
      return { submissions: collect(db, now().toISOString(), isOver, again), ...(again && { again: true }) };
    });
    server.post('/sync/ack', { bodyLimit: SYNC_BODY_LIMIT }, (request) => {
      requireSecret(request);
      const body = ackBody.safeParse(request.body);
      if (!body.success) throw Object.assign(new Error('ack: the body does not match the protocol'), { statusCode: 400 });
      return { acknowledged: acknowledge(db, body.data.keys, now().toISOString()) };
    });

    server.setNotFoundHandler((request, reply) => invalidLink(request, reply));

    server.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (request.url.startsWith('/sync/')) {
        if (status >= 500) log.error({ err: error, url: request.url }, 'sync request failed');
        return reply.code(status).send({ error: status >= 500 ? 'internal error' : error.message });
      }
      if (error instanceof PageError) {
        return error.kind === 'session-over'
          ? message(request, reply, error.statusCode, null, (t) => [t.sessionOver, t.linkValidity])
          : invalidLink(request, reply, error.statusCode);
      }
      if (status === 429) return message(request, reply, 429, null, (t) => [t.tooMany]);
      // A form sent without its CSRF token, or from an ended visit.
      if (error.code?.startsWith('FST_CSRF')) return message(request, reply, 403, null, (t) => [t.sessionOver]);
      if (status >= 500) log.error({ err: error, url: request.url }, 'portal request failed');
      else log.info({ url: request.url, status, code: error.code }, 'portal request refused');
      return message(request, reply, status, null, (t) => [t.failure]);
    });

    const address = await server.listen({ host: options.host, port: options.port });
    const { port } = server.server.address() as AddressInfo;
    url = options.host === '0.0.0.0' || options.host === '::' ? `http://127.0.0.1:${port}` : address;
    return server;
  }

  return {
    async start() {
      app = await build();
      return url;
    },
    async stop() {
      await app?.close();
      entryWrites.flush();
      // A sync still under way (its posts' visitors gone) finishes before the database closes.
      await entryWrites.durable().catch(() => undefined);
      app = null;
    },
    get url() {
      return url;
    },
  };
}
