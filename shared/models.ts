/**
 * The domain's data as it crosses the API boundary (SPEC §2). Plain, serialisable values only:
 * counters are integers, money is integer micro-francs (1 CHF = 1,000,000), dates are
 * `YYYY-MM-DD` strings in the dealer's time zone.
 */

/** Counter kinds in the order the OBS dialog shows them. */
export const COUNTER_KINDS = ['black', 'scan', 'color', 'free1', 'free2'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];

export const LANGUAGES = ['de', 'fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Whether a text from outside (a cookie, a path, a header) names one of the languages. */
export function isLanguage(text: unknown): text is Language {
  return (LANGUAGES as readonly unknown[]).includes(text);
}

/** The states of a device's reading in the period overview, in the order the page shows them. */
export const PERIOD_STATES = ['missing', 'manual', 'web', 'import', 'estimate', 'flagged', 'billed', 'posted'] as const;
export type PeriodState = (typeof PERIOD_STATES)[number];
/** The period overview's columns the server sorts by (the grid's colIds). */
export const PERIOD_SORT_COLUMNS = ['state', 'customer', 'contractNumber', 'equipmentId', 'position', 'model', 'location', 'date'] as const;
export type PeriodSortColumn = (typeof PERIOD_SORT_COLUMNS)[number];

/** 01 recorded, 11 billed, 21 posted (OBS "erfasst / abgerechnet / verbucht"). */
export const READING_STATUSES = ['01', '11', '21'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];

/** Typed by a clerk, entered on the portal, imported, or estimated for a reading that did not come. */
export const READING_SOURCES = ['manual', 'web', 'import', 'estimate'] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];

/** A business date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** Money in millionths of a franc, so a price per page like CHF 0.0085 stays exact (8500). */
export type Micros = number;

export interface Customer {
  id: number;
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string[];
  archived: boolean;
  /** The postal address, lines as typed: printed on the statements, never sent to the portal. */
  address: string;
  note: string;
  revision: number;
}

/** One row of the customer list. */
export interface CustomerSummary {
  id: number;
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  archived: boolean;
  contracts: number;
  devices: number;
}

export interface ContractSummary {
  id: number;
  number: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  intervalMonths: Contract['intervalMonths'];
  startMonth: number;
  devices: number;
}

export interface CustomerDetail {
  customer: Customer;
  contracts: ContractSummary[];
  devices: DeviceSummary[];
  /** A customer with readings can only be archived, never deleted. */
  hasReadings: boolean;
}

export interface ContractTerm {
  kind: CounterKind;
  freePerMonth: number;
  pricePerPage: Micros;
}

export interface Contract {
  id: number;
  customerId: number;
  number: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  intervalMonths: 1 | 3 | 6 | 12;
  /** The month (1–12) the billing interval counts from. */
  startMonth: number;
  /** The terms in force (on the day asked for). */
  terms: ContractTerm[];
  revision: number;
}

/** One row of a contract's terms: in force from `validFrom` until the next row of its kind. */
export interface ContractTermChange extends ContractTerm {
  validFrom: IsoDate;
}

export interface ContractDetail {
  contract: Contract;
  customer: Customer;
  termHistory: ContractTermChange[];
  devices: DeviceSummary[];
  /** The end of the latest billed or posted period: terms may change only after it. */
  billedUntil: IsoDate | null;
}

export interface DeviceCounter {
  kind: CounterKind;
  /** The counter when the device was installed. */
  startValue: number;
  /** *Zählerstand Akt*: the latest reading's new value, or the start value before any reading. */
  currentValue: number;
}

export interface Device {
  id: number;
  contractId: number;
  position: string;
  model: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
  installDate: IsoDate;
  counters: DeviceCounter[];
  /** The day it left service (its final reading); null while in service. */
  outOfService: IsoDate | null;
  revision: number;
}

/**
 * A counter replaced or reset within the reading's period (new board, rollover): the old
 * counter's last value and the new counter's first. The usage counts both stretches.
 */
export interface CounterExchange {
  final: number;
  start: number;
}

export interface ReadingCounter {
  kind: CounterKind;
  old: number;
  new: number;
  extraFree: number;
  exchange: CounterExchange | null;
  usage: number;
}

export interface Reading {
  id: number;
  deviceId: number;
  date: IsoDate;
  status: ReadingStatus;
  validFrom: IsoDate;
  validTo: IsoDate;
  source: ReadingSource;
  author: string;
  note: string;
  /** Plausibility flag (*A vérifier*): held out of billing until a clerk confirms it. */
  flagged: boolean;
  confirmedBy: string | null;
  counters: ReadingCounter[];
  createdAt: string;
  updatedAt: string;
  /** Optimistic-concurrency token: a save must name the revision it edited. */
  revision: number;
}

/** One row of the device search. */
export interface DeviceSummary {
  deviceId: number;
  equipmentId: string;
  serialNumber: string;
  model: string;
  position: string;
  location: string;
  customerNumber: string;
  customerName: string;
  contractNumber: string;
  lastReadingDate: IsoDate | null;
}

export interface DeviceDetail {
  device: Device;
  customer: Customer;
  contract: Contract;
  readings: Reading[];
}

export interface AuditEntry {
  id: number;
  at: string;
  author: string;
  entity: string;
  entityId: number;
  action: 'create' | 'update' | 'delete';
  changes: Record<string, [unknown, unknown]>;
}

/** One value a customer entered on the portal. */
export interface SubmissionValue {
  kind: CounterKind;
  value: number;
  enteredOn: IsoDate;
  flagged: boolean;
}

export type SubmissionState = 'applied' | 'held' | 'discarded';

/** What came from the portal for one device of one link, and what became of it. */
export interface WebSubmission {
  id: number;
  portalKey: string;
  linkId: number;
  period: string;
  customerId: number;
  customerNumber: string;
  customerName: string;
  deviceId: number;
  equipmentId: string;
  model: string;
  position: string;
  enteredOn: IsoDate;
  flagged: boolean;
  values: SubmissionValue[];
  state: SubmissionState;
  reason: string | null;
  readingId: number | null;
  readingStatus: string | null;
  /** The reading made of it as it is now (a clerk may have confirmed or corrected it); null: none. */
  readingFlagged: boolean | null;
  readingValues: Array<{ kind: CounterKind; value: number }> | null;
  /** Kept aside: the office's reading of the period, which taking it over corrects; null: none. */
  periodReading: {
    id: number;
    status: ReadingStatus;
    source: ReadingSource;
    revision: number;
    values: Array<{ kind: CounterKind; value: number }>;
  } | null;
  receivedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}


/** One synchronisation with the portal. */
export interface SyncRun {
  startedAt: string;
  finishedAt: string | null;
  published: number;
  collected: number;
  applied: number;
  held: number;
  error: string | null;
}

