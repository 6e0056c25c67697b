/**
 * Assembles meterdesk from its pieces: the database in the data folder, the core service and
 * the HTTP server. The browser-mode entry and the Electron main both build on `openCore`;
 * nothing here knows about Electron.
 */
import { userInfo } from 'node:os';
import { Database } from '../db/database';
import type { Api } from '../shared/api';
import type { CoreContext } from './core/context';
import { loadDemoData } from './core/demo';
import { databaseFile } from './core/paths';
import { createCore } from './core/service';
import { createBackOfficeServer, type BackOfficeServer } from './http/server';
import type { SendSummary, SyncSummary } from '../shared/api';
import { applyPendingRestore, DEFAULT_MIGRATION_DIRS, lockDataDir, type MigrationDirs, type RestoreOutcome } from './jobs/backup';
import { webConfig } from './jobs/config';
import { startWebReading, type WebRuntime } from './jobs/runtime';
import type { SendReport, SyncReport } from './jobs/web-jobs';
import packageJson from '../package.json' with { type: 'json' };

export interface CoreOptions {
  dataDir: string;
  migrationsDir?: string;
  /** The portal's migrations, where not beside the sources (for a restore of its backup). */
  portalMigrationsDir?: string;
  author?: string;
  version?: string;
  now?: () => Date;
}

export interface OpenedCore {
  db: Database;
  context: CoreContext;
  api: Api;
  close(): void;
}

/** The OS account stands for the clerk until meterdesk has logins. */
export function currentUser(): string {
  try {
    return process.env.METERDESK_USER || userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function migrationDirsOf(options: Pick<CoreOptions, 'migrationsDir' | 'portalMigrationsDir'>): MigrationDirs {
  return {
    meterdesk: options.migrationsDir ?? DEFAULT_MIGRATION_DIRS.meterdesk,
    portal: options.portalMigrationsDir ?? DEFAULT_MIGRATION_DIRS.portal,
  };
}

export function openCore(options: CoreOptions): OpenedCore {
  const db = Database.open({ file: databaseFile(options.dataDir), migrationsDir: options.migrationsDir });
  const context: CoreContext = {
    db,
    author: options.author ?? currentUser(),
    version: options.version ?? packageJson.version,
    now: options.now ?? (() => new Date()),
    dataDir: options.dataDir,
    migrationDirs: migrationDirsOf(options),
  };
  return { db, context, api: createCore(context), close: () => db.close() };
}

/** Fills an empty database with the demo data; false when it already holds data. */
export function loadDemo(core: OpenedCore): boolean {
  return loadDemoData(core.context);
}

/** The UI's and the CLI's view of the web jobs' reports. */
export function summariseSync(report: SyncReport): SyncSummary {
  const { published, collected, applied, held, already } = report;
  return { published, collected, applied, held, already };
}

export function summariseSend(report: SendReport): SendSummary {
  return {
    period: report.period,
    planned: report.planned.map(({ customerNumber, recipients }) => ({ customerNumber, recipients })),
    skipped: report.skipped,
    sent: report.delivery.sent.length,
    failed: report.delivery.failed.map(({ customerNumber, error }) => ({ customerNumber, error })),
  };
}

export interface WebOptions {
  portal: 'serve' | 'private';
  scheduler: boolean;
  portalHost?: string;
  portalPort?: number;
  portalMigrationsDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts web reading beside an opened core and lets the core's API reach its jobs. */
export async function startWeb(core: OpenedCore, dataDir: string, options: WebOptions): Promise<WebRuntime> {
  const read = (makeSecret: boolean) =>
    webConfig(core.db, options.env ?? process.env, { portalHost: options.portalHost, portalPort: options.portalPort, makeSecret });
  const runtime = await startWebReading({
    core: core.context,
    dataDir,
    config: read(true),
    reload: () => read(false),
    portal: options.portal,
    scheduler: options.scheduler,
    portalMigrationsDir: options.portalMigrationsDir,
  });
  core.context.web = {
    sync: async () => summariseSync(await runtime.sync()),
    sendRequests: async (period, opts) => summariseSend(await runtime.sendRequests(period, opts)),
    handOverLink: (customerNumber, period) => runtime.handOverLink(customerNumber, period),
  };
  return runtime;
}

export interface BrowserModeOptions extends CoreOptions {
  host: string;
  port: number;
  staticDir: string | null;
  demo: boolean;
  /** The built-in portal's port (null: the configured one, default 4781; 0 picks a free one). */
  portalPort?: number | null;
  portalHost?: string | null;
  scheduler?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface BrowserMode {
  core: OpenedCore;
  server: BackOfficeServer;
  web: WebRuntime;
  url: string;
  demoLoaded: boolean;
  /** The restores asked for from the settings screen, carried out before the database opened. */
  restored: RestoreOutcome[];
  stop(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const restored = applyPendingRestore(options.dataDir, options.now?.(), migrationDirsOf(options));
  const core = openCore(options);
  const unlock = lockDataDir(options.dataDir);
  try {
    const demoLoaded = options.demo ? loadDemo(core) : false;
    const server = createBackOfficeServer({
      api: core.api,
      host: options.host,
      port: options.port,
      staticDir: options.staticDir,
    });
    const web = await startWeb(core, options.dataDir, {
      portal: 'serve',
      scheduler: options.scheduler ?? true,
      portalHost: options.portalHost ?? undefined,
      portalPort: options.portalPort ?? undefined,
      env: options.env,
    });
    let url: string;
    try {
      url = await server.start();
    } catch (error) {
      await web.stop();
      unlock();
      throw error;
    }
    return {
      core,
      server,
      web,
      url,
      demoLoaded,
      restored,
      async stop() {
        await server.stop();
        await web.stop();
        core.close();
        unlock();
      },
    };
  } catch (error) {
    core.close();
    unlock();
    throw error;
  }
}
