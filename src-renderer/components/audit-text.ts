/**
 * An audit entry's fields as a clerk reads them: the field's name in the UI's words (Schwarz
 * Zählerstand neu, not black.new) and its values as the rest of the app writes them (dates
 * 24.11.2026, counters 350'400, prices 0.0085, ja / nein, status 11 abgerechnet).
 */
import type { TFunction } from 'i18next';
import { formatAmount, formatCounter, formatDate, formatPrice, LOCALES } from '../../shared/format';
import { formatMoment } from '../moments';
import type { Language } from '../../shared/models';
import { heldReasonText } from '../issues';

const COUNTER_FIELD = /^(black|scan|color|free1|free2)\.(old|new|extraFree|final|start)$/;
const TERM_FIELD = /^terms\.(black|scan|color|free1|free2)\.(freePerMonth|pricePerPage)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** The fields whose numbers are counters or copies: grouped like every counter. */
const COPIES = new Set(['old', 'new', 'extraFree', 'final', 'start', 'freePerMonth']);

export interface AuditText {
  field: string;
  before: string;
  after: string;
}

export function auditText(
  entity: string,
  field: string,
  before: unknown,
  after: unknown,
  t: TFunction,
  language: Language,
): AuditText {
  const counter = COUNTER_FIELD.exec(field) ?? TERM_FIELD.exec(field);
  // A setting's change names the setting's key, as the settings screen and the CLI do.
  const name = entity === 'setting' ? field : counter ? counter[2]! : field;
  const label =
    entity === 'setting'
      ? field
      : counter
        ? `${t(`kinds.${counter[1]}`)} ${t(`audit.fields.${name}`)}`
        : t(`audit.fields.${field}`, { defaultValue: field });
  const show = (value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no');
    if (typeof value === 'number') {
      if (name === 'pricePerPage') return formatPrice(value);
      // A contract's first month of its billing interval: the month's name.
      if (name === 'startMonth' && value >= 1 && value <= 12) {
        return new Date(Date.UTC(2000, value - 1, 1)).toLocaleDateString(LOCALES[language], { month: 'long', timeZone: 'UTC' });
      }
      if (name === 'total') return formatAmount(value, language);
      return COPIES.has(name) ? formatCounter(value, language) : String(value);
    }
    if (typeof value !== 'string') return JSON.stringify(value);
    if (name === 'status' && /^(01|11|21)$/.test(value)) return `${value} ${t(`status.${value}`)}`;
    if (name === 'source') return t(`sources.${value}`, { defaultValue: value });
    if (name === 'language') return t(`languages.${value}`, { defaultValue: value });
    if (name === 'state') return t(`${entity === 'billing_run' ? 'billing' : 'web'}.states.${value}`, { defaultValue: value });
    if (name === 'reason') return heldReasonText(value, language);
    if (name === 'counters') {
      // "black:0, color:0" → "Schwarz 0 · Farbe 0"
      return value
        .split(', ')
        .map((part) => {
          const [kind, start] = part.split(':');
          return `${t(`kinds.${kind}`, { defaultValue: kind })} ${formatCounter(Number(start), language)}`;
        })
        .join(' · ');
    }
    if (ISO_DATE.test(value)) return formatDate(value, language);
    if (ISO_TIME.test(value)) {
      return formatMoment(value, language);
    }
    return value;
  };
  return { field: label, before: show(before), after: show(after) };
}
