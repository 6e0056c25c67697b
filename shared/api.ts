/**
 * The one contract between the UI and the core. Every operation is declared here once, with
 * a schema for its arguments (checked by every transport before the core sees them) and its
 * result type. The core implements `Api`; the Electron IPC bridge and the HTTP routes
 * (`POST /api/<name>`) both carry `{ name, args }` and know nothing else.
 */
import { z } from 'zod';
import type { ApiErrorBody, FieldIssue } from './errors';
import { MASTER_KINDS, type ColumnMapping, type MasterKind } from './import/master-fields';
import { COUNTER_KINDS, LANGUAGES, PERIOD_SORT_COLUMNS, PERIOD_STATES, type PeriodState } from './models';
import type {
  AuditEntry,
  CounterKind,
  Contract,
  ContractDetail,
  Customer,
  CustomerDetail,
  CustomerSummary,
  Device,
  DeviceDetail,
  DeviceSummary,
  IsoDate,
  Language,
  Reading,
  ReadingSource,
  ReadingStatus,
  SyncRun,
  WebSubmission,
} from './models';
import type { ContractBill } from './rules/billing';
import type { CounterContext } from './rules/reading-check';
import type { PlausibilityRule } from './rules/plausibility';
import type { Validity, ValidityLock } from './rules/validity';
import { MAX_COUNTER } from './rules/usage';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const counterValue = z.number().int().min(0).max(MAX_COUNTER);
const id = z.number().int().positive();
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const equipmentId = z.string().min(1).max(64);

// In models.ts, so that the renderer can import them without this module's zod schemas.
export { PERIOD_SORT_COLUMNS, PERIOD_STATES, type PeriodSortColumn, type PeriodState } from './models';
/** Rows the grid may ask for in one call: its block size is 100. */
export const PERIOD_PAGE_MAX = 1000;

const periodSearch = z.string().max(200);
const periodList = {
  period,
  state: z.enum(PERIOD_STATES).optional(),
  search: periodSearch.optional(),
  // One sort column (the grid's multi-sort is off): every combination is a prepared statement.
  sort: z
    .array(z.object({ colId: z.enum(PERIOD_SORT_COLUMNS), sort: z.enum(['asc', 'desc']) }).strict())
    .max(1)
    .optional(),
};

const importArgs = z
  .object({
    fileName: z.string().min(1).max(260),
    /** The file, base64-encoded. */
    content: z.string().max(64 * 1024 * 1024),
    kind: z.enum(MASTER_KINDS).optional(),
    /** The system the file comes from: its column mapping is saved under this name. */
    source: z.string().min(1).max(80).optional(),
    mapping: z.record(z.string().max(40), z.string().max(200)).optional(),
  })
  .strict();

/** A meter import: the file, its source and mapping; the kind is always readings. */
const readingImportArgs = importArgs.omit({ kind: true }).strict();

/** A device as the form saves it (`devices-save`), also asked for its conflicts first. */
const deviceSaveArgs = z
  .object({
    id: id.optional(),
    revision: z.number().int().min(0).optional(),
    contractId: id,
    position: z.string().max(20),
    model: z.string().max(400),
    location: z.string().max(400),
    equipmentId: z.string().max(80),
    serialNumber: z.string().max(80),
    installDate: z.string().max(10),
    counters: z
      .array(z.object({ kind: z.enum(COUNTER_KINDS), startValue: z.number().int() }).strict())
      .max(COUNTER_KINDS.length),
  })
  .strict();

export const apiArgs = {
  'app-info': z.object({}).strict(),
  'demo-load': z.object({}).strict(),
  'devices-search': z
    .object({ query: z.string().max(200), limit: z.number().int().min(1).max(100_000).optional() })
    .strict(),
  'devices-get': z.object({ equipmentId }).strict(),
  'readings-draft': z.object({ equipmentId, readingId: id.optional() }).strict(),
  'readings-save': z
    .object({
      equipmentId,
      /** Absent for a new reading. */
      readingId: id.optional(),
      /** The revision the clerk edited; a stale one is refused instead of overwriting. */
      revision: z.number().int().min(0).optional(),
      /**
       * A new reading: the device's latest reading when the dialog opened (null: none). When
       * another reading came in meanwhile — another clerk, or a second press of F2 — the save
       * is refused rather than chained onto values the clerk never saw.
       */
      previousReadingId: id.nullable().optional(),
      date: isoDate,
      validFrom: isoDate,
      validTo: isoDate,
      note: z.string().max(2000).optional(),
      counters: z
        .array(
          z
            .object({
              kind: z.enum(COUNTER_KINDS),
              old: counterValue,
              new: counterValue,
              extraFree: counterValue,
              /** A meter exchange within this reading's period (absent or null: none). */
              exchange: z.object({ final: counterValue, start: counterValue }).strict().nullable().optional(),
            })
            .strict(),
        )
        .min(1)
        .max(COUNTER_KINDS.length),
    })
    .strict(),
  'readings-delete': z.object({ readingId: id, revision: z.number().int().min(0) }).strict(),
  'readings-confirm': z.object({ readingId: id, revision: z.number().int().min(0) }).strict(),
  'customers-search': z
    .object({ query: z.string().max(200), includeArchived: z.boolean().optional() })
    .strict(),
  'customers-get': z.object({ number: z.string().min(1).max(40) }).strict(),
  'customers-save': z
    .object({
      id: id.optional(),
      revision: z.number().int().min(0).optional(),
      number: z.string().max(40),
      name: z.string().max(400),
      language: z.enum(LANGUAGES),
      webReading: z.boolean(),
      emails: z.array(z.string().max(254)).max(20),
      address: z.string().max(1000),
      note: z.string().max(4000),
    })
    .strict(),
  'customers-archive': z
    .object({ id, revision: z.number().int().min(0), archived: z.boolean() })
    .strict(),
  'customers-delete': z.object({ id, revision: z.number().int().min(0) }).strict(),
  /** A contract entered by mistake: only while no device was ever on it and nothing billed. */
  'contracts-delete': z.object({ id, revision: z.number().int().min(0) }).strict(),
  /** A device entered by mistake: only while it has no reading and no web value. */
  'devices-delete': z.object({ id, revision: z.number().int().min(0) }).strict(),
  'audit-list': z.object({ entity: z.enum(['reading', 'customer', 'contract', 'device']), entityId: id }).strict(),
  'contracts-get': z.object({ number: z.string().min(1).max(80) }).strict(),
  'contracts-save': z
    .object({
      id: id.optional(),
      revision: z.number().int().min(0).optional(),
      customerId: id,
      number: z.string().max(80),
      startDate: z.string().max(10),
      endDate: z.string().max(10).nullable(),
      intervalMonths: z.number().int(),
      startMonth: z.number().int(),
      terms: z
        .array(
          z
            .object({
              kind: z.enum(COUNTER_KINDS),
              freePerMonth: z.number().int(),
              pricePerPage: z.number().int(),
            })
            .strict(),
        )
        .max(COUNTER_KINDS.length),
      /** An edit of free copies or prices applies from this day on (default: the contract's start). */
      termsFrom: isoDate.optional(),
    })
    .strict(),
  'devices-save': deviceSaveArgs,
  /** What the save would refuse that only the database knows: a taken equipment ID, position or serial number, a counter with readings left out, an install date after the first reading. */
  'devices-conflicts': deviceSaveArgs,
  'devices-move': z
    .object({ equipmentId, revision: z.number().int().min(0), contractNumber: z.string().min(1).max(80), from: isoDate })
    .strict(),
  'devices-retire': z
    .object({
      equipmentId,
      revision: z.number().int().min(0),
      date: isoDate,
      counters: z
        .array(z.object({ kind: z.enum(COUNTER_KINDS), new: counterValue }).strict())
        .min(1)
        .max(COUNTER_KINDS.length),
    })
    .strict(),
  'import-master-preview': importArgs,
  'import-master-run': importArgs.extend({ saveMapping: z.boolean().optional() }).strict(),
  'import-mappings': z.object({}).strict(),
  'billing-preview': z.object({ period }).strict(),
  'billing-run': z.object({ period }).strict(),
  'billing-runs': z.object({ period }).strict(),
  'billing-run-get': z.object({ runId: id }).strict(),
  'billing-cancel': z.object({ runId: id }).strict(),
  'billing-post': z.object({ runId: id }).strict(),
  'import-readings-preview': readingImportArgs,
  'import-readings-run': readingImportArgs,
  'period-overview': z.object({ period }).strict(),
  'period-rows': z
    .object({ ...periodList, startRow: z.number().int().min(0).max(10_000_000), endRow: z.number().int().min(1).max(10_000_000 + PERIOD_PAGE_MAX) })
    .strict()
    .refine((args) => args.endRow > args.startRow && args.endRow - args.startRow <= PERIOD_PAGE_MAX, {
      message: `endRow must be above startRow, at most ${PERIOD_PAGE_MAX} rows`,
      path: ['endRow'],
    }),
  'period-counts': z.object({ period, search: periodSearch.optional() }).strict(),
  /** The whole list as filtered, searched and sorted on screen (Liste als CSV). */
  'period-export': z.object(periodList).strict(),
  'period-next-missing': z.object({ period, after: id }).strict(),
  'alerts-list': z.object({}).strict(),
  'readings-estimate': z
    .object({ period, equipmentIds: z.array(equipmentId).min(1).max(100_000).optional() })
    .strict(),
  'settings-get': z.object({}).strict(),
  'backups-list': z.object({}).strict(),
  'backup-now': z.object({}).strict(),
  'backup-restore': z
    .object({ name: z.string().min(1).max(200).optional(), cancel: z.enum(['meterdesk', 'portal']).optional() })
    .strict()
    .refine((args) => (args.name === undefined) !== (args.cancel === undefined), { message: 'give a backup name, or the kind to cancel' }),
  'settings-save': z.object({ values: z.record(z.string().max(80), z.string().max(2000)) }).strict(),
  'web-overview': z.object({}).strict(),
  'web-decide': z
    .object({
      id,
      action: z.enum(['apply', 'discard']),
      /** The revision of the office's reading of the period the clerk compared with: changed since, the take-over is refused. */
      revision: z.number().int().min(0).optional(),
    })
    .strict(),
  'web-sync': z.object({}).strict(),
  'web-send-requests': z
    .object({ period: period.optional(), resend: z.boolean().optional(), customerNumber: z.string().min(1).max(40).optional() })
    .strict(),
  'web-hand-over-link': z.object({ period: period.optional(), customerNumber: z.string().min(1).max(40) }).strict(),
} as const;

export type ApiName = keyof typeof apiArgs;
export type ApiArgs<N extends ApiName> = z.infer<(typeof apiArgs)[N]>;
export type SaveReadingArgs = ApiArgs<'readings-save'>;

export interface AppInfo {
  version: string;
  today: IsoDate;
  timeZone: string;
  language: Language;
  user: string;
  /** True while the database holds no customers: the UI offers to load the demo data. */
  empty: boolean;
  /**
   * Backups asked for on the settings screen, to be restored at the next start: every page
   * says so, since what is entered until then is not in the database after it.
   */
  pendingRestores: Array<{ name: string; kind: 'meterdesk' | 'portal'; requestedAt: string }>;
}

/** Everything the meter dialog needs to fill itself and to run the rules as the clerk types. */
export interface ReadingDraft {
  device: Device;
  customer: Customer;
  contract: Contract;
  reading: Reading | null;
  isFirstReading: boolean;
  today: IsoDate;
  date: IsoDate;
  status: ReadingStatus;
  previousDate: IsoDate | null;
  /** The reading before is an estimate (a date before it is refused in words that say so). */
  previousIsEstimate: boolean;
  /** `previousDate` is a day this reading may not have (`ReadingContext.oneReadingPerDay`). */
  oneReadingPerDay: boolean;
  /** A date in the period the reading before covers is refused (`ReadingContext.previousCorrectable`). */
  previousCorrectable: boolean;
  nextDate: IsoDate | null;
  /** `nextDate` is a day this (edited) reading may not move to (`ReadingContext.nextDayTaken`). */
  nextDayTaken: boolean;
  previousValidTo: IsoDate | null;
  nextValidFrom: IsoDate | null;
  /** The device's latest reading when a new one is drafted (see `previousReadingId`). */
  previousReadingId: number | null;
  /**
   * For a new reading: the device's latest when it is an estimate not billed yet. Real values
   * for a month it covers (`estimateCovers`) belong in it, and the dialog offers to open it.
   */
  openEstimate: { readingId: number; date: IsoDate; validFrom: IsoDate; validTo: IsoDate } | null;
  /** Where the device's first validity begins: its install date, or the day its contract starts for it if later. */
  firstValidFrom: IsoDate;
  validity: Validity;
  /**
   * The contract's lock (SPEC §3.4) as this reading takes it: `from`–`to` its validity (an
   * edited reading: its own), `firstDeviceFrom` where the first device's period starts — for a
   * new reading after `from` where this device was last read before that period (no day is
   * lost), before it where the device came in or its last period ended within it.
   */
  validityLock: (ValidityLock & { equipmentId: string; position: string; firstDeviceFrom: IsoDate }) | null;
  cutoffDay: number;
  plausibility: PlausibilityRule;
  counters: Array<
    CounterContext & { new: number | null; extraFree: number; freePerMonth: number }
  >;
  /**
   * The reading's counters Hinweise lists as far below the usual (it is the device's latest,
   * recorded, not confirmed): said in the dialog, which then offers to confirm it.
   */
  lowUsage: Array<{ kind: CounterKind; usage: number; expected: number }>;
  /** The reading's counters Hinweise lists as standing (three readings in a row at `value`; it is the latest, recorded, not confirmed). */
  stuck: Array<{ kind: CounterKind; value: number }>;
}

export type ImportAction = 'create' | 'update' | 'unchanged' | 'error';

export interface ImportRowResult {
  /** The line in the file (the header is line 1). */
  line: number;
  /** The record's number or equipment ID. */
  key: string;
  action: ImportAction;
  /** Each issue's `field` is an import column key (see MASTER_FIELDS). */
  issues: FieldIssue[];
  /** An update: what it changes, field by field (old → new), as the change log will have it. */
  changes?: Record<string, [unknown, unknown]>;
}

export interface ImportReport {
  kind: MasterKind;
  source: string | null;
  encoding: string;
  delimiter: string | null;
  headers: string[];
  mapping: ColumnMapping;
  /** Required fields no column is mapped to: nothing can be imported until they are. */
  missingColumns: string[];
  rows: ImportRowResult[];
  /**
   * The file's rows as read that the error list gives back, to correct and import again: with
   * any error nothing is imported, so every row of the file then (none without errors).
   */
  errorListRows: Array<{ line: number; cells: string[] }>;
  counts: Record<ImportAction, number>;
  /** True once written; a preview, or a file with any error, writes nothing. */
  committed: boolean;
}

/**
 * Why a customer got no request e-mail: already requested this period (without `resend`), no
 * e-mail address, or (a resend) the current link's e-mail is being sent by another sender.
 */
/** Why no request goes to a customer: asked already, no address, being sent, or every due device read already. */
export type RequestSkipReason = 'already-requested' | 'no-email' | 'sending' | 'all-read';

/** Which request e-mails a send makes: `resend` replaces links already sent; `customerNumber`: that customer's only. */
export interface RequestOptions {
  resend?: boolean;
  customerNumber?: string;
}

/** What a send reports when no SMTP server is set (the outbox keeps it as the e-mail's error). */
export const NO_SMTP_ERROR = 'no SMTP server configured (set METERDESK_SMTP_URL or the setting smtp.url)';

/** The request e-mail of one customer for the period. */
export interface WebRequestInfo {
  customerNumber: string;
  customerName: string;
  /** An e-mail's state, or `handed-over`: a link the office gave itself (no e-mail; `sentAt` is when). */
  status: 'pending' | 'sent' | 'cancelled' | 'handed-over';
  /** A newer link of the customer took over (a resend): this e-mail's link no longer works. */
  replaced: boolean;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

export interface WebOverview {
  period: string;
  submissions: WebSubmission[];
  requests: WebRequestInfo[];
  lastSync: SyncRun | null;
  /** False where meterdesk runs without its web-reading jobs (a bare core). */
  available: boolean;
}

export interface SyncSummary {
  published: number;
  collected: number;
  applied: number;
  held: number;
  /** Stored by an earlier, interrupted sync. */
  already: number;
}

export interface SendSummary {
  period: string;
  planned: Array<{ customerNumber: string; recipients: string[] }>;
  skipped: Array<{ customerNumber: string; reason: RequestSkipReason }>;
  sent: number;
  failed: Array<{ customerNumber: string; error: string }>;
}

/** A due device of the period overview and the state of its reading for the period. */
export interface PeriodRow {
  deviceId: number;
  equipmentId: string;
  model: string;
  position: string;
  location: string;
  contractNumber: string;
  customerNumber: string;
  customerName: string;
  webReading: boolean;
  state: PeriodState;
  readingId: number | null;
  date: IsoDate | null;
  counters: Array<{ kind: CounterKind; value: number }>;
}

/** Every due device of the period at once, with the counts: for scripts and tests, not the UI. */
export interface PeriodOverview {
  period: string;
  rows: PeriodRow[];
  counts: Record<PeriodState, number>;
}

/** A page of the period overview (the grid's block), sorted and filtered by the server. */
export interface PeriodPage {
  period: string;
  startRow: number;
  rows: PeriodRow[];
  /** The length of the whole list when this page reaches its end; null when more rows follow. */
  lastRow: number | null;
}

/** How many due devices the period has (matching the search), in all and per state. */
export interface PeriodCounts {
  period: string;
  total: number;
  counts: Record<PeriodState, number>;
}

/** One reading of a meter import (the file's rows of one device and day), and what became of it. */
export interface ReadingImportRow {
  lines: number[];
  equipmentId: string;
  date: IsoDate | null;
  counters: Array<{ kind: CounterKind; value: number }>;
  action: 'create' | 'unchanged' | 'error';
  issues: FieldIssue[];
  /**
   * Worth knowing about a reading written: its month was already covered by an earlier
   * reading, so its validity starts after that month (`period-covered`), as the dialog says.
   */
  notices?: FieldIssue[];
}

export interface ReadingImportReport {
  source: string | null;
  encoding: string;
  delimiter: string | null;
  headers: string[];
  mapping: ColumnMapping;
  missingColumns: string[];
  dateOrder: 'dmy' | 'mdy' | 'ymd';
  rows: ReadingImportRow[];
  /** The file's rows of the refused readings as read, for the error list (the others are written). */
  errorListRows: Array<{ line: number; cells: string[] }>;
  counts: { create: number; unchanged: number; error: number };
  /** Written (the readings without errors); a preview writes nothing. */
  committed: boolean;
}

/** One file of the backups folder. */
export interface BackupFile {
  name: string;
  /** The database's nightly (or by hand) backup, the portal's, or a copy kept before a restore or an upgrade. */
  kind: 'database' | 'portal' | 'kept';
  /** When it was written (ISO). */
  at: string;
  bytes: number;
}

/**
 * Why a restore was refused: no such file, not meterdesk's, damaged, from a newer meterdesk,
 * another process on the folder, or asked for too long before the start that would do it.
 */
export type RestoreRefusal = 'missing' | 'foreign' | 'damaged' | 'newer' | 'running' | 'expired';

/** How long a restore asked for waits for the next start; after that it is not carried out. */
export const RESTORE_PENDING_DAYS = 3;

export interface BackupList {
  /** Where they are, for the clerk who must find them (a copy elsewhere, a restore). */
  folder: string;
  files: BackupFile[];
  /** The restores asked for (one per kind: the database's, the portal's), carried out at the app's next start. */
  pending: Array<{ name: string; kind: 'meterdesk' | 'portal'; requestedAt: string; requestedBy: string }>;
  /** What came of those carried out at the last start that had any: the copy kept of what each replaced, or why it was refused. */
  lastRestores: Array<{ name: string; at: string; previous: string | null; refused: RestoreRefusal | null }>;
}

/** A setting as the settings screen sees it: a secret's value never leaves the main process. */
export interface SettingValue {
  key: string;
  /** The stored text; null when not set, or for a secret. */
  value: string | null;
  set: boolean;
  /** A secret sealed by a keychain this process cannot open (another PC or user): to be typed again. */
  unreadable?: boolean;
}

/** One contract's bill in a billing run or its preview. */
export interface BilledContract extends ContractBill {
  contractId: number;
  contractNumber: string;
  customerNumber: string;
  customerName: string;
  /** The customer's postal address as it is now (lines): the statement's addressee. */
  customerAddress: string;
  /** The customer's correspondence language: the statement is written in it. */
  customerLanguage: Language;
  readingIds: number[];
  /** The billed readings that are estimates (marked on the statement). */
  estimates: Array<{ readingId: number; equipmentId: string; date: IsoDate }>;
  /** The billed readings device by device, for the customer's statement (`billing-run-get` only). */
  readings?: StatementReading[];
  /** The contract's devices in service then that this bill has no reading of: they come with a later one (`billing-run-get` only). */
  notBilled?: NotBilledDevice[];
}

/** A device the statement names as not in it (its reading held to check, or none yet). */
export interface NotBilledDevice {
  equipmentId: string;
  position: string;
  model: string;
  location: string;
}

/** One billed reading as the statement lists it: the device, the day, each counter's old, new and usage. */
export interface StatementReading {
  readingId: number;
  equipmentId: string;
  position: string;
  model: string;
  location: string;
  date: IsoDate;
  source: ReadingSource;
  /** `exchange`: the counter was replaced in between (usage = final − old + new − start). */
  counters: Array<{ kind: CounterKind; old: number; new: number; extraFree: number; usage: number; exchange: { final: number; start: number } | null }>;
}

export interface BillingPreview {
  period: string;
  contracts: BilledContract[];
  /** Recorded readings the run leaves out, and why: a flag no clerk has confirmed yet. */
  skipped: Array<{ readingId: number; equipmentId: string; reason: 'flagged' | 'no-contract' }>;
  /**
   * Devices of the contracts billed here, in service during the bill's period, that none of
   * its readings is of (no reading for that period yet, or one held to check): the ones the
   * statement names as following (`devicesNotBilled`). Their usage comes in a later run (which
   * grants what is left of the month's free copies, `freeCopiesLeft`).
   */
  missing: Array<{ contractId: number; equipmentId: string }>;
  /**
   * Contracts with recorded readings that are not due in the period (a quarterly one between
   * its months, `isDueIn`): billed in the run of `duePeriod`, the interval's readings together
   * (one pool of free copies). A contract that has ended is billed in any period.
   */
  notDue: Array<{ contractId: number; contractNumber: string; customerNumber: string; customerName: string; duePeriod: string; readings: number }>;
  /** Sum of the contracts' rounded totals. */
  total: number;
}

/** A customer's new link, for the office to give them itself (read out, or in its own e-mail). */
export interface HandedOverLink {
  customerNumber: string;
  period: string;
  url: string;
  validUntil: IsoDate;
  /** The link it replaces stopped working. */
  replacedLink: boolean;
  /** False: the portal could not be reached; the link works from the next synchronisation. */
  published: boolean;
}

export interface BillingRun {
  id: number;
  period: string;
  state: 'billed' | 'posted' | 'cancelled';
  total: number;
  createdAt: string;
  createdBy: string;
  postedAt: string | null;
  cancelledAt: string | null;
  contracts: BilledContract[];
}

export interface Api {
  'app-info': (args: ApiArgs<'app-info'>) => Promise<AppInfo>;
  'demo-load': (args: ApiArgs<'demo-load'>) => Promise<{ loaded: boolean }>;
  'devices-search': (
    args: ApiArgs<'devices-search'>,
  ) => Promise<{ rows: DeviceSummary[]; total: number }>;
  'devices-get': (args: ApiArgs<'devices-get'>) => Promise<DeviceDetail>;
  'readings-draft': (args: ApiArgs<'readings-draft'>) => Promise<ReadingDraft>;
  'readings-save': (args: SaveReadingArgs) => Promise<Reading>;
  'readings-delete': (args: ApiArgs<'readings-delete'>) => Promise<{ deleted: true }>;
  'readings-confirm': (args: ApiArgs<'readings-confirm'>) => Promise<Reading>;
  'customers-search': (
    args: ApiArgs<'customers-search'>,
  ) => Promise<{ rows: CustomerSummary[]; total: number }>;
  'customers-get': (args: ApiArgs<'customers-get'>) => Promise<CustomerDetail>;
  'customers-save': (args: ApiArgs<'customers-save'>) => Promise<Customer>;
  'customers-archive': (args: ApiArgs<'customers-archive'>) => Promise<Customer>;
  'customers-delete': (args: ApiArgs<'customers-delete'>) => Promise<{ deleted: true }>;
  'contracts-delete': (args: ApiArgs<'contracts-delete'>) => Promise<{ deleted: true }>;
  'devices-delete': (args: ApiArgs<'devices-delete'>) => Promise<{ deleted: true }>;
  'audit-list': (args: ApiArgs<'audit-list'>) => Promise<AuditEntry[]>;
  'contracts-get': (args: ApiArgs<'contracts-get'>) => Promise<ContractDetail>;
  'contracts-save': (args: ApiArgs<'contracts-save'>) => Promise<Contract>;
  'devices-save': (args: ApiArgs<'devices-save'>) => Promise<Device>;
  'devices-conflicts': (args: ApiArgs<'devices-conflicts'>) => Promise<FieldIssue[]>;
  'devices-move': (args: ApiArgs<'devices-move'>) => Promise<Device>;
  'devices-retire': (args: ApiArgs<'devices-retire'>) => Promise<Device>;
  'import-master-preview': (args: ApiArgs<'import-master-preview'>) => Promise<ImportReport>;
  'import-master-run': (args: ApiArgs<'import-master-run'>) => Promise<ImportReport>;
  'billing-preview': (args: ApiArgs<'billing-preview'>) => Promise<BillingPreview>;
  'billing-run': (args: ApiArgs<'billing-run'>) => Promise<BillingRun>;
  'billing-runs': (args: ApiArgs<'billing-runs'>) => Promise<BillingRun[]>;
  'billing-run-get': (args: ApiArgs<'billing-run-get'>) => Promise<BillingRun>;
  'billing-cancel': (args: ApiArgs<'billing-cancel'>) => Promise<BillingRun>;
  'billing-post': (args: ApiArgs<'billing-post'>) => Promise<BillingRun>;
  'import-readings-preview': (args: ApiArgs<'import-readings-preview'>) => Promise<ReadingImportReport>;
  'import-readings-run': (args: ApiArgs<'import-readings-run'>) => Promise<ReadingImportReport>;
  'period-overview': (args: ApiArgs<'period-overview'>) => Promise<PeriodOverview>;
  'period-rows': (args: ApiArgs<'period-rows'>) => Promise<PeriodPage>;
  'period-counts': (args: ApiArgs<'period-counts'>) => Promise<PeriodCounts>;
  'period-export': (args: ApiArgs<'period-export'>) => Promise<PeriodRow[]>;
  /** The next device still missing a reading after `after`, in the list's order (wrapping round); null when none. */
  'period-next-missing': (args: ApiArgs<'period-next-missing'>) => Promise<PeriodRow | null>;
  'alerts-list': (args: ApiArgs<'alerts-list'>) => Promise<AlertsOverview>;
  'readings-estimate': (args: ApiArgs<'readings-estimate'>) => Promise<EstimateSummary>;
  'settings-get': (args: ApiArgs<'settings-get'>) => Promise<SettingValue[]>;
  /** The data folder's backups, newest first (Einstellungen › Sicherung). */
  'backups-list': (args: ApiArgs<'backups-list'>) => Promise<BackupList>;
  /** A backup now, as the nightly one (online, checked, the oldest beyond backup.keep removed). */
  'backup-now': (args: ApiArgs<'backup-now'>) => Promise<BackupList>;
  /** A backup to restore at the app's next start (checked now); `cancel`: take back that kind's request. */
  'backup-restore': (args: ApiArgs<'backup-restore'>) => Promise<BackupList>;
  'settings-save': (args: ApiArgs<'settings-save'>) => Promise<SettingValue[]>;
  'web-overview': (args: ApiArgs<'web-overview'>) => Promise<WebOverview>;
  'web-decide': (args: ApiArgs<'web-decide'>) => Promise<WebSubmission>;
  'web-sync': (args: ApiArgs<'web-sync'>) => Promise<SyncSummary>;
  'web-send-requests': (args: ApiArgs<'web-send-requests'>) => Promise<SendSummary>;
  'web-hand-over-link': (args: ApiArgs<'web-hand-over-link'>) => Promise<HandedOverLink>;
  'import-mappings': (
    args: ApiArgs<'import-mappings'>,
  ) => Promise<Array<{ source: string; kind: MasterKind | 'readings'; mapping: ColumnMapping }>>;
}

export type ApiResult<N extends ApiName> = Awaited<ReturnType<Api[N]>>;

export const API_NAMES = Object.keys(apiArgs) as ApiName[];

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(apiArgs, name);
}

/** The envelope both transports carry back. */
export type ApiResponse<T> =
  | { ok: true; value: T }
  | { ok: false; error: ApiErrorBody };

/** What one estimate action did: a reading per device that had a usage to go by. */
export interface EstimateSummary {
  period: string;
  /** The estimates' date: the period's last day, or today within the period. */
  date: IsoDate;
  created: Array<{
    equipmentId: string;
    readingId: number;
    counters: Array<{ kind: CounterKind; value: number; usage: number }>;
  }>;
  /** no-history: no usage to go by; later-reading: a reading after that date; refused: the rules said no. */
  skipped: Array<{ equipmentId: string; reason: 'no-history' | 'later-reading' | 'refused'; detail?: string }>;
}

/** stuck: the same value three readings in a row; silent: no reading for months; unusual: usage far from the usual; web-waiting: a web value kept aside. */
export type AlertKind = 'stuck' | 'silent' | 'unusual' | 'web-waiting';

export interface Alert {
  kind: AlertKind;
  deviceId: number;
  equipmentId: string;
  model: string;
  customerNumber: string;
  customerName: string;
  /** The reading (or web entry) concerned, or the last reading of a silent device. */
  date: IsoDate | null;
  readingId: number | null;
  counter?: CounterKind;
  /** stuck: the counter value; unusual: the usage. */
  value?: number;
  expected?: number;
  direction?: 'high' | 'low';
  months?: number;
  reason?: string | null;
}

export interface AlertsOverview {
  alerts: Alert[];
  counts: Record<AlertKind, number>;
  silentMonths: number;
}
