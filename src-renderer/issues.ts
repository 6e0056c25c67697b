import { ApiError, type FieldIssue } from '../shared/errors';
import { labelSeparator } from '../shared/format';
import { importFieldLabel } from '../shared/i18n/field-label';
import { issueText } from '../shared/i18n/issue-text';
import type { Language } from '../shared/models';

/** A field issue in words, as the command line says it too. */
export function describeIssue(issue: FieldIssue, language: Language): string {
  return issueText(issue, language);
}

/**
 * A refused call in the UI's words: each issue with the field it concerns (Schwarz
 * Zählerstand neu: Muss mindestens 404'805 sein), not the core's English summary.
 * `fallback` words any other failure (e.g. `t('app.error', { message })`).
 */
export function failureText(failure: Error, language: Language, fallback: (message: string) => string): string {
  if (!(failure instanceof ApiError) || failure.issues.length === 0) return fallback(failure.message);
  return failure.issues
    .map((issue) => {
      const text = issueText(issue, language);
      return issue.field === 'reading' ? text : `${importFieldLabel(issue.field, language)}${labelSeparator(language)}${text}`;
    })
    .join(' ');
}
