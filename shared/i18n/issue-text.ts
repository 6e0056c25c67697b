import { isIsoDate } from '../dates';
import type { FieldIssue } from '../errors';
import { formatCounter, formatDate } from '../format';
import type { Language } from '../models';
import { translations } from './index';

/**
 * A field issue in words, its numbers and dates written the way the language writes them.
 * One function for the UI and the command line.
 */
export function issueText(issue: FieldIssue, language: Language): string {
  const template: string = translations[language].errors[issue.code] ?? issue.code;
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = issue.params?.[key];
    if (value === undefined) return '';
    if (typeof value === 'number') return formatCounter(value, language);
    return isIsoDate(value) ? formatDate(value, language) : value;
  });
}
