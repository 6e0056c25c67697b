/**
 * Issue 6, row 7: the back-office UI in Chromium with 100,000 rows in a grid. The screen that
 * holds them is the period overview (`#/period`): every due device of the month (device
 * search stops at 500 hits, a device's history is one device's), so a dealer with 100,000
 * monthly devices gets a grid of 100,000 rows. The grid asks the server for them a block at a
 * time (ag-grid's infinite row model over `period-rows`), and for the counts apart.
 *
 * Browser mode is started as a user starts it (`src-main/cli.ts serve --data DIR --port 0`,
 * building the UI first when it is missing), on a database of its own written by
 * bench/dealer-data.ts; Debian's Chromium loads `#/period`. Timed in the page, on its own
 * clock (ms since navigation start): the first grid row painted, the full count shown (the
 * grid then knows its length), then a scroll to the end (the scrollbar dragged to the bottom)
 * until the last row is painted — which includes fetching its block from the server. "Painted" is one
 * animation frame plus a task after the row is in the DOM. The baseline is the same Chromium
 * painting a static HTML table of the first 100 rows served by node:http (and scrolling it).
 * Each load starts with the server idle: the previous load's trailing requests have ended.
 *
 *   npx tsx bench/ui.ts [--devices 100000] [--runs 3]
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { todayIn } from '../shared/dates';
import { openCore } from '../src-main/node-main';
import { writeDealer } from './dealer-data';
import { formatTable, machine, quantile, type BenchRow } from './table';

/** bench/context.ts's type, restated until it exists. */
type BenchContext = { dataDir: string; core: ReturnType<typeof openCore>; today: string };

export interface UiBenchOptions {
  devices: number;
  /** Measured page loads (after one warm-up); the median is reported. */
  runs: number;
}

export const DEFAULT_OPTIONS: UiBenchOptions = { devices: 100_000, runs: 3 };

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As playwright.config.ts launches it.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** A row of the grid with its cells (ag-grid renders the rows near the viewport only). */
const GRID_ROW = (index: number) => `.ag-row[row-index="${index}"] [role="gridcell"]`;
/** ag-grid 36's vertical scrollbar: the clerk drags it to the bottom, the rows follow. */
const GRID_SCROLLBAR = '.ag-body-vertical-scroll-viewport';

/** What the init script below gives the page (and the bench reads back). */
/** The first period-rows request: when the app sent it (ms since navigation), how long, how big. */
interface OverviewCall {
  at: number;
  ms: number;
  bytes: number;
}

interface InPage {
  painted?: number;
  scrollToEnd(scroller: string, selector: string): Promise<number>;
  overviewCall(): OverviewCall | null;
}

declare global {
  interface Window {
    __bench: InPage;
  }
}

/**
 * Injected before the page's own scripts (an init script, which the pages' CSP allows, unlike
 * evaluating strings; and source text, because tsx's transform adds helpers such as `__name`
 * to compiled functions that the page does not have).
 * - Notes when `selector` first matches, after the frame that shows it: one animation frame,
 *   then a task, so that the paint has happened.
 * - scrollToEnd moves a scroller to its end and resolves with the ms until `selector` is
 *   painted the same way.
 * - overviewCall: the period-overview request as the page's resource timing saw it.
 */
const inPage = (selector: string) => `(() => {
  const painted = (test, done) => {
    const check = () => {
      if (document.querySelector(test)) requestAnimationFrame(() => setTimeout(done, 0));
      else requestAnimationFrame(check);
    };
    check();
  };
  const bench = {
    scrollToEnd: (scroller, last) => new Promise((done, fail) => {
      const element = scroller === 'document' ? document.scrollingElement : document.querySelector(scroller);
      if (!element) return fail(new Error('no ' + scroller + ' to scroll'));
      const started = performance.now();
      element.scrollTop = element.scrollHeight;
      requestAnimationFrame(() => painted(last, () => done(performance.now() - started)));
    }),
    overviewCall: () => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('period-rows'));
      return entry ? { at: entry.startTime, ms: entry.responseEnd - entry.startTime, bytes: entry.encodedBodySize } : null;
    },
  };
  window.__bench = bench;
  const selector = ${JSON.stringify(selector)};
  const observer = new MutationObserver(() => {
    if (!document.querySelector(selector)) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => (bench.painted = performance.now()), 0));
  });
  observer.observe(document, { childList: true, subtree: true });
})()`;

interface Load {
  painted: number;
  /** When the page showed the full count (ms since navigation); 0 for the static table. */
  counted: number;
  scrolled: number;
  /** The period-overview call as the page's resource timing saw it. */
  api: OverviewCall | null;
}

/**
 * Starts counting a page's requests; the function returned resolves once none has been in
 * flight for 300 ms (Playwright's `networkidle` fires once per load, possibly before the
 * period page's late requests start).
 */
function untilQuiet(page: Page): () => Promise<void> {
  let inFlight = 0;
  let changed = performance.now();
  const change = (by: number) => {
    inFlight += by;
    changed = performance.now();
  };
  page.on('request', () => change(1));
  page.on('requestfinished', () => change(-1));
  page.on('requestfailed', () => change(-1));
  return async () => {
    const limit = performance.now() + 60_000;
    while ((inFlight > 0 || performance.now() - changed < 300) && performance.now() < limit) {
      await new Promise((done) => setTimeout(done, 50));
    }
  };
}

/** One page load in a fresh browser context (no cache), as a clerk opening the screen. */
async function measure(
  browser: Browser,
  url: string,
  first: string,
  scroller: string,
  last: string,
  counted: string | null = null,
): Promise<Load> {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 900 },
    locale: 'de-CH',
    timezoneId: 'Europe/Zurich',
  });
  try {
    const page: Page = await context.newPage();
    const quiet = untilQuiet(page);
    await page.addInitScript({ content: inPage(first) });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench.painted !== undefined, null, {
      timeout: 120_000,
      polling: 50,
    });
    const painted = await page.evaluate(() => window.__bench.painted!);
    // The scroll to the end needs the grid's length, which comes with the count.
    let countedAt = 0;
    if (counted) {
      await page.waitForFunction((pattern) => new RegExp(pattern).test(document.body.innerText), counted, { timeout: 120_000, polling: 'raf' });
      countedAt = await page.evaluate(() => performance.now());
    }
    const api = await page.evaluate(() => window.__bench.overviewCall());
    const scrolled = await page.evaluate(([s, l]) => window.__bench.scrollToEnd(s, l), [
      scroller,
      last,
    ] as const);
    // The page's last requests (the period page asks for the alerts after the counts, which
    // keeps a 100,000-device server busy for most of a second) end before the next load
    // starts: else that load's page waits for them, one server answering one call at a time,
    // and is charged for the previous load's work.
    await quiet();
    return { painted, counted: countedAt, scrolled, api };
  } finally {
    await context.close();
  }
}

async function median(runs: number, load: () => Promise<Load>): Promise<Load> {
  await load();
  const loads: Load[] = [];
  for (let i = 0; i < runs; i++) loads.push(await load());
  const middle = (pick: (l: Load) => number) => quantile(loads.map(pick), 0.5);
  return {
    painted: middle((l) => l.painted),
    counted: middle((l) => l.counted),
    scrolled: middle((l) => l.scrolled),
    api: loads[0]?.api
      ? {
          at: middle((l) => l.api?.at ?? 0),
          ms: middle((l) => l.api?.ms ?? 0),
          bytes: loads[0].api.bytes,
        }
      : null,
  };
}

/** `serve` as a user runs it; resolves with the back-office's URL. */
function startServe(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/cli.ts',
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      '--portal-port',
      '0',
      '--no-scheduler',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, METERDESK_USER: 'bench', METERDESK_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((done, fail) => {
    // The first start may build the UI.
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /back-office running at (http:\/\/[^\s/]+)\//.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        done({ url: match[1], child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

function stopServe(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The baseline page: the period's first 100 rows as a plain table, with the grid's columns. */
async function startStaticTable(rows: string[][]): Promise<{ url: string; server: Server }> {
  const head = ['Status', 'Kunde', 'Vertrag', 'Gerät', 'Position', 'Modell', 'Standort'];
  const page = `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Periode</title>
<style>body{font:14px system-ui,sans-serif;margin:16px}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;height:33px;padding:0 8px;text-align:left}</style></head>
<body><h1>Periode</h1><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table></body></html>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

export async function rows(
  _ctx: BenchContext,
  options: UiBenchOptions = DEFAULT_OPTIONS,
): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-ui-'));
  let serve: ChildProcess | null = null;
  let browser: Browser | null = null;
  let baselineServer: Server | null = null;
  try {
    // The served app's clock is the real one: the period it opens is this month.
    const today = todayIn('Europe/Zurich');
    const core = openCore({ dataDir, author: 'bench', version: 'bench' });
    let firstRows: string[][];
    try {
      writeDealer(core.db, {
        devices: options.devices,
        devicesPerCustomer: 6,
        allColour: false,
        months: 1,
        webReading: false,
        recordedEvery: 3,
        today,
      });
      firstRows = core.db
        .all<{
          customer: string;
          contract: string;
          device: string;
          position: string;
          model: string;
          location: string;
          recorded: number;
        }>(
          `SELECT cu.number || ' ' || cu.name AS customer, k.number AS contract, d.equipment_id AS device, d.position, d.model, d.location,
                  EXISTS (SELECT 1 FROM readings r WHERE r.device_id = d.id AND r.valid_to >= ?) AS recorded
             FROM devices d JOIN contracts k ON k.id = d.contract_id JOIN customers cu ON cu.id = k.customer_id
            ORDER BY cu.number, k.number, d.position, d.id LIMIT 100`,
          [`${today.slice(0, 7)}-01`],
        )
        .map((r) => [
          r.recorded ? 'erfasst' : 'fehlt',
          r.customer,
          r.contract,
          r.device,
          r.position,
          r.model,
          r.location,
        ]);
    } finally {
      core.close();
    }
    const started = await startServe(dataDir);
    serve = started.child;
    const baseline = await startStaticTable(firstRows);
    baselineServer = baseline.server;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const open = browser;

    const grid = await median(options.runs, () =>
      measure(
        open,
        `${started.url}/#/period`,
        GRID_ROW(0),
        GRID_SCROLLBAR,
        GRID_ROW(options.devices - 1),
        // "Alle 100000" (de-CH): the count is in.
        `Alle ${options.devices}\\b`,
      ),
    );
    const plain = await median(options.runs, () =>
      measure(open, baseline.url, 'tbody tr td', 'document', 'tbody tr:last-child td'),
    );

    const devices = options.devices.toLocaleString('en-US');
    const api = grid.api
      ? `; the app asks for the first block (period-rows) at ${grid.api.at.toFixed(0)} ms, the answer takes ${grid.api.ms.toFixed(0)} ms, ${(grid.api.bytes / 2 ** 10).toFixed(0)} KiB JSON; the full count is shown at ${grid.counted.toFixed(0)} ms`
      : '';
    const how = `median of ${options.runs} loads in a fresh browser context, after a warm-up; Debian's Chromium, headless`;
    return [
      {
        name: `UI: period overview (#/period) with ${devices} due devices in its ag-grid, navigation start → first rows painted (${how}${api})`,
        value: grid.painted,
        unit: 'ms',
        baselineName:
          'static HTML table of the first 100 rows from node:http, navigation start → painted',
        baseline: plain.painted,
        goal: '< 1 s',
        met: grid.painted < 1000,
      },
      {
        name: `UI: the same grid scrolled to the end (the grid's scrollbar to the bottom → the last block fetched, row ${devices} painted)`,
        value: grid.scrolled,
        unit: 'ms',
        baselineName: 'the static 100-row table scrolled to its end → painted',
        baseline: plain.scrolled,
        goal: '< 1 s',
        met: grid.scrolled < 1000,
      },
    ];
  } finally {
    await browser?.close();
    await stopServe(serve);
    await new Promise<void>((done) =>
      baselineServer ? baselineServer.close(() => done()) : done(),
    );
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: String(DEFAULT_OPTIONS.devices) },
      runs: { type: 'string', default: String(DEFAULT_OPTIONS.runs) },
    },
  });
  const options: UiBenchOptions = { devices: Number(values.devices), runs: Number(values.runs) };
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-ui-ctx-'));
  const core = openCore({ dataDir: dir, author: 'bench', version: 'bench' });
  try {
    const table = await rows({ dataDir: dir, core, today: todayIn('Europe/Zurich') }, options);
    console.log(`Machine: ${machine()}.\n\n${formatTable(table)}`);
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
