/**
 * The meter dialog's state and the rules applied to it as the clerk types: the same
 * `checkReading` the core runs before it saves, so the dialog and the database never disagree.
 */
import { useMemo, useState } from 'react';
import type { ReadingDraft, SaveReadingArgs } from '../../../shared/api';
import type { FieldIssue } from '../../../shared/errors';
import { formatCounter, formatDate, parseCounter, parseDate } from '../../../shared/format';
import type { CounterExchange, CounterKind, IsoDate, Language } from '../../../shared/models';
import { contractFreeCopies } from '../../../shared/rules/free-copies';
import { checkReading } from '../../../shared/rules/reading-check';
import { isEditable } from '../../../shared/rules/status';
import { computeUsage } from '../../../shared/rules/usage';
import { defaultValidity, type Validity } from '../../../shared/rules/validity';

export type CounterColumn = 'old' | 'new' | 'extraFree' | 'final' | 'start';

export interface CounterRow {
  kind: CounterKind;
  old: string;
  new: string;
  extraFree: string;
  /** A meter exchange: the old counter's final value and the new counter's start value. */
  exchange: boolean;
  final: string;
  start: string;
}

export interface ComputedCounter {
  kind: CounterKind;
  oldEditable: boolean;
  usage: number | null;
  contractFree: number | null;
  implausible: boolean;
}

interface FormFields {
  date: string;
  validFrom: string;
  validTo: string;
  /** Once the clerk types a validity, the date no longer moves it. */
  validityEdited: boolean;
  note: string;
  counters: CounterRow[];
}

/** What a clerk typed per counter: the value, and the extra free copies and a meter exchange where carried. */
export type CarriedCounter = Pick<CounterRow, 'new'> & Partial<Pick<CounterRow, 'extraFree' | 'exchange' | 'final' | 'start'>>;

/**
 * What a clerk typed for a new reading (the counters with a value), carried into the reading
 * it belongs in: an estimate of its month, or the device's reading of the same day.
 */
export interface CarriedInput {
  date: string;
  counters: ReadonlyMap<CounterKind, CarriedCounter>;
  /** The note typed; an empty one keeps the estimate's. */
  note?: string;
}

function initialFields(draft: ReadingDraft, language: Language, carried?: CarriedInput): FormFields {
  const fields = typedFields(draft, language);
  // A billed or posted reading opens as it is: nothing typed goes into it.
  if (!carried || draft.status !== '01') return fields;
  return {
    ...fields,
    date: carried.date,
    note: carried.note?.trim() ? carried.note : fields.note,
    // Real values are typed: one not typed yet is empty, not the estimate's guess; a real
    // reading keeps its value.
    counters: fields.counters.map((row) => {
      const typed = carried.counters.get(row.kind);
      if (typed) return { ...row, ...typed };
      return draft.reading?.source === 'estimate' ? { ...row, new: '' } : row;
    }),
  };
}

function typedFields(draft: ReadingDraft, language: Language): FormFields {
  return {
    date: formatDate(draft.date, language),
    validFrom: formatDate(draft.validity.from, language),
    validTo: formatDate(draft.validity.to, language),
    validityEdited: draft.reading !== null,
    note: draft.reading?.note ?? '',
    counters: draft.counters.map((counter) => {
      const exchange = draft.reading?.counters.find((saved) => saved.kind === counter.kind)?.exchange ?? null;
      return {
        kind: counter.kind,
        old: formatCounter(counter.chainOld, language),
        new: counter.new === null ? '' : formatCounter(counter.new, language),
        extraFree: formatCounter(counter.extraFree, language),
        exchange: exchange !== null,
        final: exchange ? formatCounter(exchange.final, language) : '',
        start: exchange ? formatCounter(exchange.start, language) : '0',
      };
    }),
  };
}

export interface ReadingForm {
  fields: FormFields;
  readOnly: boolean;
  validityLocked: boolean;
  /** The validity in force: the lock's, the automatic one, or the one typed. */
  validity: Validity | null;
  computed: ComputedCounter[];
  /** Every current issue, by field (the first per field). */
  issues: Map<string, FieldIssue>;
  /** Whether anything is still marked: the form's own checks or the core's refusal (cleared by a change). */
  anyIssue: boolean;
  /** Values typed (or carried in) that the saved reading, or a new one's prefill, does not have. */
  unsaved: boolean;
  /** How many changes the clerk made so far: a change since a given moment is a different count. */
  edits: number;
  /** The date as typed, read (null while it is not a date). */
  parsedDate: IsoDate | null;
  /** Issues to show now: of fields the clerk has left, or all after a save attempt. */
  visibleIssue: (field: string) => FieldIssue | undefined;
  setDate: (text: string) => void;
  setValidity: (which: 'validFrom' | 'validTo', text: string) => void;
  setNote: (text: string) => void;
  setCounter: (kind: CounterKind, column: CounterColumn, text: string) => void;
  setExchange: (kind: CounterKind, on: boolean) => void;
  touch: (field: string) => void;
  /** Marks every field for display; returns the arguments to save, or null when invalid. */
  submit: () => SaveReadingArgs | null;
  setServerIssues: (issues: FieldIssue[]) => void;
  /** Rewrites a typed value in the locale's format (on leaving the field). */
  tidy: (field: string) => void;
}

export function useReadingForm(draft: ReadingDraft, language: Language, carried?: CarriedInput): ReadingForm {
  const [fields, setFields] = useState(() => initialFields(draft, language, carried));
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [edits, setEdits] = useState(0);
  const readOnly = !isEditable(draft.status);
  // Typed values carried in are unsaved from the start; the dialog's own switch to an open
  // estimate carries only today's date (nothing typed), and that is its starting point.
  const unsaved = useMemo(() => {
    const typedBefore = carried !== undefined && (carried.counters.size > 0 || Boolean(carried.note?.trim()));
    const start = typedBefore ? typedFields(draft, language) : initialFields(draft, language, carried);
    return !readOnly && JSON.stringify(fields) !== JSON.stringify(start);
  }, [fields, draft, language, readOnly, carried]);
  const validityLocked = draft.validityLock !== null;

  const derived = useMemo(() => {
    const issues = new Map<string, FieldIssue>();
    const add = (issue: FieldIssue) => {
      if (!issues.has(issue.field)) issues.set(issue.field, issue);
    };
    const date = parseDate(fields.date, draft.today);
    if (!date) add({ field: 'date', code: fields.date.trim() ? 'date-invalid' : 'required' });

    let validity: Validity | null;
    if (draft.validityLock) {
      validity = { from: draft.validityLock.from, to: draft.validityLock.to };
    } else if (!fields.validityEdited) {
      validity = date
        ? defaultValidity({
            date,
            previousValidTo: draft.previousValidTo,
            installDate: draft.device.installDate,
            contractStart: draft.firstValidFrom,
            cutoffDay: draft.cutoffDay,
          })
        : null;
    } else {
      const from = parseDate(fields.validFrom, draft.today);
      const to = parseDate(fields.validTo, draft.today);
      if (!from) add({ field: 'validFrom', code: fields.validFrom.trim() ? 'date-invalid' : 'required' });
      if (!to) add({ field: 'validTo', code: fields.validTo.trim() ? 'date-invalid' : 'required' });
      validity = from && to ? { from, to } : null;
    }

    type Values = { old: number; new: number; extraFree: number; exchange: CounterExchange | null };
    const values = new Map<CounterKind, Values>();
    // Counters left out of the rules' check for another column's error (an exchange's empty end
    // value): their *neu* is there, not "required".
    const heldBack = new Set<string>();
    for (const row of fields.counters) {
      const context = draft.counters.find((counter) => counter.kind === row.kind);
      const parsed = {
        old: context?.oldEditable ? parseCounter(row.old) : ({ ok: true, value: context?.chainOld ?? 0 } as const),
        new: parseCounter(row.new),
        extraFree: row.extraFree.trim() === '' ? ({ ok: true, value: 0 } as const) : parseCounter(row.extraFree),
      };
      const exchange = row.exchange ? { final: parseCounter(row.final), start: parseCounter(row.start) } : null;
      const columns = [['old', parsed.old], ['new', parsed.new], ['extraFree', parsed.extraFree]] as Array<[CounterColumn, ReturnType<typeof parseCounter>]>;
      if (exchange) columns.push(['final', exchange.final], ['start', exchange.start]);
      for (const [column, result] of columns) {
        if (!result.ok) add({ field: `${row.kind}.${column}`, code: result.code });
      }
      if (parsed.new.ok && !columns.every(([, result]) => result.ok)) heldBack.add(`${row.kind}.new`);
      if (columns.every(([, result]) => result.ok) && parsed.old.ok && parsed.new.ok && parsed.extraFree.ok) {
        values.set(row.kind, {
          old: parsed.old.value,
          new: parsed.new.value,
          extraFree: parsed.extraFree.value,
          exchange: exchange?.final.ok && exchange.start.ok ? { final: exchange.final.value, start: exchange.start.value } : null,
        });
      }
    }

    let implausible: CounterKind[] = [];
    // The rules on the counters that read as numbers, also while another one does not: each
    // field says what is wrong with it at once (a counter not yet a number keeps that error).
    if (date && validity) {
      const check = checkReading(
        {
          date,
          validFrom: validity.from,
          validTo: validity.to,
          counters: [...values].map(([kind, value]) => ({ kind, ...value })),
        },
        {
          today: draft.today,
          status: draft.status,
          installDate: draft.device.installDate,
          firstValidFrom: draft.firstValidFrom,
          previousDate: draft.previousDate,
          previousIsEstimate: draft.previousIsEstimate,
          oneReadingPerDay: draft.oneReadingPerDay,
          previousCorrectable: draft.previousCorrectable,
          cutoffDay: draft.cutoffDay,
          nextDate: draft.nextDate,
          nextDayTaken: draft.nextDayTaken,
          previousValidTo: draft.previousValidTo,
          nextValidFrom: draft.nextValidFrom,
          counters: draft.counters,
          validityLock: draft.validityLock && { from: draft.validityLock.from, to: draft.validityLock.to },
          plausibility: draft.plausibility,
        },
      );
      check.issues.filter((issue) => !(issue.code === 'required' && heldBack.has(issue.field))).forEach(add);
      // The usual usage is over the days since the reading before: with the date refused, those days say nothing.
      implausible = issues.has('date') ? [] : check.implausible;
    }

    const computed: ComputedCounter[] = draft.counters.map((context) => {
      const value = values.get(context.kind);
      return {
        kind: context.kind,
        oldEditable: context.oldEditable && !readOnly,
        // No usage out of values the rules refuse (a new below the old is a typo, not −140'000
        // pages; free copies beyond the pages made would make it negative; an exchange's end
        // value below the old one, or its start above the new one, counts nothing real).
        usage:
          value && !['new', 'extraFree', 'final', 'start'].some((column) => issues.has(`${context.kind}.${column}`))
            ? computeUsage(value.old, value.new, value.extraFree, value.exchange)
            : null,
        contractFree: validity ? contractFreeCopies(context.freePerMonth, validity.from, validity.to) : null,
        implausible: implausible.includes(context.kind),
      };
    });
    return { issues, validity, computed, date, values };
  }, [fields, draft, readOnly]);

  const change = (update: (previous: FormFields) => FormFields) => {
    setServerIssues([]);
    setEdits((count) => count + 1);
    setFields(update);
  };

  const visibleIssue = (field: string): FieldIssue | undefined => {
    const server = serverIssues.find((issue) => issue.field === field);
    if (server) return server;
    // A locked field cannot be touched: what is wrong with it shows at once.
    const locked = validityLocked && (field === 'validFrom' || field === 'validTo');
    return submitted || locked || touched.has(field) ? derived.issues.get(field) : undefined;
  };

  const tidyCounter = (text: string) => {
    const parsed = parseCounter(text);
    return parsed.ok ? formatCounter(parsed.value, language) : text;
  };
  const tidyDate = (text: string) => {
    const parsed = parseDate(text, draft.today);
    return parsed ? formatDate(parsed, language) : text;
  };

  return {
    fields: derived.validity && !fields.validityEdited
      ? {
          ...fields,
          validFrom: formatDate(derived.validity.from, language),
          validTo: formatDate(derived.validity.to, language),
        }
      : fields,
    readOnly,
    validityLocked,
    validity: derived.validity,
    computed: derived.computed,
    issues: derived.issues,
    anyIssue: derived.issues.size > 0 || serverIssues.length > 0,
    unsaved,
    edits,
    parsedDate: derived.date,
    visibleIssue,
    setDate: (text) => change((previous) => ({ ...previous, date: text })),
    setValidity: (which, text) =>
      change((previous) => {
        // The first keystroke in a validity field takes over the automatic values as typed text.
        const base: FormFields = previous.validityEdited
          ? previous
          : {
              ...previous,
              validityEdited: true,
              validFrom: derived.validity ? formatDate(derived.validity.from, language) : previous.validFrom,
              validTo: derived.validity ? formatDate(derived.validity.to, language) : previous.validTo,
            };
        return { ...base, [which]: text };
      }),
    setNote: (text) => change((previous) => ({ ...previous, note: text })),
    setCounter: (kind, column, text) =>
      change((previous) => ({
        ...previous,
        counters: previous.counters.map((row) => (row.kind === kind ? { ...row, [column]: text } : row)),
      })),
    setExchange: (kind, on) =>
      change((previous) => ({
        ...previous,
        counters: previous.counters.map((row) => (row.kind === kind ? { ...row, exchange: on } : row)),
      })),
    touch: (field) => setTouched((previous) => (previous.has(field) ? previous : new Set(previous).add(field))),
    tidy: (field) =>
      setFields((previous) => {
        if (field === 'date') return { ...previous, date: tidyDate(previous.date) };
        if (field === 'validFrom' || field === 'validTo') {
          return previous.validityEdited ? { ...previous, [field]: tidyDate(previous[field]) } : previous;
        }
        const [kind, column] = field.split('.') as [CounterKind, CounterColumn];
        return {
          ...previous,
          counters: previous.counters.map((row) =>
            row.kind === kind ? { ...row, [column]: tidyCounter(row[column]) } : row,
          ),
        };
      }),
    setServerIssues,
    submit: () => {
      setSubmitted(true);
      if (readOnly || derived.issues.size > 0 || !derived.date || !derived.validity) return null;
      const date: IsoDate = derived.date;
      return {
        equipmentId: draft.device.equipmentId,
        ...(draft.reading
          ? { readingId: draft.reading.id, revision: draft.reading.revision }
          : { previousReadingId: draft.previousReadingId }),
        date,
        validFrom: derived.validity.from,
        validTo: derived.validity.to,
        note: fields.note,
        counters: draft.counters.map(({ kind }) => ({
          kind,
          // No issues means every counter parsed.
          ...(derived.values.get(kind) ?? { old: 0, new: 0, extraFree: 0, exchange: null }),
        })),
      };
    },
  };
}
