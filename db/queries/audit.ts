import type { AuditEntry } from '../../shared/models';
import type { Database } from '../database';

export type Changes = Record<string, [unknown, unknown]>;

export interface AuditRecord {
  at: string;
  author: string;
  entity: string;
  entityId: number;
  action: AuditEntry['action'];
  changes: Changes;
}

export function insertAudit(db: Database, record: AuditRecord): void {
  db.run(
    `INSERT INTO audit_log (at, author, entity, entity_id, action, changes) VALUES (?, ?, ?, ?, ?, ?)`,
    [record.at, record.author, record.entity, record.entityId, record.action, JSON.stringify(record.changes)],
  );
}

interface AuditRow {
  id: number;
  at: string;
  author: string;
  entity: string;
  entity_id: number;
  action: AuditEntry['action'];
  changes: string;
}

export function listAudit(db: Database, entity: string, entityId: number): AuditEntry[] {
  return db
    .all<AuditRow>(
      `SELECT id, at, author, entity, entity_id, action, changes FROM audit_log
       WHERE entity = ? AND entity_id = ? ORDER BY id`,
      [entity, entityId],
    )
    .map((row) => ({
      id: row.id,
      at: row.at,
      author: row.author,
      entity: row.entity,
      entityId: row.entity_id,
      action: row.action,
      changes: JSON.parse(row.changes) as Changes,
    }));
}

/** Whether a field changed: text, numbers and booleans as they are, objects by their JSON. */
function differs(a: unknown, b: unknown): boolean {
  if (a === b) return false;
  return typeof a !== 'object' || typeof b !== 'object' || JSON.stringify(a) !== JSON.stringify(b);
}

/** Field-by-field differences between two flat records; only what changed. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const key in before) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (differs(a, b)) changes[key] = [a, b];
  }
  for (const key in after) {
    if (key in before) continue;
    const b = after[key] ?? null;
    if (differs(null, b)) changes[key] = [null, b];
  }
  return changes;
}
