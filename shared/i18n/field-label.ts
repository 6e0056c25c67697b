import type { CounterKind, Language } from '../models';
import { translations } from './index';

/** A text of the language by its key ('dialog.new'), its {{placeholders}} filled. */
function text(language: Language, key: string, params: Record<string, string> = {}): string {
  let node: unknown = translations[language];
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const template = typeof node === 'string' ? node : key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '');
}

const KIND = '(black|scan|color|free1|free2)';
const LABELS: Record<string, string> = {
  name: 'customers.name',
  language: 'customers.language',
  webReading: 'customers.webReading',
  emails: 'customers.emails',
  address: 'customers.address',
  note: 'customers.note',
  customerNumber: 'customers.number',
  startDate: 'contracts.startDate',
  endDate: 'contracts.endDate',
  intervalMonths: 'contracts.interval',
  startMonth: 'contracts.startMonth',
  contractNumber: 'contracts.number',
  equipmentId: 'deviceForm.equipmentId',
  position: 'deviceForm.position',
  model: 'deviceForm.model',
  location: 'deviceForm.location',
  serialNumber: 'deviceForm.serialNumber',
  installDate: 'deviceForm.installDate',
  row: 'import.line',
  date: 'dialog.date',
  validFrom: 'dialog.validFrom',
  validTo: 'dialog.validTo',
  kind: 'dialog.counter',
  value: 'dialog.new',
  reading: 'import.line',
};

/**
 * An import's field (a column it maps, or the field an issue names: `equipmentId`,
 * `black.new`, `value.color`, `blackPrice` …) in the words of the import page and the forms,
 * for the page and the command line alike. `number` is a contract's when importing contracts.
 */
export function importFieldLabel(field: string, language: Language, kind?: string): string {
  const counterName = (name: string) => text(language, `kinds.${name as CounterKind}`);
  // A counter's column as the change log names it (Schwarz Zählerstand neu); `value.black` is its new one.
  const wide = new RegExp(`^value\\.${KIND}$`).exec(field);
  const column = wide ? [field, wide[1]!, 'new'] : new RegExp(`^${KIND}\\.(old|new|extraFree|final|start)$`).exec(field);
  if (column) return `${counterName(column[1]!)} ${text(language, `audit.fields.${column[2]}`)}`;
  const term = new RegExp(`^${KIND}(Free|Price|Start)$`).exec(field);
  if (term) {
    const name = counterName(term[1]!);
    if (term[2] === 'Start') return text(language, 'deviceForm.startValue', { kind: name });
    return `${name} ${text(language, term[2] === 'Free' ? 'contracts.freePerMonth' : 'contracts.pricePerPage')}`;
  }
  if (field === 'number') return text(language, kind === 'contracts' ? 'contracts.number' : 'customers.number');
  const key = LABELS[field];
  return key ? text(language, key) : field;
}
