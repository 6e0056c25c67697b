import type { TFunction } from 'i18next';
import { isIsoDate } from '../shared/dates';
import type { FieldIssue } from '../shared/errors';
import { formatCounter, formatDate } from '../shared/format';
import type { Language } from '../shared/models';

/** A field issue in words, its numbers and dates written the way the language writes them. */
export function describeIssue(issue: FieldIssue, t: TFunction, language: Language): string {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(issue.params ?? {})) {
    params[key] =
      typeof value === 'number'
        ? formatCounter(value, language)
        : isIsoDate(value)
          ? formatDate(value, language)
          : value;
  }
  return t(`errors.${issue.code}`, params);
}
