import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../shared/api';
import { startBrowserMode, type BrowserMode } from '../../src-main/node-main';
import { tempDir } from '../db/helpers';

let running: BrowserMode | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function start(): Promise<BrowserMode> {
  const dataDir = tempDir();
  const staticDir = join(dataDir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>meterdesk</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'index-Cj5C_Mij.js'), 'export {};');
  running = await startBrowserMode({ dataDir, host: '127.0.0.1', port: 0, portalPort: 0, staticDir, demo: true, author: 'http-test' });
  return running;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so the test controls Host and Origin as an attacker would. */
function send(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const json = { 'content-type': 'application/json' };

describe('browser mode over HTTP (SPEC §7)', () => {
  it('answers the API with the typed envelope', async () => {
    const { url } = await start();
    const answer = await send(url, { method: 'POST', path: '/api/devices-search', headers: json, body: '{"query":"V9713800086"}' });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { ok: boolean; value: { rows: Array<{ equipmentId: string }> } };
    expect(body.ok).toBe(true);
    expect(body.value.rows.map((row) => row.equipmentId)).toEqual(['3.033.923']);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('lets the browser keep the hashed assets and revalidate index.html', async () => {
    const { url } = await start();
    const asset = await send(url, { path: '/assets/index-Cj5C_Mij.js' });
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const index = await send(url, { path: '/' });
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers.etag).toBeDefined();
  });

  it('serves the UI with a strict content security policy and no CORS', async () => {
    const { url } = await start();
    const answer = await send(url, { path: '/' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<title>meterdesk</title>');
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send(url, { method: 'OPTIONS', path: '/api/app-info', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a foreign Host (DNS rebinding) before anything runs', async () => {
    const { url } = await start();
    const answer = await send(url, { method: 'POST', path: '/api/app-info', headers: { ...json, host: 'evil.example:4780' }, body: '{}' });
    expect(answer.status).toBe(421);
  });

  it('refuses cross-origin and cross-site requests, accepts its own origin', async () => {
    const { url } = await start();
    const { port } = new URL(url);
    const foreign = await send(url, { method: 'POST', path: '/api/app-info', headers: { ...json, origin: 'http://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const site = await send(url, { method: 'POST', path: '/api/app-info', headers: { ...json, 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(site.status).toBe(403);
    const own = await send(url, { method: 'POST', path: '/api/app-info', headers: { ...json, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }, body: '{}' });
    expect(own.status).toBe(200);
  });

  it('accepts only JSON bodies: a form post from another page cannot reach the API', async () => {
    const { url } = await start();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await send(url, { method: 'POST', path: '/api/readings-save', headers: { 'content-type': type }, body: 'a=b' });
      expect(answer.status).toBe(415);
    }
  });

  it('answers the period overview a page at a time, with the counts apart', async () => {
    const { url } = await start();
    const post = async <N extends 'period-counts' | 'period-rows'>(name: N, args: unknown) => {
      const answer = await send(url, { method: 'POST', path: `/api/${name}`, headers: json, body: JSON.stringify(args) });
      return { status: answer.status, body: JSON.parse(answer.body) as { ok: boolean; value: ApiResult<N> } };
    };
    const period = new Date().toISOString().slice(0, 7);
    const counts = await post('period-counts', { period });
    expect(counts.status).toBe(200);
    const total = counts.body.value.total;
    expect(total).toBeGreaterThan(1);
    expect(counts.body.value.counts.missing).toBe(total);
    const first = await post('period-rows', { period, startRow: 0, endRow: 1, sort: [{ colId: 'equipmentId', sort: 'desc' }] });
    expect(first.body.value).toMatchObject({ startRow: 0, lastRow: null });
    expect(first.body.value.rows).toHaveLength(1);
    const rest = await post('period-rows', { period, startRow: 1, endRow: 100, sort: [{ colId: 'equipmentId', sort: 'desc' }] });
    expect(rest.body.value.lastRow).toBe(total);
    const ids = [...first.body.value.rows, ...rest.body.value.rows].map((row) => row.equipmentId);
    expect(ids).toEqual([...ids].sort().reverse());
    expect((await post('period-rows', { period, startRow: 0, endRow: 100_000 })).status).toBe(400);
  });

  it('answers bad input with a clear 4xx and never a stack trace', async () => {
    const { url } = await start();
    const broken = await send(url, { method: 'POST', path: '/api/app-info', headers: json, body: '{"oops' });
    expect(broken.status).toBe(400);
    expect(broken.body).not.toMatch(/at .*\.(ts|js):\d+/);
    const unknown = await send(url, { method: 'POST', path: '/api/drop-tables', headers: json, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const malformed = await send(url, { method: 'POST', path: '/api/readings-save', headers: json, body: '{"equipmentId":"3.022.790"}' });
    expect(malformed.status).toBe(400);
    const huge = await send(url, { method: 'POST', path: '/api/devices-search', headers: json, body: JSON.stringify({ query: 'x'.repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
  });

  it('refuses a reading below the old counter with 422 and the field issue', async () => {
    const { url } = await start();
    const answer = await send(url, {
      method: 'POST',
      path: '/api/readings-save',
      headers: json,
      body: JSON.stringify({
        equipmentId: '3.022.790',
        date: '2026-01-01',
        validFrom: '2026-01-01',
        validTo: '2026-01-31',
        counters: [{ kind: 'black', old: 0, new: 12_305, extraFree: 0 }],
      }),
    });
    expect(answer.status).toBe(422);
    const body = JSON.parse(answer.body) as { error: { issues: Array<{ field: string }> } };
    expect(body.error.issues.map((issue) => issue.field)).toContain('black.new');
  });
});

describe('browser mode on every address (--host 0.0.0.0)', () => {
  it('answers under the loopback names and refuses foreign hosts and bare posts', async () => {
    const dataDir = tempDir();
    running = await startBrowserMode({ dataDir, host: '0.0.0.0', port: 0, portalPort: 0, staticDir: null, demo: false, author: 'http-test' });
    const { url } = running;
    const { port } = new URL(url);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const own = await send(url, { method: 'POST', path: '/api/app-info', headers: json, body: '{}' });
    expect(own.status).toBe(200);
    const named = await send(url, { method: 'POST', path: '/api/app-info', headers: { ...json, host: `localhost:${port}` }, body: '{}' });
    expect(named.status).toBe(200);
    const foreign = await send(url, { method: 'POST', path: '/api/app-info', headers: { ...json, host: `attacker.example:${port}` }, body: '{}' });
    expect(foreign.status).toBe(421);
    const bare = await send(url, { method: 'POST', path: '/api/demo-load' });
    expect(bare.status).toBe(415);
    const stillEmpty = await send(url, { method: 'POST', path: '/api/app-info', headers: json, body: '{}' });
    expect(JSON.parse(stillEmpty.body)).toMatchObject({ ok: true, value: { empty: true } });
  });
});
