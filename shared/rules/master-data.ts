/**
 * Field rules of the master data (issue 7), shared by the forms and the core: the forms show
 * them as the clerk types, the core refuses what breaks them.
 */
import { isIsoDate } from '../dates';
import type { FieldIssue } from '../errors';
import { COUNTER_KINDS, LANGUAGES, type CounterKind, type IsoDate, type Language, type Micros } from '../models';
import { MAX_COUNTER } from './usage';

export const MAX_NAME = 200;
export const MAX_NOTE = 2000;
/** A postal address: a few lines, as an envelope's window holds them. */
export const MAX_ADDRESS = 500;
export const MAX_CUSTOMER_NUMBER = 20;

/** Deliberately loose: one @, something on both sides, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Addresses as people paste them: separated by commas, semicolons, spaces or lines. */
export function splitEmails(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((email) => email.trim().toLowerCase()).filter(Boolean))];
}

export interface CustomerInput {
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string[];
  address: string;
  note: string;
}

export function checkCustomer(input: CustomerInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const number = input.number.trim();
  if (number === '') issues.push({ field: 'number', code: 'required' });
  else if (!/^\d+$/.test(number)) issues.push({ field: 'number', code: 'not-digits' });
  else if (number.length > MAX_CUSTOMER_NUMBER) {
    issues.push({ field: 'number', code: 'too-long', params: { max: MAX_CUSTOMER_NUMBER } });
  }
  if (input.name.trim() === '') issues.push({ field: 'name', code: 'required' });
  else if (input.name.length > MAX_NAME) issues.push({ field: 'name', code: 'too-long', params: { max: MAX_NAME } });
  if (!LANGUAGES.includes(input.language)) issues.push({ field: 'language', code: 'required' });
  const invalid = input.emails.find((email) => !EMAIL.test(email));
  if (invalid !== undefined) issues.push({ field: 'emails', code: 'email-invalid', params: { value: invalid } });
  else if (input.webReading && input.emails.length === 0) issues.push({ field: 'emails', code: 'emails-required' });
  if (input.address.length > MAX_ADDRESS) issues.push({ field: 'address', code: 'too-long', params: { max: MAX_ADDRESS } });
  if (input.note.length > MAX_NOTE) issues.push({ field: 'note', code: 'too-long', params: { max: MAX_NOTE } });
  return issues;
}

export const INTERVALS = [1, 3, 6, 12] as const;
/** A price per page above CHF 100 is a typo, not a tariff. */
export const MAX_PRICE_PER_PAGE: Micros = 100_000_000;
export const MAX_SHORT_TEXT = 40;

function checkDate(issues: FieldIssue[], field: string, value: string, required = true): boolean {
  if (value === '') {
    if (required) issues.push({ field, code: 'required' });
    return false;
  }
  if (!isIsoDate(value)) {
    issues.push({ field, code: 'date-invalid' });
    return false;
  }
  return true;
}

function checkText(issues: FieldIssue[], field: string, value: string, max: number, required = true): void {
  if (required && value.trim() === '') issues.push({ field, code: 'required' });
  else if (value.length > max) issues.push({ field, code: 'too-long', params: { max } });
}

export interface TermInput {
  kind: CounterKind;
  freePerMonth: number;
  pricePerPage: Micros;
}

export interface ContractInput {
  number: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  intervalMonths: number;
  startMonth: number;
  terms: TermInput[];
}

/** Field rules of a contract; terms fields are named `terms.<kind>.freePerMonth|pricePerPage`. */
export function checkContract(input: ContractInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkText(issues, 'number', input.number, MAX_SHORT_TEXT);
  const startOk = checkDate(issues, 'startDate', input.startDate);
  if (input.endDate !== null && checkDate(issues, 'endDate', input.endDate) && startOk && input.endDate < input.startDate) {
    issues.push({ field: 'endDate', code: 'end-before-start', params: { min: input.startDate } });
  }
  if (!(INTERVALS as readonly number[]).includes(input.intervalMonths)) {
    issues.push({ field: 'intervalMonths', code: 'interval-invalid' });
  }
  if (!Number.isInteger(input.startMonth) || input.startMonth < 1 || input.startMonth > 12) {
    issues.push({ field: 'startMonth', code: 'month-invalid' });
  }
  for (const term of input.terms) {
    if (!Number.isSafeInteger(term.freePerMonth) || term.freePerMonth < 0 || term.freePerMonth > MAX_COUNTER) {
      issues.push({ field: `terms.${term.kind}.freePerMonth`, code: 'not-whole-number' });
    }
    if (!Number.isSafeInteger(term.pricePerPage) || term.pricePerPage < 0 || term.pricePerPage > MAX_PRICE_PER_PAGE) {
      issues.push({ field: `terms.${term.kind}.pricePerPage`, code: 'price-invalid' });
    }
  }
  return issues;
}

/**
 * An equipment ID as meterdesk keeps it: 3100001, as fleet tools and quick typing write it,
 * is 3.100.001. Anything else stays as typed (trimmed): one device, one way of writing its ID.
 */
export function normaliseEquipmentId(text: string): string {
  const trimmed = text.trim();
  return /^\d{7}$/.test(trimmed) ? `${trimmed[0]}.${trimmed.slice(1, 4)}.${trimmed.slice(4)}` : trimmed;
}

export interface DeviceInput {
  position: string;
  model: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
  installDate: IsoDate;
  counters: Array<{ kind: CounterKind; startValue: number }>;
}

export function checkDevice(input: DeviceInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkText(issues, 'position', input.position, 10);
  checkText(issues, 'model', input.model, MAX_NAME);
  checkText(issues, 'location', input.location, MAX_NAME, false);
  checkText(issues, 'equipmentId', input.equipmentId, MAX_SHORT_TEXT);
  checkText(issues, 'serialNumber', input.serialNumber, MAX_SHORT_TEXT);
  checkDate(issues, 'installDate', input.installDate);
  if (input.counters.length === 0) issues.push({ field: 'counters', code: 'counters-required' });
  for (const counter of input.counters) {
    if (!COUNTER_KINDS.includes(counter.kind)) issues.push({ field: 'counters', code: 'unknown-counter' });
    else if (!Number.isSafeInteger(counter.startValue) || counter.startValue < 0 || counter.startValue > MAX_COUNTER) {
      issues.push({ field: `counters.${counter.kind}`, code: 'not-whole-number' });
    }
  }
  return issues;
}
