/**
 * A server for bench/web.ts to load, in a process of its own so that autocannon (in the
 * bench's process) never shares an event loop with what it measures. Prints its URL as one
 * JSON line on stdout and runs until killed.
 *
 *   node --import tsx bench/load-target.ts bare
 *   node --import tsx bench/load-target.ts portal <portal.sqlite>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openPortalDatabase } from '../db/portal/store';
import { createPortalServer, type PortalLimits } from '../src-main/portal/server';

/**
 * The portal's per-address limits (20 link look-ups, 60 posts, 600 requests a minute) would
 * answer 429 within the first second of a load test from one address: the bench raises them
 * through the server's own `limits` option. The plugin still counts every request.
 */
const UNLIMITED: PortalLimits = { linkLookups: 1e9, posts: 1e9, requests: 1e9 };

/** The baseline: a bare node:http handler answering a small HTML page, body read first. */
const BARE_PAGE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Relevé des compteurs</title></head>
<body><h1>N° DU CLIENT : 999999</h1><table><tr><th>Compteur</th><th>Dernier compteur</th></tr>
<tr><td>Noir-blanc</td><td>344'805</td></tr><tr><td>Couleur</td><td>44'200</td></tr></table></body></html>`;

async function bare(): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(BARE_PAGE);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function portal(file: string): Promise<string> {
  const db = openPortalDatabase(file);
  return createPortalServer({
    db,
    host: '127.0.0.1',
    port: 0,
    syncSecret: null,
    limits: UNLIMITED,
  }).start();
}

const [kind, file] = process.argv.slice(2);
if (kind === 'bare' || (kind === 'portal' && file)) {
  const url = kind === 'bare' ? await bare() : await portal(file!);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  // A normal exit on SIGTERM, so that `node --cpu-prof` writes its profile.
  process.once('SIGTERM', () => process.exit(0));
} else {
  process.stderr.write('usage: load-target.ts bare | portal <portal.sqlite>\n');
  process.exit(2);
}
