/**
 * Import of a dealer's existing customers, contracts and devices (issue 7). Every row goes
 * through the same handlers as the forms, inside one transaction: a preview runs it all and
 * rolls back; a run commits only when no row has an error, so nothing is ever half-imported.
 * Rows are matched by customer number, contract number and equipment ID, so importing the
 * same file again updates (or leaves unchanged) instead of duplicating.
 */
import { getContractIdByNumber } from '../../../db/queries/contracts';
import { getMapping, saveMapping } from '../../../db/queries/import-mappings';
import { getContract, getCustomerByNumber, getDeviceByEquipmentId } from '../../../db/queries/master-data';
import type { ApiArgs, ImportAction, ImportReport, ImportRowResult } from '../../../shared/api';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import {
  autoMapping,
  detectKind,
  MASTER_FIELDS,
  type ColumnMapping,
  type MasterKind,
} from '../../../shared/import/master-fields';
import { checkCustomer } from '../../../shared/rules/master-data';
import type { Changes } from '../../../db/queries/audit';
import { contractRow, customerRow, deviceRow, importField, missingValues, type RowValues } from '../../../shared/import/master-rows';
import { timestamp, today, type CoreContext } from '../context';
import { saveContract } from '../handlers/contracts';
import { saveCustomer } from '../handlers/customers';
import { saveDevice } from '../handlers/devices';
import { mappingFor, readUpload, rowsAt, type Table } from './read-table';

/** Thrown inside the transaction to undo a preview or a file with errors. */
class Rollback extends Error {}

type ImportArgs = ApiArgs<'import-master-preview'> & { saveMapping?: boolean };

interface Outcome {
  action: Exclude<ImportAction, 'error'>;
  /** An update's fields, old → new, as its change log has them. */
  changes?: Changes;
}

/** What a save just changed of the record, from the change log it wrote. */
function outcomeOf(core: CoreContext, entity: string, existing: { id: number; revision: number } | undefined, saved: { id: number; revision: number }): Outcome {
  if (!existing) return { action: 'create' };
  if (saved.revision === existing.revision) return { action: 'unchanged' };
  const entry = core.db.get<{ changes: string }>(
    `SELECT changes FROM audit_log WHERE entity = ? AND entity_id = ? AND action = 'update' ORDER BY id DESC LIMIT 1`,
    [entity, saved.id],
  );
  return { action: 'update', changes: entry ? (JSON.parse(entry.changes) as Changes) : {} };
}

/** A refused row's issues, each on the import column it concerns (a refusal without issues on the row). */
function issuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) throw error;
  return error.refusal().map((issue) => ({ ...issue, field: issue.field === 'reading' ? 'row' : importField(issue.field) }));
}

/**
 * A column the file does not have leaves that field of a known record as it is: a file of
 * numbers and addresses does not turn every customer German, without web reading and e-mails,
 * nor a list of contracts without an end column end them all, or one of devices without
 * counters take theirs away. (A column there with an empty cell does empty the field.)
 */
function keepAbsent<T extends object>(input: T, existing: Partial<T>, values: RowValues, fields: ReadonlyArray<keyof T & string>): T {
  const kept = { ...input };
  for (const field of fields) {
    if (values[field] === undefined && existing[field] !== undefined) kept[field] = existing[field];
  }
  return kept;
}

function importCustomer(core: CoreContext, values: RowValues): Outcome {
  const { input: read, issues } = customerRow(values);
  const existing = getCustomerByNumber(core.db, read.number);
  const input = existing ? keepAbsent(read, existing, values, ['language', 'webReading', 'emails', 'address', 'note']) : read;
  // Every problem of the row at once: the form's rules on the other fields too (an e-mail
  // address), not only after the first is corrected — on the customer as it would be saved.
  if (issues.length > 0) {
    const others = checkCustomer(input).filter((issue) => !issues.some((known) => known.field === issue.field));
    throw new ApiError('validation', 'row', [...issues, ...others]);
  }
  const saved = saveCustomer(core, existing ? { ...input, id: existing.id, revision: existing.revision } : input);
  return outcomeOf(core, 'customer', existing, saved);
}

function importContract(core: CoreContext, values: RowValues): Outcome {
  const { input: read, issues } = contractRow(values, today(core));
  const customer = getCustomerByNumber(core.db, read.customerNumber);
  if (!customer) issues.push({ field: 'customerNumber', code: 'unknown-customer', params: { value: read.customerNumber } });
  if (issues.length > 0 || !customer) throw new ApiError('validation', 'row', issues);
  const id = getContractIdByNumber(core.db, read.number);
  const existing = id === undefined ? undefined : getContract(core.db, id, today(core));
  const input = existing ? keepAbsent(read, existing, values, ['endDate', 'intervalMonths', 'startMonth']) : read;
  const { customerNumber: _customerNumber, ...fields } = input;
  const saved = saveContract(core, {
    ...fields,
    customerId: customer.id,
    ...(existing ? { id: existing.id, revision: existing.revision } : {}),
  });
  return outcomeOf(core, 'contract', existing, saved);
}

function importDevice(core: CoreContext, values: RowValues): Outcome {
  const { input: read, issues } = deviceRow(values, today(core));
  const contractId = getContractIdByNumber(core.db, read.contractNumber);
  if (contractId === undefined) issues.push({ field: 'contractNumber', code: 'unknown-contract', params: { value: read.contractNumber } });
  const existing = getDeviceByEquipmentId(core.db, read.equipmentId);
  if (existing && contractId !== undefined && existing.contractId !== contractId) {
    const current = getContract(core.db, existing.contractId, today(core));
    issues.push({ field: 'contractNumber', code: 'contract-differs', params: { value: current?.number ?? '' } });
  }
  if (issues.length > 0 || contractId === undefined) throw new ApiError('validation', 'row', issues);
  const input = existing ? keepAbsent(read, existing, values, ['location']) : read;
  // A counter kind whose column the file has not keeps the device's counter of that kind.
  const counters = existing
    ? [
        ...input.counters,
        ...existing.counters
          .filter((counter) => values[`${counter.kind}Start`] === undefined)
          .map((counter) => ({ kind: counter.kind, startValue: counter.startValue })),
      ]
    : input.counters;
  const { contractNumber: _contractNumber, ...fields } = input;
  const saved = saveDevice(core, {
    ...fields,
    counters,
    contractId,
    ...(existing ? { id: existing.id, revision: existing.revision } : {}),
  });
  return outcomeOf(core, 'device', existing, saved);
}

const IMPORTERS: Record<MasterKind, (core: CoreContext, values: RowValues) => Outcome> = {
  customers: importCustomer,
  contracts: importContract,
  devices: importDevice,
};

const KEY_FIELD: Record<MasterKind, string> = { customers: 'number', contracts: 'number', devices: 'equipmentId' };

function rowValues(table: Table, row: string[], mapping: ColumnMapping): RowValues {
  const values: RowValues = {};
  for (const [field, header] of Object.entries(mapping)) {
    const index = table.headers.indexOf(header);
    if (index >= 0) values[field] = row[index] ?? '';
  }
  return values;
}

function apply(core: CoreContext, table: Table, kind: MasterKind, mapping: ColumnMapping, commit: boolean): ImportRowResult[] {
  const results: ImportRowResult[] = [];
  try {
    core.db.transaction(() => {
      const seen = new Map<string, number>();
      table.rows.forEach((row, index) => {
        const line = index + 2;
        const values = rowValues(table, row, mapping);
        const key = (values[KEY_FIELD[kind]] ?? '').trim();
        const missing = missingValues(kind, values);
        const first = seen.get(key);
        if (missing.length > 0 || first !== undefined) {
          const issues = first !== undefined ? [{ field: KEY_FIELD[kind], code: 'duplicate-row' as const, params: { line: String(first) } }] : missing;
          results.push({ line, key, action: 'error', issues });
          return;
        }
        seen.set(key, line);
        try {
          // Each row is a savepoint of its own: a refused row leaves the others as they are.
          const outcome = core.db.transaction(() => IMPORTERS[kind](core, values));
          results.push({ line, key, action: outcome.action, issues: [], ...(outcome.changes && { changes: outcome.changes }) });
        } catch (error) {
          results.push({ line, key, action: 'error', issues: issuesOf(error) });
        }
      });
      if (!commit || results.some((result) => result.action === 'error')) throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return results;
}

export async function importMaster(core: CoreContext, args: ImportArgs, commit: boolean): Promise<ImportReport> {
  const table = await readUpload(args.fileName, args.content);
  const kind = args.kind ?? detectKind(table.headers);
  const saved = args.source ? getMapping(core.db, args.source, kind) : undefined;
  const mapping = mappingFor(table, args.mapping, saved, () => autoMapping(kind, table.headers));
  const missingColumns = MASTER_FIELDS[kind].filter((f) => f.required && mapping[f.key] === undefined).map((f) => f.key);
  const rows = missingColumns.length > 0 ? [] : apply(core, table, kind, mapping, commit);
  const counts: Record<ImportAction, number> = { create: 0, update: 0, unchanged: 0, error: 0 };
  for (const row of rows) counts[row.action] += 1;
  const committed = commit && missingColumns.length === 0 && counts.error === 0;
  if (committed && args.source && (args.saveMapping ?? true)) saveMapping(core.db, args.source, kind, mapping, timestamp(core));
  return {
    kind,
    source: args.source ?? null,
    encoding: table.encoding,
    delimiter: table.delimiter,
    headers: table.headers,
    // One error imports nothing: the whole file comes back in the error list, to import again.
    errorListRows: counts.error > 0 ? rowsAt(table, rows.map((row) => row.line)) : [],
    mapping,
    missingColumns,
    rows,
    counts,
    committed,
  };
}
