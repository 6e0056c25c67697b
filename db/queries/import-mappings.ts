import type { ColumnMapping, MasterKind } from '../../shared/import/master-fields';

/** Master data, or the readings of a meter import. */
export type MappingKind = MasterKind | 'readings';
import type { Database } from '../database';

export function getMapping(db: Database, source: string, kind: MappingKind): ColumnMapping | undefined {
  const row = db.get<{ mapping: string }>('SELECT mapping FROM import_mappings WHERE source = ? AND kind = ?', [source, kind]);
  return row && (JSON.parse(row.mapping) as ColumnMapping);
}

export function saveMapping(db: Database, source: string, kind: MappingKind, mapping: ColumnMapping, now: string): void {
  db.run(
    `INSERT INTO import_mappings (source, kind, mapping, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (source, kind) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
    [source, kind, JSON.stringify(mapping), now],
  );
}

/** Every saved mapping: the master data's and the meter import's (the import page reads a source's files by them). */
export function listMappings(db: Database): Array<{ source: string; kind: MappingKind; mapping: ColumnMapping }> {
  return db
    .all<{ source: string; kind: MappingKind; mapping: string }>(
      `SELECT source, kind, mapping FROM import_mappings WHERE kind IN ('customers', 'contracts', 'devices', 'readings') ORDER BY source, kind`,
    )
    .map((row) => ({ source: row.source, kind: row.kind, mapping: JSON.parse(row.mapping) as ColumnMapping }));
}
