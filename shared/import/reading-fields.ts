/**
 * The columns of a meter import (issue 5), as fleet-management tools export readings: the
 * device (equipment ID or serial number), the date, and either a counter kind and a value per
 * row ("long"), or a value column per counter kind ("wide"). Header names and the date format
 * are recognised; what is not, the user maps in the preview (saved per source).
 */
import { daysInMonth, isoDate } from '../dates';
import { COUNTER_KINDS, type CounterKind, type IsoDate } from '../models';
import {
  autoMapping,
  detectKind,
  MASTER_FIELDS,
  normaliseHeader,
  SERIAL_NUMBER_NAMES,
  type ColumnMapping,
  type MasterKind,
} from './master-fields';

/** The kind names as values of a kind column, and as headers of a value column per kind. */
const KIND_WORDS: Record<CounterKind, string[]> = {
  black: ['black', 'schwarz', 'sw', 'bw', 'mono', 'noir', 'noirblanc', 'noiretblanc', 'blackwhite', 'k'],
  scan: ['scan', 'scans', 'scanner'],
  color: ['color', 'colour', 'farbe', 'couleur', 'fullcolor', 'fullcolour', 'c'],
  free1: ['free1', 'frei1', 'libre1'],
  free2: ['free2', 'frei2', 'libre2'],
};

const KIND_COLUMN_NAMES: Record<CounterKind, string[]> = Object.fromEntries(
  COUNTER_KINDS.map((kind) => [
    kind,
    KIND_WORDS[kind].flatMap((word) => {
      const w = normaliseHeader(word);
      return [w, `zaehler${w}`, `zahler${w}`, `counter${w}`, `${w}counter`, `compteur${w}`, `${w}total`, `total${w}`, `stand${w}`];
    }),
  ]),
) as Record<CounterKind, string[]>;

export const READING_FIELDS: Array<{ key: string; names: string[] }> = [
  { key: 'equipmentId', names: ['geraeteid', 'geratid', 'geraetid', 'gerateid', 'equipmentid', 'equipment', 'machineid', 'id', 'idmachine', 'assetid', 'asset'] },
  { key: 'serialNumber', names: SERIAL_NUMBER_NAMES },
  { key: 'date', names: ['datum', 'date', 'ablesedatum', 'readingdate', 'readdate', 'timestamp', 'datereleve', 'dateduleve', 'releve', 'zeitpunkt'] },
  { key: 'kind', names: ['zaehler', 'zahler', 'zaehlerart', 'zahlerart', 'counter', 'countertype', 'metertype', 'meter', 'kind', 'type', 'compteur', 'typecompteur'] },
  { key: 'value', names: ['wert', 'zaehlerstand', 'zahlerstand', 'stand', 'value', 'count', 'reading', 'countervalue', 'metervalue', 'valeur', 'compteurvaleur'] },
  ...COUNTER_KINDS.map((kind) => ({ key: `value.${kind}`, names: KIND_COLUMN_NAMES[kind] })),
];

// Each word once, normalised, for the first kind that has it.
const KIND_BY_WORD = new Map<string, CounterKind>();
for (const kind of COUNTER_KINDS) {
  for (const name of KIND_WORDS[kind]) {
    const word = normaliseHeader(name);
    if (!KIND_BY_WORD.has(word)) KIND_BY_WORD.set(word, kind);
  }
}

/** Each cell text's answer, kept: a file names its few counters on every one of its rows. */
const kindOfText = new Map<string, CounterKind | null>();

export function kindOf(text: string): CounterKind | null {
  let kind = kindOfText.get(text);
  if (kind === undefined) {
    kind = KIND_BY_WORD.get(normaliseHeader(text)) ?? null;
    // Bounded: a file of odd cells cannot grow it without end.
    if (kindOfText.size < 1000) kindOfText.set(text, kind);
  }
  return kind;
}

export function autoReadingMapping(headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const field of READING_FIELDS) {
    const header = headers.find((h) => !taken.has(h) && field.names.includes(normaliseHeader(h)));
    if (header !== undefined) {
      mapping[field.key] = header;
      taken.add(header);
    }
  }
  return mapping;
}

/** What a mapping lacks: a device column, a date, and values (long or wide). */
export function missingReadingColumns(mapping: ColumnMapping): string[] {
  const missing: string[] = [];
  if (!mapping.equipmentId && !mapping.serialNumber) missing.push('equipmentId');
  if (!mapping.date) missing.push('date');
  const wide = COUNTER_KINDS.some((kind) => mapping[`value.${kind}`]);
  if (!wide && (!mapping.kind || !mapping.value)) missing.push(...(!mapping.kind ? ['kind'] : []), ...(!mapping.value ? ['value'] : []));
  return missing;
}

/**
 * What a file holds, from its headers: meter readings when they name a device, a date and
 * values and no kind of master data finds all its required columns; else that kind.
 */
export function detectImportKind(headers: string[]): MasterKind | 'readings' {
  const master = detectKind(headers);
  const mapped = autoMapping(master, headers);
  const fitsMaster = MASTER_FIELDS[master].every((field) => !field.required || mapped[field.key] !== undefined);
  if (!fitsMaster && missingReadingColumns(autoReadingMapping(headers)).length === 0) return 'readings';
  return master;
}

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

const DATE = /^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T].*)?$/;

/** The order the file writes dates in: ISO, else day first unless a value shows month first. */
export function detectDateOrder(samples: string[]): DateOrder {
  let monthFirst = false;
  for (const sample of samples) {
    const match = DATE.exec(sample.trim());
    if (!match) continue;
    if (match[1]!.length === 4) return 'ymd';
    if (Number(match[2]) > 12 && Number(match[1]) <= 12) monthFirst = true;
  }
  return monthFirst ? 'mdy' : 'dmy';
}

export function parseImportDate(text: string, order: DateOrder): IsoDate | null {
  const match = DATE.exec(text.trim());
  if (!match) return null;
  const [a, b, c] = [match[1]!, match[2]!, match[3]!];
  const [rawYear, month, day] = order === 'ymd' ? [a, b, c] : order === 'mdy' ? [c, a, b] : [c, b, a];
  const year = rawYear.length === 2 ? `20${rawYear}` : rawYear;
  if (year.length !== 4) return null;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  // 31.02. is not a day.
  return d <= daysInMonth(y, m) ? isoDate(y, m, d) : null;
}
