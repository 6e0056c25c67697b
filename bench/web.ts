/**
 * Issue 6, rows 5 and 6: web reading under volume.
 *
 * 5. The sync of 10,000 web values (5,000 colour devices × Schwarz + Farbe) from the portal
 *    into the back-office, end to end: `runSync` as the scheduler runs it — publish, collect,
 *    store in one transaction, acknowledge — over loopback HTTP to a real portal server.
 *    Beside it, a bare better-sqlite3 insert of the same readings and counter rows.
 * 6. The portal under load (autocannon, 50 connections): a customer's page and a value post,
 *    req/s and p99, beside a bare node:http handler under the same load in the same run that
 *    sends back the portal's own answers (the same status, headers and page, recorded once):
 *    the ratio is the portal's work, not the size of its page.
 *
 * Both build their own fresh databases (in the OS temp folder, removed afterwards: where that
 * is a tmpfs, a sync costs nothing and row 6's post measures less than it names) instead
 * of using the shared dealer-scale one: the sync writes 5,000 readings dated today, which
 * would change what the other rows measure, and a second run on the same month would find
 * every device recorded already and measure only the kept-aside path.
 *
 *   npx tsx bench/web.ts [--devices 5000] [--duration 5] [--rounds 3] [--connections 50] [--only sync|portal]
 */
import autocannon from 'autocannon';
// The baseline is the driver itself, without meterdesk's wrapper: nothing else uses it so.
import BetterSqlite3 from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Database } from '../db/database';
import { openPortalDatabase, publish, saveEntry } from '../db/portal/store';
import { addDays, todayIn } from '../shared/dates';
import type { IsoDate } from '../shared/models';
import type { PublishBody } from '../shared/portal-sync';
import { DEFAULT_PLAUSIBILITY } from '../shared/rules/plausibility';
import { linkValidUntil, periodOf } from '../shared/rules/web-reading';
import { buildPublication, planRequests } from '../src-main/core/web/web-reading';
import { hashToken, newToken } from '../src-main/core/web/tokens';
import { webConfig } from '../src-main/jobs/config';
import { httpPortalClient, runSync, type PortalClient } from '../src-main/jobs/web-jobs';
import { openCore } from '../src-main/node-main';
import { createPortalServer, type PortalServer } from '../src-main/portal/server';
import { writeDealer } from './dealer-data';
import type { RecordedAnswer } from './load-target';
import { formatTable, machine, quantile, type BenchRow } from './table';

/** bench/context.ts's type, restated until it exists. */
type BenchContext = { dataDir: string; core: ReturnType<typeof openCore>; today: string };

export interface WebBenchOptions {
  /** Colour devices whose two counters the customers enter: 5,000 make 10,000 values. */
  devices: number;
  /** Seconds of each autocannon run (after a 2 s warm-up). */
  duration: number;
  /** Runs of each load on the bare handler and on the portal, taking turns. */
  rounds: number;
  connections: number;
  only: 'sync' | 'portal' | null;
}

export const DEFAULT_OPTIONS: WebBenchOptions = {
  devices: 5000,
  duration: 5,
  rounds: 3,
  connections: 50,
  only: null,
};

const ROOT = resolve(import.meta.dirname, '..');
const DEVICES_PER_CUSTOMER = 6;

export async function rows(
  ctx: BenchContext,
  options: WebBenchOptions = DEFAULT_OPTIONS,
): Promise<BenchRow[]> {
  const result: BenchRow[] = [];
  if (options.only !== 'portal') result.push(await syncRow(ctx.today, options.devices));
  if (options.only !== 'sync') result.push(...(await portalRows(options)));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Row 5: the sync

type Phases = Partial<Record<'publish' | 'collect' | 'ack', number>>;

/** The sync client, timing each of its calls (HTTP and the portal's side of it). */
function timedClient(client: PortalClient, phases: Phases): PortalClient {
  const timed =
    <A extends unknown[], R>(phase: keyof Phases, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await call(...args);
      } finally {
        phases[phase] = performance.now() - started;
      }
    };
  return {
    publish: timed('publish', (body: PublishBody) => client.publish(body)),
    collect: timed('collect', () => client.collect()),
    ack: timed('ack', (keys: string[]) => client.ack(keys)),
  };
}

/**
 * Every published counter gets a customer's value, through the portal store's saveEntry (the
 * code the portal's form post runs, without HTTP: the load on the form is row 6's). One outer
 * transaction only to spare 10,000 fsyncs while preparing; it is not timed.
 */
function enterValues(portalDb: Database, enteredOn: IsoDate, at: string): number {
  const counters = portalDb.all<{
    linkId: number;
    counterId: number;
    kind: string;
    lastValue: number;
  }>(
    'SELECT d.link_id AS linkId, c.id AS counterId, c.kind, c.last_value AS lastValue FROM counters c JOIN devices d ON d.id = c.device_id',
  );
  return portalDb.transaction(() => {
    for (const counter of counters) {
      const value = counter.lastValue + (counter.kind === 'black' ? 1500 : 250);
      const saved = saveEntry(
        portalDb,
        counter.linkId,
        counter.counterId,
        { value, enteredOn, flagged: false },
        at,
      );
      if (saved !== 'saved')
        throw new Error(`the portal store did not take counter ${counter.counterId}: ${saved}`);
    }
    return counters.length;
  });
}

/**
 * The bare baseline: the same number of reading and counter rows inserted with better-sqlite3
 * in one transaction, into a fresh file with the back-office's own table definitions and
 * indexes (read from its schema) and its pragmas (WAL, synchronous FULL); no foreign keys, as
 * the devices are not there.
 */
function bareInsert(
  core: Database,
  file: string,
  readings: number,
  countersPerReading: number,
  day: IsoDate,
): number {
  const schema = core.all<{ sql: string }>(
    `SELECT sql FROM sqlite_master WHERE tbl_name IN ('readings', 'reading_counters') AND sql IS NOT NULL ORDER BY type DESC, name`,
  );
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = OFF');
    for (const { sql } of schema) raw.exec(sql);
    const reading = raw.prepare(
      `INSERT INTO readings (device_id, date, status, valid_from, valid_to, source, author, created_at, updated_at)
       VALUES (?, ?, '01', ?, ?, 'web', 'web 200001', ?, ?)`,
    );
    const counter = raw.prepare(
      'INSERT INTO reading_counters (reading_id, kind, old_value, new_value) VALUES (?, ?, ?, ?)',
    );
    const kinds = ['black', 'color', 'scan', 'free1', 'free2'];
    const stamp = `${day}T09:00:00.000Z`;
    const started = performance.now();
    raw.transaction(() => {
      for (let i = 1; i <= readings; i++) {
        const id = Number(
          reading.run(i, day, `${day.slice(0, 8)}01`, day, stamp, stamp).lastInsertRowid,
        );
        for (let k = 0; k < countersPerReading; k++)
          counter.run(id, kinds[k], 100_000 + i, 101_500 + i);
      }
    })();
    return performance.now() - started;
  } finally {
    raw.close();
  }
}

export async function syncRow(today: IsoDate, devices: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-sync-'));
  const instant = new Date(`${today}T09:00:00.000Z`);
  const core = openCore({ dataDir: dir, author: 'bench', version: 'bench', now: () => instant });
  const portalDb = openPortalDatabase(join(dir, 'portal.sqlite'));
  let portal: PortalServer | null = null;
  try {
    const written = writeDealer(core.db, {
      devices,
      devicesPerCustomer: DEVICES_PER_CUSTOMER,
      allColour: true,
      months: 12,
      webReading: true,
      recordedEvery: 0,
      today,
    });
    const config = webConfig(core.db, {});
    portal = createPortalServer({
      db: portalDb,
      host: '127.0.0.1',
      port: 0,
      syncSecret: config.portalSecret,
      now: () => instant,
    });
    const client = httpPortalClient(await portal.start(), config.portalSecret, 300_000);
    const plan = planRequests(core.context, periodOf(today));
    await client.publish(buildPublication(core.context, config.contact));
    const values = enterValues(portalDb, today, instant.toISOString());
    // runSync builds the publication again inside its timing; timed alone here to split it off.
    const buildStarted = performance.now();
    buildPublication(core.context, config.contact);
    const build = performance.now() - buildStarted;

    const phases: Phases = {};
    const started = performance.now();
    const report = await runSync(core.context, config, timedClient(client, phases));
    const total = performance.now() - started;

    const stored = core.db.get<{ readings: number; counters: number }>(
      `SELECT count(*) AS readings, (SELECT count(*) FROM reading_counters rc JOIN readings r ON r.id = rc.reading_id WHERE r.source = 'web') AS counters
         FROM readings WHERE source = 'web'`,
    )!;
    if (report.collected !== devices || report.applied !== devices || stored.counters !== values) {
      throw new Error(
        `the sync did not store every value: ${JSON.stringify({ report: { ...report, keys: report.keys.length }, stored, values })}`,
      );
    }
    const baseline = bareInsert(
      core.db,
      join(dir, 'bare.sqlite'),
      stored.readings,
      values / devices,
      today,
    );
    const local = total - (phases.publish ?? 0) - (phases.collect ?? 0) - (phases.ack ?? 0);
    const s = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
    return {
      name:
        `sync of ${values.toLocaleString('en-US')} web values (${devices.toLocaleString('en-US')} devices, ${plan.planned.length} links, 12 months of history), ` +
        `runSync end to end over loopback HTTP, values entered via the portal store's saveEntry ` +
        `(building the publication ≈ ${s(build)}, publish ${s(phases.publish)}, collect ${s(phases.collect)}, apply ≈ ${s(local - build)}, ack ${s(phases.ack)}); ` +
        `${written.readings.toLocaleString('en-US')} readings before`,
      value: total,
      unit: 'ms',
      baselineName: `bare better-sqlite3 insert of the same ${stored.readings.toLocaleString('en-US')} readings + ${stored.counters.toLocaleString('en-US')} counter rows, one transaction`,
      baseline,
      goal: '< 3 s',
      met: total < 3000,
    };
  } finally {
    await portal?.stop();
    portalDb.close();
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Row 6: the portal under load

interface Target {
  url: string;
  child: ChildProcess;
}

/** Starts bench/load-target.ts in a process of its own and waits for its URL. */
function startTarget(args: string[]): Promise<Target> {
  const child = spawn(
    process.execPath,
    [
      // METERDESK_BENCH_PROFILE=dir: a CPU profile of each load target, written when it stops.
      ...(process.env.METERDESK_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.METERDESK_BENCH_PROFILE}`] : []),
      '--import',
      'tsx',
      join(ROOT, 'bench', 'load-target.ts'),
      ...args,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, METERDESK_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`load target ${args[0]} did not start:\n${output}`)),
      20_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^\{.*\}$/m.exec(output);
      if (line) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line[0]) as { url: string }).url, child });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load target ${args[0]} exited with ${code}:\n${output}`));
    });
  });
}

function stopTarget(target: Target | null): Promise<void> {
  if (!target || target.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    target.child.once('exit', () => resolve());
    target.child.kill('SIGTERM');
  });
}

/** One customer's link as the back-office publishes it: six colour copiers, as in scale.ts. */
function publication(token: string, today: IsoDate): PublishBody {
  const lastDate = addDays(today, -30);
  return {
    contact: 'Copieurs SA, 021 000 00 00',
    links: [
      {
        tokenHash: hashToken(token),
        customerNumber: '999999',
        period: periodOf(today),
        language: 'fr',
        validUntil: linkValidUntil(periodOf(today)),
        timeZone: 'Europe/Zurich',
        closed: false,
        rule: DEFAULT_PLAUSIBILITY,
        devices: Array.from({ length: DEVICES_PER_CUSTOMER }, (_, i) => ({
          ref: i + 1,
          model: 'PH RICOH MP2550CSP',
          position: String(i + 1).padStart(4, '0'),
          location: 'REZ - COMPTABILITÉ',
          equipmentId: `3.022.79${i}`,
          serialNumber: `659450106${i}`,
          counters: [
            { kind: 'black' as const, lastDate, lastValue: 344_805 + i, averageDaily: 80 },
            { kind: 'color' as const, lastDate, lastValue: 44_200 + i, averageDaily: 20 },
          ],
        })),
      },
    ],
  };
}

interface Visit {
  cookie: string;
  /** The form post of a value: body and headers as the browser sends them. */
  post: { path: string; body: string };
  /** The portal's answers to the page and the post, for the bare handler to send back. */
  answers: { GET: RecordedAnswer; POST: RecordedAnswer };
}

/** What the server sends on its own with every answer, left to the bare handler's node:http. */
const CONNECTION_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

async function recorded(response: Response): Promise<RecordedAnswer> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    if (!CONNECTION_HEADERS.has(name) && name !== 'set-cookie') headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return { status: response.status, headers, body: await response.text() };
}

/**
 * Opens the link as the customer's browser does: the session and CSRF cookies and the form's
 * token; then records the page and a post's answer as the load will get them.
 */
async function openLink(portalUrl: string, token: string, lastValue: number): Promise<Visit> {
  const response = await fetch(`${portalUrl}/l/${token}`, { redirect: 'manual' });
  const page = await response.text();
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  const counterId = /<tr id="c(\d+)"/.exec(page)?.[1];
  if (response.status !== 200 || !cookie.includes('md_session=') || !csrf || !counterId) {
    throw new Error(`the link did not open a customer's page (${response.status})`);
  }
  const post = {
    path: `/releve/${counterId}`,
    body: new URLSearchParams({ _csrf: csrf, value: String(lastValue + 1000) }).toString(),
  };
  // The same value posted again is a re-entry the portal accepts (303), until the sync takes it.
  const check = await fetch(`${portalUrl}${post.path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: post.body,
    redirect: 'manual',
  });
  if (check.status !== 303) throw new Error(`the portal refused the value post: ${check.status}`);
  const again = await fetch(`${portalUrl}/releve`, { headers: { cookie } });
  if (again.status !== 200) throw new Error(`the portal did not show the page again: ${again.status}`);
  return { cookie, post, answers: { GET: await recorded(again), POST: await recorded(check) } };
}

interface Load {
  rate: number;
  p99: number;
}

type LoadRequest = { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string };

async function loadOnce(url: string, request: LoadRequest, expected: '2xx' | '3xx', connections: number, duration: number): Promise<Load> {
  const result = await autocannon({ url, connections, duration, ...request });
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  if (result[expected] !== answered || result.errors > 0 || answered === 0) {
    throw new Error(
      `${request.method} ${url}: expected only ${expected}, got 2xx ${result['2xx']}, 3xx ${result['3xx']}, 4xx ${result['4xx']}, 5xx ${result['5xx']}, errors ${result.errors}`,
    );
  }
  return { rate: result.requests.average, p99: result.latency.p99 };
}

/**
 * The same load on the bare handler and on the portal, taking turns (after a 2 s warm-up of
 * each): on a machine of two cores the rate one run gets varies by a quarter from run to run,
 * and turns spread that over both. The median rate of the rounds, and the worst p99.
 */
async function loadInTurns(
  urls: { bare: string; portal: string },
  request: LoadRequest,
  expected: '2xx' | '3xx',
  options: WebBenchOptions,
): Promise<{ bare: Load; portal: Load }> {
  const runs = { bare: [] as Load[], portal: [] as Load[] };
  for (const target of ['bare', 'portal'] as const) await loadOnce(urls[target], request, expected, options.connections, 2);
  for (let round = 0; round < options.rounds; round++) {
    for (const target of ['bare', 'portal'] as const) {
      runs[target].push(await loadOnce(urls[target], request, expected, options.connections, options.duration));
    }
  }
  const summary = (loads: Load[]): Load => ({ rate: quantile(loads.map((l) => l.rate), 0.5), p99: Math.max(...loads.map((l) => l.p99)) });
  return { bare: summary(runs.bare), portal: summary(runs.portal) };
}

export async function portalRows(options: WebBenchOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-portal-'));
  const file = join(dir, 'portal.sqlite');
  // The portal's own clock decides whether a link is open: publish for the real today.
  const today = todayIn('Europe/Zurich');
  const token = newToken();
  const body = publication(token, today);
  const db = openPortalDatabase(file);
  publish(db, body, new Date().toISOString(), addDays(today, -120));
  db.close();
  let bare: Target | null = null;
  let portal: Target | null = null;
  try {
    portal = await startTarget(['portal', file]);
    const visit = await openLink(
      portal.url,
      token,
      body.links[0]!.devices[0]!.counters[0]!.lastValue,
    );
    const answers = join(dir, 'answers.json');
    writeFileSync(answers, JSON.stringify(visit.answers));
    bare = await startTarget(['bare', answers]);
    const get = { method: 'GET' as const, headers: { cookie: visit.cookie } };
    const post = {
      method: 'POST' as const,
      headers: { cookie: visit.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: visit.post.body,
    };
    const gets = await loadInTurns({ bare: `${bare.url}/releve`, portal: `${portal.url}/releve` }, get, '2xx', options);
    const path = visit.post.path;
    const posts = await loadInTurns({ bare: `${bare.url}${path}`, portal: `${portal.url}${path}` }, post, '3xx', options);

    const how = `${options.connections} connections, median of ${options.rounds} runs of ${options.duration} s taking turns with the bare handler, worst p99; loopback; rate limits raised through createPortalServer's limits option`;
    const bareName = (what: keyof Visit['answers']) =>
      `bare node:http handler sending the portal's own answer (${visit.answers[what].status}, ${Buffer.byteLength(visit.answers[what].body).toLocaleString('en-US')}-byte body, same headers), same load`;
    const rows = (what: string, method: keyof Visit['answers'], measured: Load, baseline: Load): BenchRow[] => [
      {
        name: `portal ${what} (${how})`,
        value: measured.rate,
        unit: 'req/s',
        baselineName: bareName(method),
        baseline: baseline.rate,
        goal: '≥ ⅓ bare',
        met: measured.rate >= baseline.rate / 3,
      },
      {
        name: `portal ${what}, p99 latency`,
        value: measured.p99,
        unit: 'ms',
        baselineName: `${bareName(method)}, p99`,
        baseline: baseline.p99,
        goal: '< 50 ms',
        met: measured.p99 < 50,
      },
    ];
    return [
      ...rows(
        `GET /releve, a customer's page (${DEVICES_PER_CUSTOMER} devices × 2 counters, session cookie)`,
        'GET',
        gets.portal,
        gets.bare,
      ),
      ...rows(
        'POST /releve/:counter, a value re-entered (CSRF token + cookie, 303 once committed and on the disk; posts arriving together share one transaction and one fdatasync, group commit)',
        'POST',
        posts.portal,
        posts.bare,
      ),
    ];
  } finally {
    await stopTarget(portal);
    await stopTarget(bare);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: String(DEFAULT_OPTIONS.devices) },
      duration: { type: 'string', default: String(DEFAULT_OPTIONS.duration) },
      rounds: { type: 'string', default: String(DEFAULT_OPTIONS.rounds) },
      connections: { type: 'string', default: String(DEFAULT_OPTIONS.connections) },
      only: { type: 'string' },
    },
  });
  const options: WebBenchOptions = {
    devices: Number(values.devices),
    duration: Number(values.duration),
    rounds: Number(values.rounds),
    connections: Number(values.connections),
    only: values.only === 'sync' || values.only === 'portal' ? values.only : null,
  };
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-web-'));
  const core = openCore({ dataDir: dir, author: 'bench', version: 'bench' });
  try {
    const table = await rows({ dataDir: dir, core, today: todayIn('Europe/Zurich') }, options);
    console.log(`Machine: ${machine()}.\n\n${formatTable(table)}`);
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
