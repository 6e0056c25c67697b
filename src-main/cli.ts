/**
 * `npm run cli -- <command>`: meterdesk without the desktop shell. Every command takes
 * `--data DIR`; output meant for people goes to stdout, logs to stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'help', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const dataDir = resolve(values.data ?? defaultDataDir());
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
      if (code !== 0) process.exit(code);
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
