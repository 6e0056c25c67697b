/**
 * A server for bench/web.ts to load, in a process of its own so that autocannon (in the
 * bench's process) never shares an event loop with what it measures. Prints its URL as one
 * JSON line on stdout and runs until killed.
 *
 *   node --import tsx bench/load-target.ts bare <answers.json>
 *   node --import tsx bench/load-target.ts portal <portal.sqlite>
 */
import { readFileSync } from 'node:fs';
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

/** An answer as the portal gave it: what the bare handler sends back. */
export interface RecordedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * The baseline: a bare node:http handler that reads the request's body and sends back the
 * portal's own answer to that method (status, headers and page, recorded once): the same
 * bytes on the wire, with none of the work of making them.
 */
async function bare(answersFile: string): Promise<string> {
  const answers = JSON.parse(readFileSync(answersFile, 'utf8')) as Record<string, RecordedAnswer>;
  const server = createServer((request, response) => {
    const answer = answers[request.method ?? ''];
    request.resume();
    request.on('end', () => {
      if (!answer) {
        response.writeHead(405).end();
        return;
      }
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
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
if ((kind === 'bare' || kind === 'portal') && file) {
  const url = kind === 'bare' ? await bare(file) : await portal(file);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  // A normal exit on SIGTERM, so that `node --cpu-prof` writes its profile.
  process.once('SIGTERM', () => process.exit(0));
} else {
  process.stderr.write('usage: load-target.ts bare <answers.json> | portal <portal.sqlite>\n');
  process.exit(2);
}
