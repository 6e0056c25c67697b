/**
 * The backups folder from the settings screen: what is there, a backup now (the nightly job's,
 * by hand: before a big import, before an update), and a restore — carried out at the app's
 * next start, before it opens the database (`applyPendingRestore`), or from the CLI
 * (`npm run cli -- restore FILE`) while the app is closed.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BackupFile, BackupList } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import { BACKUP_DIR, backupNow, cancelRestore, lastRestores, listBackups, pendingRestores, requestRestore, RestoreRefusedError } from '../../jobs/backup';
import { webConfig } from '../../jobs/config';
import type { CoreContext } from '../context';

function dataDirOf(core: CoreContext): string {
  if (!core.dataDir) throw new ApiError('bad-request', 'this core was opened without a data folder');
  return core.dataDir;
}

function kindOf(name: string): BackupFile['kind'] {
  if (name.startsWith('meterdesk-')) return 'database';
  if (name.startsWith('portal-')) return 'portal';
  return 'kept';
}

const KIND_ORDER: Array<BackupFile['kind']> = ['database', 'portal', 'kept'];

/** Newest first; of one backup (the same second), the database before the portal's. */
export function backupsList(core: CoreContext): BackupList {
  const dataDir = dataDirOf(core);
  const files = listBackups(dataDir)
    .map(({ file, bytes }) => ({ name: basename(file), kind: kindOf(basename(file)), at: statSync(file).mtime.toISOString(), bytes }))
    .sort(
      (a, b) =>
        b.at.slice(0, 19).localeCompare(a.at.slice(0, 19)) ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        b.name.localeCompare(a.name),
    );
  return {
    folder: join(dataDir, BACKUP_DIR),
    files,
    pending: pendingRestores(dataDir),
    lastRestores: lastRestores(dataDir).map(({ name, at, previous, refused }) => ({ name, at, previous, refused })),
  };
}

export async function backupByHand(core: CoreContext): Promise<BackupList> {
  await backupNow(core.db, dataDirOf(core), webConfig(core.db).backupKeep, core.now());
  return backupsList(core);
}

/** A backup to restore at the next start, checked now (a refusal is a validation error); `cancel`: take back that kind's. */
export function backupRestore(core: CoreContext, args: { name?: string; cancel?: 'meterdesk' | 'portal' }): BackupList {
  const dataDir = dataDirOf(core);
  if (args.cancel) cancelRestore(dataDir, args.cancel);
  else if (args.name) {
    try {
      requestRestore(dataDir, args.name, core.author, core.now(), core.migrationDirs);
    } catch (error) {
      if (!(error instanceof RestoreRefusedError)) throw error;
      throw new ApiError('validation', error.message, [{ field: 'name', code: 'restore-refused', params: { reason: error.reason } }]);
    }
  }
  return backupsList(core);
}
