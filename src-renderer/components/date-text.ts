import { formatDate, parseDate } from '../../shared/format';
import type { FieldIssue } from '../../shared/errors';
import type { IsoDate, Language } from '../../shared/models';

/** Form text for a date: the ISO date written the language's way, or ''. */
export function dateText(date: IsoDate | null | undefined, language: Language): string {
  return date ? formatDate(date, language) : '';
}

/**
 * The ISO date typed into `field` ('' when empty); an issue is added when the text is not a
 * date, so the form says so next to the field instead of sending it on.
 */
export function readDate(text: string, today: IsoDate, field: string, issues: FieldIssue[]): string {
  if (text.trim() === '') return '';
  const date = parseDate(text, today);
  if (date === null) {
    issues.push({ field, code: 'date-invalid' });
    return '';
  }
  return date;
}
