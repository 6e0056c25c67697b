/**
 * The desktop app's entry (bundled to out/main/index.js). It assembles the same pieces as
 * browser mode (node-main.ts), with a window and IPC in place of the HTTP server. Keep it
 * thin: no business rules here, and nothing that a test would have to import.
 */
import { app, BrowserWindow, dialog, session } from 'electron';
import { join } from 'node:path';
import { settingsOf } from '../core/context';
import { translations } from '../../shared/i18n';
import { logger } from '../core/log';
import { databaseFile } from '../core/paths';
import { applyPendingRestore, lockDataDir, sealBackupSecrets } from '../jobs/backup';
import type { WebRuntime } from '../jobs/runtime';
import { currentUser, migrationDirsOf, openCore, startWeb, type OpenedCore } from '../node-main';
import { keepSecretsSealed } from '../../db/queries/settings';
import { registerIpc } from './ipc';
import { osKeychain } from './keychain';
import { installMenu } from './menu';
import { enableSandbox, secureSession, secureWebContents } from './security';

const log = logger('electron-main');

// The bundle's layout (electron.vite.config.ts): out/main/index.js beside out/preload/ and
// out/renderer/, inside app.asar once packaged.
const RENDERER_FILE = join(import.meta.dirname, '../renderer/index.html');
const PRELOAD_FILE = join(import.meta.dirname, '../preload/preload.cjs');

let core: OpenedCore | undefined;
let mainWindow: BrowserWindow | undefined;
let unregisterIpc: (() => void) | undefined;
let web: WebRuntime | undefined;
let unlockDataDir: (() => void) | undefined;

function createWindow(): BrowserWindow {
  const appWindow = new BrowserWindow({
    title: 'meterdesk',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    // Shown once painted, so the clerk never sees an empty white frame.
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: PRELOAD_FILE,
    },
  });
  appWindow.once('ready-to-show', () => appWindow.show());
  // A form with unsaved changes refuses the unload (its beforeunload): Electron would keep the
  // window open without a word, so the question a browser asks is asked here.
  appWindow.webContents.on('will-prevent-unload', (event) => {
    const texts = translations[core ? settingsOf(core.context).language : 'de'].app;
    const choice = dialog.showMessageBoxSync(appWindow, {
      type: 'question',
      buttons: [texts.leave, texts.stay],
      defaultId: 1,
      cancelId: 1,
      message: texts.unsavedLeave,
    });
    if (choice === 0) event.preventDefault();
  });
  appWindow.on('closed', () => {
    if (mainWindow === appWindow) mainWindow = undefined;
  });
  appWindow.webContents.on('render-process-gone', (_event, details) => {
    log.error(
      { reason: details.reason, exitCode: details.exitCode },
      'the renderer process is gone',
    );
  });
  appWindow.loadFile(RENDERER_FILE).catch((error: unknown) => {
    log.error({ err: error, file: RENDERER_FILE }, 'could not load the renderer');
  });
  return appWindow;
}

function start(): void {
  secureSession(session.defaultSession);
  const dataDir = app.getPath('userData');
  // db/database.ts finds its migrations beside its source; in the bundle they are shipped as
  // db/migrations/ and db/portal/migrations/ in the app folder (electron-builder.yml).
  const migrations = {
    migrationsDir: join(app.getAppPath(), 'db', 'migrations'),
    portalMigrationsDir: join(app.getAppPath(), 'db', 'portal', 'migrations'),
  };
  // The restores asked for from the settings screen, before the databases open (refused: nothing changed).
  try {
    for (const restored of applyPendingRestore(dataDir, new Date(), migrationDirsOf(migrations))) {
      log.info({ restored }, restored.refused ? 'restore refused' : 'backup restored');
    }
  } catch (error) {
    log.error({ err: error, dataDir }, 'the restore asked for failed; the database is as it was');
  }
  try {
    core = openCore({
      dataDir,
      ...migrations,
      author: currentUser(),
      version: app.getVersion(),
    });
  } catch (error) {
    // Typically a database written by a newer meterdesk, which must not be touched.
    log.error({ err: error, dataDir }, 'could not open the database');
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('meterdesk', `${message}\n\n${databaseFile(dataDir)}`);
    app.exit(1);
    return;
  }
  log.info({ dataDir, version: app.getVersion() }, 'database open');
  unlockDataDir = lockDataDir(dataDir);

  // Secret settings sealed by the OS keychain, before the portal reads (or makes) its secret.
  const keychain = osKeychain();
  try {
    if (keychain) {
      const sealed = keepSecretsSealed(core.db, keychain);
      if (sealed > 0) log.info({ sealed }, 'secret settings sealed with the OS keychain');
      // Backups made before (or in browser mode) hold them in clear: sealed there too, once
      // the window is up (a VACUUM per backup must not keep it from opening).
      setTimeout(() => {
        try {
          const backups = sealBackupSecrets(dataDir, keychain);
          if (backups.sealed.length > 0) log.info({ backups: backups.sealed.length }, 'secret settings sealed in the backups');
          if (backups.failed.length > 0) log.warn({ files: backups.failed }, 'backups that could not be opened may still hold secrets in clear');
        } catch (error) {
          log.error({ err: error }, 'the backups could not be sealed');
        }
      }, 2_000);
    } else {
      log.warn('no OS keychain: secret settings are stored in clear in the database');
    }
  } catch (error) {
    // A keychain that refuses (locked, access denied) must not keep the app from starting.
    log.error({ err: error }, 'the OS keychain refused to seal the secret settings: they stay in clear');
  }

  // The customer portal and the scheduler (SPEC §6) run in this process, as in browser mode.
  const opened = core;
  startWeb(opened, dataDir, {
    portal: 'serve',
    scheduler: true,
    portalMigrationsDir: migrations.portalMigrationsDir,
  }).then(
    (runtime) => {
      web = runtime;
      log.info({ portal: runtime.portalUrl }, 'customer portal running');
    },
    (error: unknown) => {
      // The back-office works without the portal (e.g. its port is taken): say so, carry on.
      log.error({ err: error }, 'the customer portal could not start');
      dialog.showErrorBox('meterdesk', `The customer portal could not start: ${error instanceof Error ? error.message : String(error)}`);
    },
  );

  unregisterIpc = registerIpc({
    api: core.api,
    rendererFile: RENDERER_FILE,
    appContents: () => mainWindow?.webContents,
  });
  installMenu({ language: settingsOf(core.context).language, devTools: !app.isPackaged });
  mainWindow = createWindow();
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

// One process per user: a second one would run a second scheduler and portal on the same
// data. A second start brings the first window forward instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Both must be in place before the first web contents exists.
  enableSandbox();
  secureWebContents(RENDERER_FILE);

  app.on('second-instance', focusMainWindow);
  app.on('window-all-closed', () => {
    // macOS apps stay open without windows; the dock icon brings the window back.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core && !mainWindow) mainWindow = createWindow();
  });
  app.on('will-quit', (event) => {
    unregisterIpc?.();
    unregisterIpc = undefined;
    if (web) {
      // Stop the portal and the scheduler before the database closes, then quit for real.
      event.preventDefault();
      const stopping = web;
      web = undefined;
      void stopping.stop().finally(() => app.quit());
      return;
    }
    core?.close();
    core = undefined;
    unlockDataDir?.();
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log.fatal({ err: error }, 'could not start');
      dialog.showErrorBox('meterdesk', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
