/**
 * Browser mode: the back-office API (`POST /api/<name>`) and the built UI, on loopback.
 * SPEC §7: other web pages the clerk has open must not reach it, so requests must carry our
 * own Host (no DNS rebinding) and, when a browser sends one, our own Origin (no cross-site
 * request); only JSON bodies are accepted and no CORS headers are ever sent.
 */
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { Api } from '../../shared/api';
import type { ApiErrorCode } from '../../shared/errors';
import { logger } from '../core/log';
import { dispatch } from '../core/service';

const log = logger('http');

const STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  validation: 422,
  internal: 500,
};

export interface BackOfficeServerOptions {
  api: Api;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (`out/renderer`); null serves the API only. */
  staticDir: string | null;
}

export interface BackOfficeServer {
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly url: string;
}

const IMPORT_BODY_LIMIT = 96 * 1024 * 1024;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

/**
 * The Host header values that name this server (`127.0.0.1:4780`, `localhost:4780`, …). On a
 * wildcard address (`0.0.0.0`, `::`) that is the loopback names, the machine's name and each
 * of its interface addresses; any other name is refused (DNS rebinding).
 */
function ownHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (host === '0.0.0.0' || host === '::') {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address, family } of addresses ?? []) {
        names.add(family === 'IPv6' ? `[${address}]` : address);
      }
    }
  } else if (!isLoopback(host)) {
    names.add(host.includes(':') ? `[${host}]` : host.toLowerCase());
  }
  return new Set([...names].map((name) => `${name}:${port}`));
}

export function createBackOfficeServer(options: BackOfficeServerOptions): BackOfficeServer {
  let app: FastifyInstance | null = null;
  let url = '';

  async function build(): Promise<FastifyInstance> {
    const server = Fastify({ logger: false, bodyLimit: 1024 * 1024, return503OnClosing: true });
    let hosts = new Set<string>();

    server.removeAllContentTypeParsers();
    server.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      server.getDefaultJsonParser('error', 'error'),
    );

    server.addHook('onRequest', async (request, reply) => {
      const host = (request.headers.host ?? '').toLowerCase();
      if (!hosts.has(host)) {
        return reply.code(421).type('text/plain').send('Misdirected request: unknown host');
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) {
        return reply.code(403).type('text/plain').send('Forbidden: cross-origin request');
      }
      // Only JSON reaches the API, also without a body (a bare POST is what a form can send).
      if (request.method === 'POST' && !/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
        return reply.code(415).type('text/plain').send('Unsupported media type: send application/json');
      }
      const site = request.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return reply.code(403).type('text/plain').send('Forbidden: cross-site request');
      }
    });

    await server.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // ag-grid positions rows with inline styles and injects its theme's <style>.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      strictTransportSecurity: false,
    });

    const answer = async (name: string, body: unknown, reply: FastifyReply) => {
      const response = await dispatch(options.api, name, body);
      reply.code(response.ok ? 200 : STATUS[response.error.code]).header('cache-control', 'no-store');
      return response;
    };
    server.post<{ Params: { name: string } }>('/api/:name', (request, reply) =>
      answer(request.params.name, request.body, reply),
    );
    // A dealer's master-data export, base64-encoded, is the one large body the API takes.
    for (const name of ['import-master-preview', 'import-master-run', 'import-readings-preview', 'import-readings-run']) {
      server.post(`/api/${name}`, { bodyLimit: IMPORT_BODY_LIMIT }, (request, reply) => answer(name, request.body, reply));
    }

    server.get('/healthz', (_request, reply) => reply.send({ ok: true }));

    if (options.staticDir && existsSync(options.staticDir)) {
      await server.register(fastifyStatic, {
        root: options.staticDir,
        index: 'index.html',
        cacheControl: false,
        setHeaders: (response, path) => {
          // The build names every asset by its content hash (assets/Grid-BaZ9iCDV.js): a
          // name never changes its content, so the browser keeps it without asking again.
          // index.html names the current ones and is revalidated on every start.
          response.setHeader(
            'cache-control',
            basename(dirname(path)) === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    }

    server.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/')) {
        return reply.code(404).send({ ok: false, error: { code: 'not-found', message: 'no such route' } });
      }
      return reply.code(404).type('text/plain').send('Not found');
    });

    server.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) log.error({ err: error, url: request.url }, 'request failed');
      const message = status === 500 ? 'internal error; see the log' : (error.message ?? 'bad request');
      return reply
        .code(status)
        .send({ ok: false, error: { code: status === 500 ? 'internal' : 'bad-request', message } });
    });

    const address = await server.listen({ host: options.host, port: options.port });
    const { port } = server.server.address() as AddressInfo;
    hosts = ownHosts(options.host, port);
    const wildcard = options.host === '0.0.0.0' || options.host === '::';
    url = isLoopback(options.host) || wildcard ? `http://127.0.0.1:${port}` : address;
    return server;
  }

  return {
    async start() {
      app = await build();
      return url;
    },
    async stop() {
      await app?.close();
      app = null;
    },
    get url() {
      return url;
    },
  };
}
