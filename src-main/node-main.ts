/**
 * Assembles meterdesk from its pieces: the database in the data folder, the core service and
 * the HTTP server. The browser-mode entry and the Electron main both build on `openCore`;
 * nothing here knows about Electron.
 */
import { userInfo } from 'node:os';
import { Database } from '../db/database';
import type { Api } from '../shared/api';
import { timestamp, today, type CoreContext } from './core/context';
import { loadDemoData } from './core/demo';
import { databaseFile } from './core/paths';
import { createCore } from './core/service';
import { createBackOfficeServer, type BackOfficeServer } from './http/server';
import packageJson from '../package.json' with { type: 'json' };

export interface CoreOptions {
  dataDir: string;
  migrationsDir?: string;
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

export function openCore(options: CoreOptions): OpenedCore {
  const db = Database.open({ file: databaseFile(options.dataDir), migrationsDir: options.migrationsDir });
  const context: CoreContext = {
    db,
    author: options.author ?? currentUser(),
    version: options.version ?? packageJson.version,
    now: options.now ?? (() => new Date()),
  };
  return { db, context, api: createCore(context), close: () => db.close() };
}

/** Fills an empty database with the demo data; false when it already holds data. */
export function loadDemo(core: OpenedCore): boolean {
  return loadDemoData(core.db, today(core.context), timestamp(core.context));
}

export interface BrowserModeOptions extends CoreOptions {
  host: string;
  port: number;
  staticDir: string | null;
  demo: boolean;
}

export interface BrowserMode {
  core: OpenedCore;
  server: BackOfficeServer;
  url: string;
  demoLoaded: boolean;
  stop(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const core = openCore(options);
  try {
    const demoLoaded = options.demo ? loadDemo(core) : false;
    const server = createBackOfficeServer({
      api: core.api,
      host: options.host,
      port: options.port,
      staticDir: options.staticDir,
    });
    const url = await server.start();
    return {
      core,
      server,
      url,
      demoLoaded,
      async stop() {
        await server.stop();
        core.close();
      },
    };
  } catch (error) {
    core.close();
    throw error;
  }
}
