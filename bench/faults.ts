/**
 * `npx tsx bench/faults.ts [--kills N] [--requests N] [--devices N] [--seed N]`: the longer
 * run of issue 6's fault tests (test/faults/). The real CLI's import, billing run and sync
 * killed (SIGKILL) at N seeded moments each, spread from its start to its end, then restarted:
 * integrity_check, all or nothing, and the operation run again to its end must give what a
 * run never killed gives. Then the portal fed N seeded garbage requests. One summary table.
 */
import './quiet-logs';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from '../db/database';
import { openPortalDatabase } from '../db/portal/store';
import { databaseFile } from '../src-main/core/paths';
import { createPortalServer } from '../src-main/portal/server';
import { loadDemo, openCore, startWeb } from '../src-main/node-main';
import { garbageRequests, portalContent, problemWith, sendAll } from '../test/faults/garbage';
import {
  copyFolder,
  count,
  customersAnswered,
  dealerFolder,
  faultDir,
  killWhen,
  readingsExport,
  reopen,
  rowsText,
  seededRandom,
  startCli,
  walSize,
  syncOnce,
} from '../test/faults/helpers';
import { linkIn, startSmtpSink, Visit } from '../test/web/helpers';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '12' },
    requests: { type: 'string', default: '5000' },
    devices: { type: 'string', default: '1500' },
    seed: { type: 'string', default: '6' },
  },
});
const KILLS = Number(values.kills);
const REQUESTS = Number(values.requests);
const DEVICES = Number(values.devices);
const SEED = Number(values.seed);
const random = seededRandom(SEED);
const dirs: string[] = [];

interface Row {
  scenario: string;
  trials: number;
  nothing: number;
  all: number;
  wrong: number;
  notes: string;
  seconds: number;
}
const rows: Row[] = [];

/** The time from the child opening the database to its exit, unkilled: the span to kill in. */
async function span(args: string[], dir: string): Promise<number> {
  const run = startCli(args);
  let opened = 0;
  const timer = setInterval(() => {
    if (!opened && walSize(databaseFile(dir)) >= 0) opened = Date.now();
  }, 1);
  await run.done;
  clearInterval(timer);
  return Date.now() - opened;
}

interface Operation {
  name: string;
  args: (dir: string) => string[];
  /** Restarted: run it again to the end, in this process. */
  finish: (dir: string) => Promise<void>;
  /** What the folder holds of the operation, compared across folders. */
  state: (db: Database) => string;
  empty: string;
}

async function killAtMoments(template: string, operation: Operation): Promise<void> {
  const started = performance.now();
  const reference = copyFolder(template);
  dirs.push(reference);
  await operation.finish(reference);
  const done = reopen(reference, operation.state).result;
  const probe = copyFolder(template);
  dirs.push(probe);
  const window = await span(operation.args(probe), probe);
  const row: Row = {
    scenario: `SIGKILL during ${operation.name}`,
    trials: 0,
    nothing: 0,
    all: 0,
    wrong: 0,
    notes: '',
    seconds: 0,
  };
  const problems: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const dir = copyFolder(template);
    dirs.push(dir);
    const delay = Math.round(random() * window);
    let opened = 0;
    const kill = await killWhen(startCli(operation.args(dir)), () => {
      if (!opened && walSize(databaseFile(dir)) >= 0) opened = Date.now();
      return opened > 0 && Date.now() - opened >= delay;
    });
    row.trials += 1;
    const found = reopen(dir, operation.state);
    const outcome =
      found.result === operation.empty ? 'nothing' : found.result === done ? 'all' : 'wrong';
    if (found.integrity !== 'ok' || found.brokenReferences)
      problems.push(`kill at +${delay} ms: integrity ${found.integrity}`);
    if (!kill.killed) row.notes = 'some ran to the end before their moment; ';
    row[outcome] += 1;
    if (outcome === 'wrong') problems.push(`kill at +${delay} ms: part of the operation kept`);
    await operation.finish(dir);
    const after = reopen(dir, operation.state);
    if (after.result !== done || after.integrity !== 'ok') {
      row.wrong += 1;
      problems.push(`kill at +${delay} ms: run again, not what an unkilled run gives`);
    }
  }
  row.notes += problems.length
    ? problems.join('; ')
    : `kills spread over ${window} ms after opening; every rerun equal to the unkilled run`;
  row.seconds = (performance.now() - started) / 1000;
  rows.push(row);
}

async function importAndBilling(): Promise<void> {
  const dealer = dealerFolder({
    customers: Math.ceil(DEVICES / 10),
    devices: DEVICES,
    years: 1,
    seed: SEED,
  });
  dirs.push(dealer.dir);
  const exportFile = join(dealer.dir, 'fleet.csv');
  const { csv } = readingsExport(dealer.dir, dealer.today);
  writeFileSync(exportFile, csv);
  const lastId = reopen(dealer.dir, (db) => count(db, 'SELECT max(id) AS n FROM readings')).result;
  const period = dealer.today.slice(0, 7);
  const withCore = async <T>(
    dir: string,
    job: (core: ReturnType<typeof openCore>) => Promise<T>,
  ) => {
    const core = openCore({ dataDir: dir, author: 'bench' });
    try {
      return await job(core);
    } finally {
      core.close();
    }
  };
  await killAtMoments(dealer.dir, {
    name: 'import',
    args: (dir) => ['import', exportFile, '--data', dir],
    finish: (dir) =>
      withCore(dir, (core) =>
        core.api['import-readings-run']({
          fileName: 'fleet.csv',
          content: Buffer.from(csv).toString('base64'),
        }),
      ).then(() => undefined),
    state: (db) =>
      rowsText(
        db,
        `SELECT d.equipment_id, r.date, r.source, r.status, r.valid_from, r.valid_to, rc.kind, rc.old_value, rc.new_value
           FROM readings r JOIN devices d ON d.id = r.device_id JOIN reading_counters rc ON rc.reading_id = r.id
          WHERE r.id > ${lastId} ORDER BY d.equipment_id, r.date, rc.kind`,
      ),
    empty: '',
  });
  await killAtMoments(dealer.dir, {
    name: 'billing --run',
    args: (dir) => ['billing', '--period', period, '--run', '--data', dir],
    finish: (dir) =>
      withCore(dir, async (core) => {
        if (count(core.db, 'SELECT count(*) AS n FROM billing_runs') === 0)
          await core.api['billing-run']({ period });
      }),
    state: (db) =>
      [
        rowsText(db, 'SELECT period, state, total FROM billing_runs ORDER BY id'),
        rowsText(
          db,
          'SELECT contract_id, total, total_rounded FROM billing_contracts ORDER BY contract_id',
        ),
        rowsText(
          db,
          'SELECT contract_id, kind, usage, free_copies, billable, amount FROM billing_lines ORDER BY contract_id, kind',
        ),
        rowsText(
          db,
          'SELECT r.reading_id, r.contract_id, x.status FROM billing_readings r JOIN readings x ON x.id = r.reading_id ORDER BY 1',
        ),
        String(count(db, "SELECT count(*) AS n FROM readings WHERE status = '11'")),
      ].join('\n--\n'),
    empty: '\n--\n\n--\n\n--\n\n--\n0',
  });
}

async function sync(): Promise<void> {
  const dealer = dealerFolder({
    customers: Math.ceil(DEVICES / 10),
    devices: DEVICES,
    years: 1,
    seed: SEED + 1,
  });
  dirs.push(dealer.dir);
  await customersAnswered(dealer.dir, dealer.today, 'bench');
  await killAtMoments(dealer.dir, {
    name: 'sync',
    args: (dir) => ['sync', '--data', dir],
    finish: (dir) => syncOnce(dir, 'bench').then(() => undefined),
    state: (db) =>
      rowsText(
        db,
        `SELECT s.portal_key, s.state, s.reason, s.counter_values, r.date, r.valid_to,
                (SELECT count(*) FROM readings x WHERE x.device_id = s.device_id AND x.date = r.date) AS same_day
           FROM web_submissions s LEFT JOIN readings r ON r.id = s.reading_id ORDER BY s.portal_key`,
      ),
    empty: '',
  });
}

async function fuzz(): Promise<void> {
  const started = performance.now();
  const dir = faultDir();
  dirs.push(dir);
  // The demo dealer on 23 Nov 2026, its November links sent to a real SMTP sink.
  const demo = openCore({
    dataDir: dir,
    author: 'bench',
    now: () => new Date('2026-11-23T09:30:00Z'),
  });
  loadDemo(demo);
  const smtp = await startSmtpSink();
  const web = await startWeb(demo, dir, {
    portal: 'private',
    scheduler: false,
    env: { METERDESK_SMTP_URL: smtp.url },
  });
  await web.sendRequests('2026-11');
  const token = linkIn((await smtp.waitFor(1))[0]!).slice(-43);
  const db = openPortalDatabase(join(dir, 'portal.sqlite'));
  const instant = new Date('2026-11-23T09:30:00Z');
  const portal = createPortalServer({
    db,
    host: '127.0.0.1',
    port: 0,
    syncSecret: 'bench',
    now: () => instant,
    limits: { linkLookups: 1e9, posts: 1e9, requests: 1e9 },
  });
  const base = await portal.start();
  const visit = new Visit(base);
  await visit.get(`/l/${token}`);
  const counterIds = [...visit.page.matchAll(/<tr id="c(\d+)"/g)].map((m) => Number(m[1]));
  const before = portalContent(db);
  const answers = await sendAll(
    base,
    garbageRequests(
      { base, token, cookie: visit.cookieHeader, csrf: visit.csrf(), counterIds },
      REQUESTS,
      SEED,
    ),
    16,
  );
  const problems = answers
    .map((a) => problemWith(a) && `${a.garbage.label}: ${problemWith(a)}`)
    .filter(Boolean);
  const statuses = new Map<number, number>();
  for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const alive = (await fetch(`${base}/healthz`)).status === 200;
  const unchanged = portalContent(db) === before;
  const seconds = (performance.now() - started) / 1000;
  rows.push({
    scenario: 'portal fed garbage',
    trials: answers.length,
    nothing: answers.length - problems.length,
    all: 0,
    wrong: problems.length + (alive ? 0 : 1) + (unchanged ? 0 : 1),
    notes:
      `statuses ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')}; ` +
      `${alive ? 'alive' : 'DOWN'}; data ${unchanged ? 'unchanged' : 'CHANGED'}` +
      (problems.length ? `; ${[...new Set(problems)].slice(0, 5).join('; ')}` : ''),
    seconds,
  });
  await portal.stop();
  db.close();
  await web.stop();
  await smtp.stop();
  demo.close();
}

try {
  await importAndBilling();
  await sync();
  await fuzz();
  console.log(
    `\nmeterdesk fault run: ${KILLS} kills per operation on ${DEVICES} devices, ${REQUESTS} garbage requests, seed ${SEED}\n`,
  );
  console.log('| scenario | trials | nothing / refused | all | wrong | s | notes |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    console.log(
      `| ${row.scenario} | ${row.trials} | ${row.nothing} | ${row.all} | ${row.wrong} | ${row.seconds.toFixed(1)} | ${row.notes} |`,
    );
  }
  process.exitCode = rows.some((row) => row.wrong > 0) ? 1 : 0;
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
