/**
 * The backups folder from the settings screen: what is there, and a backup now (the nightly
 * job's, by hand: before a big import, before an update). Restoring stays outside the running
 * app (`npm run cli -- restore FILE`), which must let go of the database first.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BackupFile, BackupList } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import { BACKUP_DIR, backupNow, listBackups } from '../../jobs/backup';
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
  return { folder: join(dataDir, BACKUP_DIR), files };
}

export async function backupByHand(core: CoreContext): Promise<BackupList> {
  await backupNow(core.db, dataDirOf(core), webConfig(core.db).backupKeep, core.now());
  return backupsList(core);
}
