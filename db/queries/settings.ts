import type { Database } from '../database';
import { SETTINGS } from '../../shared/settings-schema';

/**
 * How secret settings (the SMTP address with its password, the portal's sync secret) are
 * kept at rest where the OS offers a keychain: the desktop app seals them with Electron's
 * `safeStorage` (SPEC §7), so that neither the database nor its backups hold them in clear.
 * Browser mode and the command line have no keychain: there they stay as typed.
 */
export interface SecretBox {
  seal(clear: string): string;
  /** Throws when the value was sealed by another keychain (another user, another PC). */
  open(sealed: string): string;
}

/** A sealed value in the settings table: this prefix, then what the keychain made of it. */
export const SEALED_PREFIX = 'sealed:';

const SECRET_KEYS: ReadonlySet<string> = new Set(SETTINGS.filter((setting) => setting.kind === 'secret').map((setting) => setting.key));
const boxes = new WeakMap<Database, SecretBox>();

function write(db: Database, key: string, value: string): void {
  db.run(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, value],
  );
}

export function setSetting(db: Database, key: string, value: string): void {
  const box = boxes.get(db);
  write(db, key, box && SECRET_KEYS.has(key) ? `${SEALED_PREFIX}${box.seal(value)}` : value);
}

function opened(db: Database, value: string): string | undefined {
  if (!value.startsWith(SEALED_PREFIX)) return value;
  const box = boxes.get(db);
  if (!box) return undefined;
  try {
    return box.open(value.slice(SEALED_PREFIX.length));
  } catch {
    return undefined;
  }
}

function storedRows(db: Database): Array<{ key: string; value: string }> {
  return db.all<{ key: string; value: string }>('SELECT key, value FROM settings');
}

/**
 * Every stored setting in one query. Sealed secrets are opened only with `openSecrets` (the
 * web jobs' configuration, the settings screen): the core reads its settings on every call,
 * and the keychain is not asked each time. A sealed one this process cannot open (no
 * keychain here, or another's) is left out: see `sealedSettings`.
 */
export function allSettings(db: Database, openSecrets = false): Map<string, string> {
  const settings = new Map<string, string>();
  for (const row of storedRows(db)) {
    const sealed = row.value.startsWith(SEALED_PREFIX);
    if (sealed && !openSecrets) continue;
    const value = sealed ? opened(db, row.value) : row.value;
    if (value !== undefined) settings.set(row.key, value);
  }
  return settings;
}

/** The keys of the secrets stored sealed that this process cannot open. */
export function sealedSettings(db: Database): string[] {
  return storedRows(db)
    .filter((row) => row.value.startsWith(SEALED_PREFIX) && opened(db, row.value) === undefined)
    .map((row) => row.key);
}

/**
 * From now on, this database's secrets are sealed with `box`; those still in clear (typed
 * before, or in browser mode) are sealed at once, in one transaction. Returns how many.
 */
export function keepSecretsSealed(db: Database, box: SecretBox): number {
  // A keychain that cannot seal and open again (locked, refused) is not used: it throws here,
  // before anything depends on it, and the secrets stay as they are.
  if (box.open(box.seal('meterdesk')) !== 'meterdesk') throw new Error('the keychain does not give back what it sealed');
  boxes.set(db, box);
  const clear = storedRows(db).filter((row) => SECRET_KEYS.has(row.key) && !row.value.startsWith(SEALED_PREFIX));
  if (clear.length === 0) return 0;
  // The clear values are overwritten with zeros where they were (secure_delete), and their
  // frames leave the write-ahead log, so no copy of the file holds them any more.
  const secureDelete = db.pragma('secure_delete');
  db.pragma('secure_delete = ON');
  try {
    db.transaction(() => {
      for (const row of clear) setSetting(db, row.key, row.value);
    });
  } catch (error) {
    boxes.delete(db);
    throw error;
  } finally {
    db.pragma(`secure_delete = ${Number(secureDelete)}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return clear.length;
}
