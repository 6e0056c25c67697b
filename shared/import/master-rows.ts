/**
 * One row of a master-data import as the records the core saves: the same parsing as the
 * forms (dates, whole numbers, prices), every problem an issue named after its column.
 */
import type { FieldIssue } from '../errors';
import { parseCounter, parseDate, parsePrice } from '../format';
import { COUNTER_KINDS, LANGUAGES, type IsoDate, type Language } from '../models';
import {
  splitEmails,
  type ContractInput,
  type CustomerInput,
  type DeviceInput,
} from '../rules/master-data';
import { MASTER_FIELDS, normaliseHeader, type MasterKind } from './master-fields';

export type RowValues = Record<string, string>;

const YES = new Set(['ja', 'j', 'yes', 'y', 'oui', 'o', '1', 'x', 'true', 'wahr', 'vrai']);
const NO = new Set(['nein', 'n', 'no', 'non', '0', '', 'false', 'falsch', 'faux']);

const LANGUAGE_NAMES: Record<string, Language> = {
  de: 'de',
  deutsch: 'de',
  german: 'de',
  allemand: 'de',
  d: 'de',
  fr: 'fr',
  francais: 'fr',
  franzosisch: 'fr',
  french: 'fr',
  f: 'fr',
  en: 'en',
  englisch: 'en',
  english: 'en',
  anglais: 'en',
  e: 'en',
};

function text(values: RowValues, key: string): string {
  return (values[key] ?? '').trim();
}

function date(values: RowValues, key: string, today: IsoDate, issues: FieldIssue[]): IsoDate {
  const value = text(values, key);
  if (value === '') return '';
  const parsed = parseDate(value, today);
  if (parsed === null) issues.push({ field: key, code: 'date-invalid' });
  return parsed ?? '';
}

function whole(values: RowValues, key: string, fallback: number, issues: FieldIssue[]): number {
  const value = text(values, key);
  if (value === '') return fallback;
  const parsed = parseCounter(value);
  if (!parsed.ok) issues.push({ field: key, code: parsed.code });
  return parsed.ok ? parsed.value : fallback;
}

/** Required columns with nothing in them, before any other rule. */
export function missingValues(kind: MasterKind, values: RowValues): FieldIssue[] {
  return MASTER_FIELDS[kind]
    .filter((field) => field.required && text(values, field.key) === '')
    .map((field) => ({ field: field.key, code: 'required' as const }));
}

export function customerRow(values: RowValues): { input: CustomerInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const languageText = normaliseHeader(text(values, 'language'));
  const language = languageText === '' ? 'de' : LANGUAGE_NAMES[languageText];
  if (!language || !LANGUAGES.includes(language))
    issues.push({ field: 'language', code: 'language-unknown', params: { value: text(values, 'language') } });
  const web = text(values, 'webReading').toLowerCase();
  if (!YES.has(web) && !NO.has(web)) issues.push({ field: 'webReading', code: 'yes-no', params: { value: text(values, 'webReading') } });
  return {
    input: {
      number: text(values, 'number'),
      name: text(values, 'name'),
      language: language ?? 'de',
      webReading: YES.has(web),
      emails: splitEmails(text(values, 'emails')),
      // A cell's line breaks, or "|" where the file has the lines in one line.
      address: text(values, 'address')
        .split(/\s*(?:\r?\n|\|)\s*/)
        .filter(Boolean)
        .join('\n'),
      note: text(values, 'note'),
    },
    issues,
  };
}

export function contractRow(
  values: RowValues,
  today: IsoDate,
): { input: ContractInput & { customerNumber: string }; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const startDate = date(values, 'startDate', today, issues);
  const terms = COUNTER_KINDS.flatMap((kind) => {
    const free = text(values, `${kind}Free`);
    const price = text(values, `${kind}Price`);
    if (free === '' && price === '') return [];
    const pricePerPage = price === '' ? 0 : parsePrice(price);
    if (pricePerPage === null) issues.push({ field: `${kind}Price`, code: 'price-invalid' });
    return [
      {
        kind,
        freePerMonth: whole(values, `${kind}Free`, 0, issues),
        pricePerPage: pricePerPage ?? 0,
      },
    ];
  });
  return {
    input: {
      number: text(values, 'number'),
      customerNumber: text(values, 'customerNumber'),
      startDate,
      endDate: date(values, 'endDate', today, issues) || null,
      intervalMonths: whole(values, 'intervalMonths', 1, issues),
      startMonth: whole(
        values,
        'startMonth',
        startDate ? Number(startDate.slice(5, 7)) : 1,
        issues,
      ),
      terms,
    },
    issues,
  };
}

export function deviceRow(
  values: RowValues,
  today: IsoDate,
): { input: DeviceInput & { contractNumber: string }; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  // In the order of the columns, so the report reads left to right.
  const installDate = date(values, 'installDate', today, issues);
  const counters = COUNTER_KINDS.filter((kind) => text(values, `${kind}Start`) !== '').map(
    (kind) => ({
      kind,
      startValue: whole(values, `${kind}Start`, 0, issues),
    }),
  );
  return {
    input: {
      contractNumber: text(values, 'contractNumber'),
      position: text(values, 'position'),
      model: text(values, 'model'),
      location: text(values, 'location'),
      equipmentId: text(values, 'equipmentId'),
      serialNumber: text(values, 'serialNumber'),
      installDate,
      counters,
    },
    issues,
  };
}

/** The import column a rule's field name belongs to (`terms.black.pricePerPage` → `blackPrice`). */
export function importField(field: string): string {
  const term = /^terms\.(\w+)\.(freePerMonth|pricePerPage)$/.exec(field);
  if (term) return `${term[1]}${term[2] === 'freePerMonth' ? 'Free' : 'Price'}`;
  const counter = /^counters\.(\w+)$/.exec(field);
  if (counter) return `${counter[1]}Start`;
  return field;
}
