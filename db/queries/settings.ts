import type { Database } from '../database';

export function setSetting(db: Database, key: string, value: string): void {
  db.run(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, value],
  );
}

/** Every stored setting in one query. */
export function allSettings(db: Database): Map<string, string> {
  return new Map(
    db
      .all<{ key: string; value: string }>('SELECT key, value FROM settings')
      .map((row) => [row.key, row.value]),
  );
}
