import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'meterdesk';

/**
 * The per-user data folder, the same one Electron's `app.getPath('userData')` names, so the
 * desktop app and browser mode find the same database. METERDESK_DATA overrides it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.METERDESK_DATA) return env.METERDESK_DATA;
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
  }
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'meterdesk.sqlite');
}
