/**
 * `npm run cli -- <command>`: meterdesk without the desktop shell. Every command takes
 * `--data DIR`; output meant for people goes to stdout, logs to stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { importFieldLabel } from '../shared/i18n/field-label';
import { translations } from '../shared/i18n';
import { issueText } from '../shared/i18n/issue-text';
import { MASTER_KINDS, type MasterKind } from '../shared/import/master-fields';
import { detectImportKind, type DateOrder } from '../shared/import/reading-fields';
import { defaultDataDir } from './core/paths';
import { isLoopback } from './http/server';
import { openPortalDatabase } from '../db/portal/store';
import { sealedSettings } from '../db/queries/settings';
import type { BilledContract, RequestSkipReason } from '../shared/api';
import { ApiError } from '../shared/errors';
import { formatChf } from '../shared/rules/billing';
import { isPeriod } from '../shared/rules/web-reading';
import { backupNow, lockDataDir, restore, RestoreRefusedError } from './jobs/backup';
import { webConfig } from './jobs/config';
import { SETTINGS, SETTINGS_BY_KEY } from '../shared/settings-schema';
import { PORTAL_DATABASE } from './jobs/runtime';
import { loadDemo, openCore, startBrowserMode, startWeb, type OpenedCore } from './node-main';
import { createPortalServer, DEFAULT_PORTAL_PORT } from './portal/server';
import { checkGenerateOptions, generateDealerFolder, GenerateRefusedError } from './core/generate';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER_DIR = join(ROOT, 'out', 'renderer');

const SKIP_REASONS: Record<RequestSkipReason, string> = {
  'already-requested': 'already requested for this period (--resend sends a new link)',
  'no-email': 'no e-mail address',
  sending: 'its current link is being e-mailed right now by another sender; run --resend again once that is done',
  'all-read': 'every device due has its reading for this period already',
};
export const DEFAULT_PORT = 4780;

const HELP = `meterdesk — meter readings and print billing for copier dealers

Usage: npm run cli -- <command> [options]
       npm run serve -- [options]          (same as: npm run cli -- serve)

Commands:
  serve     Start browser mode: the core, the HTTP API and the UI on 127.0.0.1,
            printing the address to open.
  demo      Fill an empty database with the demo data, then exit.
  portal    Run only the customer portal (for a separate server, e.g. in a DMZ): its
            own database portal.sqlite in the data folder, which holds no names or
            e-mail addresses. The back-office syncs to it with the shared secret
            METERDESK_PORTAL_SECRET (set the same on both sides, with
            METERDESK_PORTAL_URL on the back-office's side).
  send-requests [--period YYYY-MM] [--resend] [--customer NUMBER]
            Send the reading request e-mails of a period (default: this month) to
            every customer with web reading on and a contract due, once per customer
            and period; --resend sends again with a new link (the old one stops
            working; not while another sender has the old link's e-mail out);
            --customer NUMBER only to that customer (e.g. one who lost the e-mail).
            E-mails still queued after a failure go with them, without
            waiting for their retry. Prints what was sent; a failed send stays queued
            and is retried.
  link --customer NUMBER [--period YYYY-MM]
            A new personal link for one customer (default: this month; on the
            1st–4th the month before, whose links still work, until this month's
            requests have gone out), printed
            for the office to give itself — on the phone, or in its own e-mail —
            when the request e-mail cannot reach them; no e-mail is sent, the
            previous link stops working.
  sync      Synchronise with the portal now: publish the open links and due
            devices, collect what customers entered (as web readings, status 01).
  billing --period YYYY-MM [--preview | --run | --cancel ID | --post ID]
            The print billing of a period: --preview (the default) prints what a run
            would bill, per contract and counter kind (usage, free copies, billable,
            price, amount) with totals rounded to CHF 0.05, of the contracts due in
            the period (the others are named with the month that bills them); --run
            bills it (the readings go from 01 to 11); --cancel ID undoes a run not yet
            posted (back to 01); --post ID makes it final (21). Without an action it
            also lists the period's runs.
  backup    Back up the database (and the portal's) now into <data>/backups/, online
            (also while the app runs), keeping the newest backup.keep (default 14).
            The app does this every day at backup.time (default 01:30).
  restore FILE
            Replace the database by a backup — or the portal's (portal.sqlite) by a
            backup of it (backups/portal-….sqlite). Refused while meterdesk runs on the
            data folder; the file is checked first, the current database is kept as
            backups/pre-restore-….sqlite (pre-restore-portal-…), and the swap is one
            rename. (The settings screen's Zurückspielen does the same at the app's
            next start; serve prints what came of it.) After the database's restore,
            the syncs collect again what customers entered since the backup, kept
            aside for a clerk to check (Web-Erfassung).
  settings [KEY [VALUE]]
            Show every setting (secrets hidden), or set one — checked as the settings
            screen checks it; an empty VALUE goes back to the default.
  import FILE [--mapping NAME] [--dry-run]
            Import readings from a fleet-management export (CSV or .xlsx): equipment ID
            or serial number, date, and a counter kind + value per row or a column per
            counter kind. Columns, delimiter, encoding and date format are recognised;
            --mapping NAME uses (and saves) the column mapping of that source. Each
            reading is checked by the meter dialog's rules; refused ones are listed
            and not written (exit 1), the others are (source "import"); the same file
            twice adds nothing. --dry-run only checks.
  import-master FILE [--kind customers|contracts|devices] [--mapping NAME] [--dry-run]
            Import customers, contracts or devices from a CSV (UTF-8 or Windows-1252,
            ; , tab or | separated) or Excel (.xlsx) export of the dealer's current
            system. The kind and the columns are recognised from the headers; --mapping
            NAME uses (and saves) the column mapping of that source. Every row is
            checked; with any error nothing is imported (exit code 1). Rows are matched
            by customer number, contract number and equipment ID, so importing the
            same file again changes nothing (a changed row updates its record, never
            duplicates it); an optional column the file lacks leaves that field of a
            known record as it is. --dry-run only checks.
  generate --customers N --devices N --years N [--seed N]
            Fill an empty data folder with a synthetic dealer for benchmarks and
            tests: customers (de/fr/en, some with web reading), contracts (monthly,
            quarterly, yearly) with their terms, b/w and colour devices, and N years
            of readings up to today that follow the dialog's rules (posted, the
            latest recorded). The same seed and sizes give the same data on the same
            day. Refused when the folder already holds customers (exit 1). Into a
            folder without a database it is written as meterdesk.sqlite.generating
            and renamed when complete: a run broken off leaves no dealer.
  help      Show this text.

Options (every command):
  --data DIR     Data folder (default: ${defaultDataDir()};
                 or set METERDESK_DATA)
  -h, --help     Show this text.

Options of serve:
  --port N       Port of the back-office (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H       Address to listen on (default 127.0.0.1). Anything but loopback makes
                 the back-office reachable from the network, which has no logins yet.
  --demo         Fill an empty database with the demo data first.
  --no-build     Do not build the UI even if it is missing or older than its sources.
  --portal-port N  Port of the built-in customer portal (default 4781, or the setting
                 portal.port; 0 picks a free one)
  --portal-host H  Address the portal listens on (default 127.0.0.1)
  --no-scheduler Do not send the e-mails on the 20th, sync at night or retry e-mails.

Options of portal:
  --port N       Port (default 4781)     --host H   Address (default 127.0.0.1)
  --trust-proxy  Behind a reverse proxy that terminates HTTPS: trust X-Forwarded-*
                 (client address for rate limits, Secure cookies).

Environment:
  METERDESK_DATA       data folder, as --data
  METERDESK_USER       the name recorded as author of changes (default: the OS user)
  METERDESK_LOG_LEVEL  log level on stderr: fatal, error, warn, info (default), debug, silent
  METERDESK_SMTP_URL   SMTP server for the request e-mails, e.g. smtp://127.0.0.1:2525
  METERDESK_MAIL_FROM  their sender, e.g. "Dealer <service@dealer.ch>"
  METERDESK_PUBLIC_URL where the e-mailed links point (default: the portal's own address)
  METERDESK_PORTAL_URL a portal on another server, for the sync (default: the built-in one)
  METERDESK_PORTAL_SECRET the sync's shared secret (built-in portal: made on first start)
`;

class UsageError extends Error {}

/** A block of HELP: its first line and those under it, indented at least `indent` spaces. */
function helpBlock(lines: readonly string[], start: number, indent: number): string[] {
  const block = [lines[start]!];
  const under = new RegExp(`^ {${indent},}\\S`);
  for (let i = start + 1; i < lines.length && under.test(lines[i]!); i++) block.push(lines[i]!);
  return block;
}

/**
 * `<command> --help`: that command's part of HELP (with its own options for serve and
 * portal) and the options of every command; the whole text for an unknown one.
 */
export function commandHelp(command: string): string {
  const lines = HELP.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`  ${command} `) || line === `  ${command}`);
  if (at < 0 || command === 'help') return HELP;
  const own = lines.findIndex((line) => line === `Options of ${command}:`);
  const every = lines.findIndex((line) => line.startsWith('Options (every command)'));
  return [
    `Usage: npm run cli -- ${command} [options]`,
    '',
    // A command's description is indented under it; an options block's lines by two.
    ...helpBlock(lines, at, 3),
    '',
    ...(own >= 0 ? [...helpBlock(lines, own, 2), ''] : []),
    ...helpBlock(lines, every, 2),
    '',
    'All commands: npm run cli -- --help',
  ].join('\n');
}

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The first start on a fresh clone builds the UI; later starts rebuild it when stale. */
function ensureRendererBuilt(): void {
  const index = join(RENDERER_DIR, 'index.html');
  const sources = ['src-renderer', 'shared'].map((dir) => join(ROOT, dir)).filter(existsSync);
  if (existsSync(index) && Math.max(...sources.map(newestMtime)) <= statSync(index).mtimeMs) return;
  console.log('meterdesk: building the UI (first start, or its sources changed)…');
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('building the UI failed (see above)');
}

function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** How an import read its file: encoding, separator, and the column each field came from. */
const DATE_ORDERS: Record<DateOrder, string> = { dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year-month-day' };

function printHowRead(
  what: string,
  file: string,
  report: { encoding: string; delimiter: string | null; mapping: Record<string, string> },
  extra = '',
): void {
  const delimiter = report.delimiter === '\t' ? 'tab' : report.delimiter;
  console.log(`meterdesk: ${what} from ${file} (${report.encoding}${delimiter ? `, "${delimiter}"` : ''}${extra})`);
  console.log(`  columns: ${Object.entries(report.mapping).map(([field, header]) => `${importFieldLabel(field, 'en', what)} ← "${header}"`).join(', ')}`);
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--port must be a number 0–65535, not "${text}"`);
  return port;
}

async function serve(values: Record<string, string | boolean | undefined>, dataDir: string): Promise<void> {
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const port = parsePort(values.port as string | undefined);
  if (!values['no-build']) ensureRendererBuilt();
  if (!isLoopback(host)) {
    console.warn(`meterdesk: WARNING — listening on ${host}: the back-office has no logins yet; anyone who reaches this address can read and change its data.`);
  }
  let mode;
  try {
    mode = await startBrowserMode({
      dataDir,
      host,
      port,
      staticDir: RENDERER_DIR,
      demo: Boolean(values.demo),
      portalPort: values['portal-port'] === undefined ? null : parsePort(values['portal-port'] as string),
      portalHost: (values['portal-host'] as string | undefined) ?? null,
      scheduler: !values['no-scheduler'],
    });
  } catch (error) {
    const busy = error as NodeJS.ErrnoException & { port?: number; address?: string };
    if (busy.code === 'EADDRINUSE') {
      // The back-office's port, or the built-in portal's beside it.
      const portal = busy.port !== undefined && busy.port !== port;
      throw new UsageError(
        `port ${busy.port ?? port} on ${busy.address ?? host} is in use (another meterdesk?); pass ${portal ? '--portal-port' : '--port'} N`,
      );
    }
    throw error;
  }
  for (const restored of mode.restored) {
    if (restored.refused) console.log(`meterdesk: the restore of ${restored.name} asked for was refused — ${restored.message}; nothing was changed`);
    else console.log(`meterdesk: restored ${restored.name}${restored.previous ? `; the database it replaced is kept as backups/${restored.previous}` : ''}`);
  }
  if (mode.demoLoaded) console.log('meterdesk: demo data loaded');
  console.log(`meterdesk: data folder ${dataDir}`);
  if (mode.web.portalUrl) console.log(`meterdesk: customer portal running at ${mode.web.portalUrl}/`);
  console.log(`meterdesk: back-office running at ${mode.url}/ (Ctrl+C stops it)`);
  const stop = () => {
    void mode.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function demo(dataDir: string): void {
  const core = openCore({ dataDir });
  try {
    const loaded = loadDemo(core);
    console.log(
      loaded
        ? `meterdesk: demo data loaded into ${dataDir}`
        : `meterdesk: ${dataDir} already holds data; the demo data is only loaded into an empty database`,
    );
  } finally {
    core.close();
  }
}

async function importMasterFile(
  file: string,
  values: Record<string, string | boolean | undefined>,
  dataDir: string,
): Promise<number> {
  const kind = values.kind as string | undefined;
  if (kind !== undefined && !MASTER_KINDS.some((k) => k === kind)) {
    throw new UsageError(`--kind must be one of ${MASTER_KINDS.join(', ')}, not "${kind}"`);
  }
  const content = readInputFile(file);
  const core = openCore({ dataDir });
  try {
    const args = {
      fileName: basename(file),
      content: content.toString('base64'),
      ...(kind ? { kind: kind as MasterKind } : {}),
      ...(values.mapping ? { source: values.mapping as string } : {}),
    };
    const report = values['dry-run'] ? await core.api['import-master-preview'](args) : await core.api['import-master-run'](args);
    printHowRead(report.kind, file, report);
    if (report.missingColumns.length > 0) {
      console.log(`  missing columns: ${report.missingColumns.map((field) => importFieldLabel(field, 'en', report.kind)).join(', ')} (name them in the file, or map them in the app's import)`);
      if (!kind && detectImportKind(report.headers) === 'readings') {
        console.log(`  its columns are meter readings' (a device, a date, values): npm run cli -- import ${file}`);
      }
      console.log('  nothing imported');
      return 1;
    }
    for (const row of report.rows.filter((r) => r.action === 'error')) {
      for (const issue of row.issues) {
        const column = report.mapping[issue.field];
        console.log(`  line ${row.line} (${row.key || '?'}): ${importFieldLabel(issue.field, 'en', report.kind)}${column ? ` ("${column}")` : ''}: ${issueText(issue, 'en')}`);
      }
    }
    const { create, update, unchanged, error } = report.counts;
    const verdict = report.committed ? 'imported' : values['dry-run'] && error === 0 ? 'checked, nothing written (--dry-run)' : 'nothing imported';
    console.log(`  ${create} new, ${update} updated, ${unchanged} unchanged, ${error} with errors — ${verdict}`);
    return error > 0 ? 1 : 0;
  } finally {
    core.close();
  }
}

/** Opens the core with web reading's jobs for one command (a private portal, no scheduler). */
async function withWeb(dataDir: string, job: (core: OpenedCore) => Promise<number>): Promise<number> {
  const core = openCore({ dataDir });
  try {
    // Secrets the desktop app sealed with the OS keychain cannot be read here: say which, and how else.
    for (const key of sealedSettings(core.db)) {
      const env = SETTINGS_BY_KEY.get(key)?.env;
      if (env && process.env[env]) continue;
      // The built-in portal's is simply made anew (jobs/config.ts); only a remote portal's matters.
      if (key === 'portal.secret' && !webConfig(core.db, process.env, { makeSecret: false }).remotePortalUrl) continue;
      console.error(`meterdesk: ${key} is sealed by the desktop app's keychain and cannot be read here — set ${env ?? key} for this command, or run it from the app`);
    }
    const web = await startWeb(core, dataDir, { portal: 'private', scheduler: false });
    try {
      return await job(core);
    } finally {
      await web.stop();
    }
  } finally {
    core.close();
  }
}

async function portal(values: Record<string, string | boolean | undefined>, dataDir: string): Promise<void> {
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const port = values.port === undefined ? DEFAULT_PORTAL_PORT : parsePort(values.port as string);
  const secret = process.env.METERDESK_PORTAL_SECRET?.trim() || null;
  const db = openPortalDatabase(join(dataDir, PORTAL_DATABASE));
  const server = createPortalServer({ db, host, port, syncSecret: secret, trustProxy: Boolean(values['trust-proxy']) });
  let url: string;
  try {
    url = await server.start();
  } catch (error) {
    db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use; pass --port N`);
    throw error;
  }
  // A restore of portal.sqlite is refused while the portal runs on it.
  const unlock = lockDataDir(dataDir);
  if (!secret) console.warn('meterdesk: METERDESK_PORTAL_SECRET is not set: the sync routes are off, the back-office cannot reach this portal.');
  console.log(`meterdesk: portal database ${join(dataDir, PORTAL_DATABASE)}`);
  console.log(`meterdesk: customer portal running at ${url}/ (Ctrl+C stops it)`);
  const stop = () => {
    void server.stop().then(() => {
      db.close();
      unlock();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function settings(args: string[], dataDir: string): Promise<number> {
  const [key, value, ...extra] = args;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (key !== undefined && !SETTINGS_BY_KEY.has(key)) {
    throw new UsageError(`unknown setting "${key}"; known: ${SETTINGS.map((s) => s.key).join(', ')}`);
  }
  const core = openCore({ dataDir });
  try {
    if (key !== undefined && value !== undefined) {
      try {
        await core.api['settings-save']({ values: { [key]: value } });
      } catch (error) {
        if (error instanceof ApiError && error.issues[0]) throw new UsageError(`${key}: ${issueText(error.issues[0], 'en')}`);
        throw error;
      }
      console.log(`meterdesk: ${key} ${value === '' ? 'removed (back to the default)' : 'set'}${SETTINGS_BY_KEY.get(key)?.restart ? '; takes effect when meterdesk starts next' : ''}`);
      return 0;
    }
    for (const setting of await core.api['settings-get']({})) {
      if (key !== undefined && setting.key !== key) continue;
      const definition = SETTINGS_BY_KEY.get(setting.key)!;
      const shown = (!setting.set ? `(default${definition.fallback ? ` ${definition.fallback}` : ''})` : (setting.value ?? '(set, hidden)')).replace(/\n/g, ' / ');
      // In the list a long value is cut with "…" (it ran into the description); `settings KEY` shows it whole.
      const cell = key !== undefined || shown.length <= 40 ? shown : `${shown.slice(0, 39)}…`;
      console.log(`${setting.key.padEnd(26)} ${cell.padEnd(40)} ${definition.description}${definition.env ? ` (env ${definition.env})` : ''}`);
    }
    return 0;
  } finally {
    core.close();
  }
}

function printBill(contract: BilledContract): void {
  console.log(`  ${contract.customerNumber} ${contract.customerName} — contract ${contract.contractNumber}, ${contract.validFrom} – ${contract.validTo}, ${contract.readingIds.length} reading(s)`);
  for (const line of contract.lines) {
    console.log(
      `    ${translations.en.kinds[line.kind].padEnd(6)} usage ${String(line.usage).padStart(9)}  free ${String(line.freeCopies).padStart(7)}  billable ${String(line.billable).padStart(9)}` +
        `  × CHF ${(line.pricePerPage / 1_000_000).toFixed(4)}  = CHF ${formatChf(line.amount).padStart(10)}`,
    );
  }
  console.log(`    total CHF ${formatChf(contract.total)}, rounded to 0.05: CHF ${formatChf(contract.totalRounded)}`);
}

async function billing(values: Record<string, string | boolean | undefined>, dataDir: string): Promise<number> {
  const actions = ['preview', 'run', 'cancel', 'post'].filter((name) => values[name] !== undefined);
  if (actions.length > 1) throw new UsageError(`billing takes one of --preview, --run, --cancel ID, --post ID, not ${actions.join(' and ')}`);
  const runId = (name: string) => {
    const text = values[name] as string;
    if (!/^\d+$/.test(text)) throw new UsageError(`--${name} needs a run number, not "${text}"`);
    return Number(text);
  };
  const period = values.period as string | undefined;
  if (!values.cancel && !values.post && (period === undefined || !isPeriod(period))) {
    throw new UsageError(`billing needs --period YYYY-MM${period === undefined ? '' : `, not "${period}"`}`);
  }
  const core = openCore({ dataDir });
  try {
    const api = core.api;
    const call = async <T>(promise: Promise<T>): Promise<T | null> => {
      try {
        return await promise;
      } catch (error) {
        if (error instanceof ApiError) {
          console.log(`meterdesk: ${error.message}`);
          return null;
        }
        throw error;
      }
    };
    if (values.cancel !== undefined || values.post !== undefined) {
      const action = values.cancel !== undefined ? 'cancel' : 'post';
      const run = await call(action === 'cancel' ? api['billing-cancel']({ runId: runId('cancel') }) : api['billing-post']({ runId: runId('post') }));
      if (!run) return 1;
      console.log(`meterdesk: billing run ${run.id} (${run.period}) ${action === 'cancel' ? 'cancelled: its readings are recorded (01) again' : 'posted: its readings are final (21)'}`);
      return 0;
    }
    if (values.run) {
      const run = await call(api['billing-run']({ period: period! }));
      if (!run) return 1;
      console.log(`meterdesk: billing run ${run.id} for ${run.period}: ${run.contracts.length} contract(s), readings now billed (11)`);
      run.contracts.forEach(printBill);
      console.log(`  run total CHF ${formatChf(run.total)} — cancel with --cancel ${run.id}, make final with --post ${run.id}`);
      return 0;
    }
    const preview = await api['billing-preview']({ period: period! });
    console.log(`meterdesk: billing preview for ${preview.period} (nothing is changed)`);
    preview.contracts.forEach(printBill);
    for (const skipped of preview.skipped) {
      console.log(`  left out: reading ${skipped.readingId} of ${skipped.equipmentId} — ${skipped.reason === 'flagged' ? 'flagged (A vérifier), confirm it first' : 'no contract'}`);
    }
    for (const contract of preview.notDue) {
      console.log(`  not due: ${contract.contractNumber} (${contract.customerNumber} ${contract.customerName}) — its ${contract.readings} reading(s) are billed in the run of ${contract.duePeriod}`);
    }
    const contractNumbers = new Map(preview.contracts.map((contract) => [contract.contractId, contract.contractNumber]));
    for (const missing of preview.missing) {
      console.log(`  not in the run: ${missing.equipmentId} of ${contractNumbers.get(missing.contractId)} (no reading for its period yet, or one held to check) — its usage comes in a later run`);
    }
    console.log(`  ${preview.contracts.length} contract(s), total CHF ${formatChf(preview.total)}`);
    for (const run of await api['billing-runs']({ period: period! })) {
      console.log(`  run ${run.id}: ${run.state}, CHF ${formatChf(run.total)}, by ${run.createdBy} at ${run.createdAt}`);
    }
    return 0;
  } finally {
    core.close();
  }
}

function wholeNumber(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`generate needs --${name} N`);
    return fallback;
  }
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, not "${text}"`);
  return Number(text);
}

function generate(values: Record<string, string | boolean | undefined>, dataDir: string): number {
  const sizes = {
    customers: wholeNumber('customers', values.customers as string | undefined),
    devices: wholeNumber('devices', values.devices as string | undefined),
    years: wholeNumber('years', values.years as string | undefined),
    seed: wholeNumber('seed', values.seed as string | undefined, 1),
  };
  const problem = checkGenerateOptions({ ...sizes, today: '' });
  if (problem) throw new UsageError(`--${problem}`);
  const started = performance.now();
  let generated;
  try {
    generated = generateDealerFolder(dataDir, sizes);
  } catch (error) {
    if (error instanceof GenerateRefusedError) {
      console.log(`meterdesk: generate refused — ${error.message}; nothing was changed`);
      return 1;
    }
    throw error;
  }
  const { counts } = generated;
  const seconds = (performance.now() - started) / 1000;
  console.log(`meterdesk: generated a dealer into ${dataDir} (seed ${sizes.seed}, ${sizes.years} years up to ${generated.today})`);
  console.log(
    `  ${counts.customers} customers (${counts.emails} e-mail addresses), ${counts.contracts} contracts (${counts.terms} terms), ` +
      `${counts.devices} devices (${counts.deviceCounters} counters), ${counts.readings} readings (${counts.counters} counter values)`,
  );
  console.log(`  ${counts.rows} rows in ${seconds.toFixed(1)} s (${Math.round(counts.rows / seconds)} rows/s, one transaction)`);
  return 0;
}

async function importReadingsFile(file: string, values: Record<string, string | boolean | undefined>, dataDir: string): Promise<number> {
  const content = readInputFile(file);
  const core = openCore({ dataDir });
  try {
    const args = {
      fileName: basename(file),
      content: content.toString('base64'),
      ...(values.mapping ? { source: values.mapping as string } : {}),
    };
    const report = values['dry-run'] ? await core.api['import-readings-preview'](args) : await core.api['import-readings-run'](args);
    printHowRead('readings', file, report, `, dates ${DATE_ORDERS[report.dateOrder]}`);
    if (report.missingColumns.length > 0) {
      console.log(`  missing columns: ${report.missingColumns.map((field) => importFieldLabel(field, 'en')).join(', ')} (name them in the file, or map them once with --mapping NAME in the app)`);
      console.log('  nothing imported');
      return 1;
    }
    for (const row of report.rows.filter((r) => r.action === 'error')) {
      const where = row.lines.length > 1 ? `lines ${row.lines.join(', ')}` : `line ${row.lines[0]}`;
      // A field's issue names the field; one of the whole reading (a different reading that day) needs no name.
      const problems = row.issues.map((issue) =>
        issue.field === 'reading' ? issueText(issue, 'en') : `${importFieldLabel(issue.field, 'en')}: ${issueText(issue, 'en')}`,
      );
      console.log(`  ${where} (${row.equipmentId || '?'}${row.date ? ` ${row.date}` : ''}): ${problems.join('; ')}`);
    }
    // Written, with something to know: a month covered already, an estimate replaced, far above the usual.
    const noticed = report.rows.filter((r) => (r.notices?.length ?? 0) > 0);
    for (const row of noticed) {
      console.log(`  note, line ${row.lines[0]} (${row.equipmentId} ${row.date ?? ''}): ${row.notices!.map((n) => issueText(n, 'en')).join('; ')}`);
    }
    const { create, unchanged, error } = report.counts;
    const verdict = values['dry-run'] ? 'checked, nothing written (--dry-run)' : `${create} imported`;
    // Each kind of notice counted by its own name (a replaced estimate is not a covered period).
    const withNotice = (code: string) => noticed.filter((r) => r.notices!.some((n) => n.code === code)).length;
    const kinds = [
      [withNotice('period-covered'), 'in a period covered already'],
      [withNotice('estimate-replaced'), 'into an estimate'],
      [withNotice('import-flagged'), 'to check'],
    ] as const;
    const notes = kinds.filter(([count]) => count > 0).map(([count, text]) => `${count} ${text}`);
    console.log(`  ${create} new${notes.length > 0 ? ` (${notes.join(', ')})` : ''}, ${unchanged} unchanged, ${error} refused — ${verdict}`);
    return error > 0 ? 1 : 0;
  } finally {
    core.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      demo: { type: 'boolean' },
      'no-build': { type: 'boolean' },
      kind: { type: 'string' },
      mapping: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'portal-port': { type: 'string' },
      'portal-host': { type: 'string' },
      'no-scheduler': { type: 'boolean' },
      'trust-proxy': { type: 'boolean' },
      period: { type: 'string' },
      resend: { type: 'boolean' },
      customer: { type: 'string' },
      preview: { type: 'boolean' },
      run: { type: 'boolean' },
      cancel: { type: 'string' },
      post: { type: 'string' },
      customers: { type: 'string' },
      devices: { type: 'string' },
      years: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'help', ...rest] = positionals;
  if (values.help || command === 'help') {
    // `billing --help`, or `help billing`: that command's part.
    const asked = command === 'help' ? rest[0] : values.help && positionals.length > 0 ? command : undefined;
    console.log(asked ? commandHelp(asked) : HELP);
    return 0;
  }
  const dataDir = resolve(values.data ?? defaultDataDir());
  if (command === 'import') {
    const [file, ...extra] = rest;
    if (!file) throw new UsageError('import needs the FILE to import');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    return importReadingsFile(file, values, dataDir);
  }
  if (command === 'import-master') {
    const [file, ...extra] = rest;
    if (!file) throw new UsageError('import-master needs the FILE to import');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    return importMasterFile(file, values, dataDir);
  }
  if (command === 'settings') return settings(rest, dataDir);
  if (command === 'restore') {
    const [file, ...extra] = rest;
    if (!file) throw new UsageError('restore needs the backup FILE');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    try {
      const result = restore(dataDir, resolve(file));
      const which = result.kind === 'portal' ? "the portal's database" : 'the database';
      console.log(`meterdesk: restored ${file} into ${result.restored}`);
      if (result.previous) console.log(`meterdesk: ${which} it replaced is kept as ${result.previous}`);
      // The portal is the back-office's copy: the next publish closes links replaced since the backup.
      if (result.kind === 'portal') console.log('meterdesk: synchronise once it runs again (npm run cli -- sync), so that links replaced since the backup stop working');
      return 0;
    } catch (error) {
      if (error instanceof RestoreRefusedError) {
        console.log(`meterdesk: restore refused — ${error.message}; nothing was changed`);
        return 1;
      }
      throw error;
    }
  }
  if (command === 'billing') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    return billing(values, dataDir);
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  switch (command) {
    case 'portal':
      await portal(values, dataDir);
      return 0;
    case 'backup': {
      const core = openCore({ dataDir });
      try {
        const keep = webConfig(core.db).backupKeep;
        const result = await backupNow(core.db, dataDir, keep);
        console.log(`meterdesk: backup written to ${result.file}`);
        if (result.portalFile) console.log(`meterdesk: portal backup written to ${result.portalFile}`);
        if (result.pruned.length > 0) console.log(`meterdesk: removed ${result.pruned.length} old backup(s), keeping ${keep}`);
        return 0;
      } finally {
        core.close();
      }
    }
    case 'sync':
      return withWeb(dataDir, async (core) => {
        const report = await core.context.web!.sync();
        console.log(
          `meterdesk: synchronised — ${report.published} links published, ${report.collected} submissions collected: ` +
            `${report.applied} new web readings, ${report.held} kept aside for a decision` +
            (report.already > 0 ? `, ${report.already} stored by an earlier run` : ''),
        );
        return 0;
      });
    case 'send-requests': {
      const period = values.period;
      if (period !== undefined && !isPeriod(period)) throw new UsageError(`--period must be YYYY-MM, not "${period}"`);
      return withWeb(dataDir, async (core) => {
        const report = await core.context.web!.sendRequests(period, {
          resend: Boolean(values.resend),
          ...(values.customer !== undefined ? { customerNumber: values.customer } : {}),
        });
        console.log(`meterdesk: reading requests for ${report.period}`);
        for (const item of report.planned) {
          const failed = report.failed.find((f) => f.customerNumber === item.customerNumber);
          console.log(`  ${item.customerNumber} → ${item.recipients.join(', ')}: ${failed ? `NOT SENT (${failed.error}); queued, retried later` : 'sent'}`);
        }
        for (const failed of report.failed.filter((f) => !report.planned.some((p) => p.customerNumber === f.customerNumber))) {
          console.log(`  ${failed.customerNumber} (queued earlier): NOT SENT (${failed.error}); retried later`);
        }
        for (const skipped of report.skipped) {
          console.log(`  ${skipped.customerNumber}: skipped — ${SKIP_REASONS[skipped.reason]}`);
        }
        // One customer asked for, and nothing planned or skipped: none of its devices is due.
        const asked = values.customer;
        if (asked !== undefined && !report.planned.some((p) => p.customerNumber === asked) && !report.skipped.some((s) => s.customerNumber === asked)) {
          console.log(`  ${asked}: nothing to send — none of its devices is due in ${report.period}`);
        }
        console.log(`  ${report.sent} sent, ${report.failed.length} failed, ${report.skipped.length} skipped`);
        return report.failed.length > 0 ? 1 : 0;
      });
    }
    case 'link': {
      const period = values.period;
      if (period !== undefined && !isPeriod(period)) throw new UsageError(`--period must be YYYY-MM, not "${period}"`);
      const customer = values.customer;
      if (customer === undefined) throw new UsageError('link needs --customer NUMBER');
      return withWeb(dataDir, async (core) => {
        try {
          const link = await core.context.web!.handOverLink(customer, period);
          console.log(`meterdesk: a new link for customer ${link.customerNumber} (${link.period}), valid until ${link.validUntil} — give it yourself; it is shown only now:`);
          console.log(`  ${link.url}`);
          if (link.replacedLink) console.log('  the previous link no longer works');
          if (!link.published) console.log('  the portal could not be reached: the link works from the next sync');
          return 0;
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          console.log(`meterdesk: ${error.message}`);
          return 1;
        }
      });
    }
    case 'serve':
      await serve(values, dataDir);
      return 0;
    case 'demo':
      demo(dataDir);
      return 0;
    case 'generate':
      return generate(values, dataDir);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        // Node's own text for an unknown option goes on about positional arguments (and leaves a quote open).
        const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
        const message = unknown ? `unknown option ${unknown[1]}` : (error as Error).message;
        console.error(`meterdesk: ${message}\nRun "npm run cli -- --help" for the commands and options.`);
        process.exit(2);
      }
      console.error(`meterdesk: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
