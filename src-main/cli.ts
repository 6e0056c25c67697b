/**
 * `npm run cli -- <command>`: meterdesk without the desktop shell. Every command takes
 * `--data DIR`; output meant for people goes to stdout, logs to stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { issueText } from '../shared/i18n/issue-text';
import { MASTER_KINDS, type MasterKind } from '../shared/import/master-fields';
import { defaultDataDir } from './core/paths';
import { isLoopback } from './http/server';
import { loadDemo, openCore, startBrowserMode } from './node-main';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const DEFAULT_PORT = 4780;

const HELP = `meterdesk — meter readings and print billing for copier dealers

Usage: npm run cli -- <command> [options]
       npm run serve -- [options]          (same as: npm run cli -- serve)

Commands:
  serve     Start browser mode: the core, the HTTP API and the UI on 127.0.0.1,
            printing the address to open.
  demo      Fill an empty database with the demo data, then exit.
  import-master FILE [--kind customers|contracts|devices] [--mapping NAME] [--dry-run]
            Import customers, contracts or devices from a CSV (UTF-8 or Windows-1252,
            ; , tab or | separated) or Excel (.xlsx) export of the dealer's current
            system. The kind and the columns are recognised from the headers; --mapping
            NAME uses (and saves) the column mapping of that source. Every row is
            checked; with any error nothing is imported (exit code 1). Rows are matched
            by customer number, contract number and equipment ID, so importing the
            same file again updates instead of duplicating. --dry-run only checks.
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

Environment:
  METERDESK_DATA       data folder, as --data
  METERDESK_USER       the name recorded as author of changes (default: the OS user)
  METERDESK_LOG_LEVEL  log level on stderr: fatal, error, warn, info (default), debug, silent
`;

class UsageError extends Error {}

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
    mode = await startBrowserMode({ dataDir, host, port, staticDir: RENDERER_DIR, demo: Boolean(values.demo) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`port ${port} on ${host} is in use (another meterdesk?); pass --port N`);
    }
    throw error;
  }
  if (mode.demoLoaded) console.log('meterdesk: demo data loaded');
  console.log(`meterdesk: data folder ${dataDir}`);
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
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const core = openCore({ dataDir });
  try {
    const args = {
      fileName: basename(file),
      content: content.toString('base64'),
      ...(kind ? { kind: kind as MasterKind } : {}),
      ...(values.mapping ? { source: values.mapping as string } : {}),
    };
    const report = values['dry-run'] ? await core.api['import-master-preview'](args) : await core.api['import-master-run'](args);
    const delimiter = report.delimiter === '\t' ? 'tab' : report.delimiter;
    console.log(`meterdesk: ${report.kind} from ${file} (${report.encoding}${delimiter ? `, "${delimiter}"` : ''})`);
    console.log(`  columns: ${Object.entries(report.mapping).map(([field, header]) => `${field} ← "${header}"`).join(', ')}`);
    if (report.missingColumns.length > 0) {
      console.log(`  missing columns: ${report.missingColumns.join(', ')} (name them in the file, or map them in the app's import)`);
      console.log('  nothing imported');
      return 1;
    }
    for (const row of report.rows.filter((r) => r.action === 'error')) {
      for (const issue of row.issues) {
        const column = report.mapping[issue.field];
        console.log(`  line ${row.line} (${row.key || '?'}): ${issue.field}${column ? ` ("${column}")` : ''}: ${issueText(issue, 'en')}`);
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'help', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  const dataDir = resolve(values.data ?? defaultDataDir());
  if (command === 'import-master') {
    const [file, ...extra] = rest;
    if (!file) throw new UsageError('import-master needs the FILE to import');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    return importMasterFile(file, values, dataDir);
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  switch (command) {
    case 'serve':
      await serve(values, dataDir);
      return 0;
    case 'demo':
      demo(dataDir);
      return 0;
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
        console.error(`meterdesk: ${(error as Error).message}\nRun "npm run cli -- --help" for the commands and options.`);
        process.exit(2);
      }
      console.error(`meterdesk: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
