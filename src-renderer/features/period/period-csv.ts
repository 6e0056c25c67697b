import type { TFunction } from 'i18next';
import type { PeriodRow } from '../../../shared/api';
import { csvSafeText, csvText } from '../../../shared/csv';
import { formatDate } from '../../../shared/format';
import { COUNTER_KINDS, type Language } from '../../../shared/models';

/**
 * The period's list as a clerk takes it to the phone or to a technician: a row per device
 * with its state, customer, contract and place, and a column per counter kind of the readings
 * (numbers, for Excel). Texts from other systems are kept as text (`csvSafeText`).
 */
export function periodCsv(rows: readonly PeriodRow[], t: TFunction, language: Language): string {
  const kinds = COUNTER_KINDS.filter((kind) => rows.some((row) => row.counters.some((c) => c.kind === kind)));
  const header = [
    t('period.state'),
    t('period.customerNumber'),
    t('period.customer'),
    t('period.contract'),
    t('period.device'),
    t('period.position'),
    t('period.model'),
    t('period.location'),
    t('period.web'),
    t('period.date'),
    ...kinds.map((kind) => t(`kinds.${kind}`)),
  ];
  const lines = rows.map((row) => [
    t(`period.states.${row.state}`),
    row.customerNumber,
    csvSafeText(row.customerName),
    row.contractNumber,
    row.equipmentId,
    row.position,
    csvSafeText(row.model),
    csvSafeText(row.location),
    row.webReading ? t('audit.yes') : t('audit.no'),
    row.date ? formatDate(row.date, language) : '',
    ...kinds.map((kind) => row.counters.find((c) => c.kind === kind)?.value ?? ''),
  ]);
  return csvText([header, ...lines]);
}
