import { ApiError, type FieldIssue } from '../shared/errors';
import { labelSeparator } from '../shared/format';
import { importFieldLabel } from '../shared/i18n/field-label';
import { translations } from '../shared/i18n';
import { issueText } from '../shared/i18n/issue-text';
import type { Language } from '../shared/models';
import { heldReason } from '../shared/rules/web-reading';

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
  return issuesText(failure.issues, language);
}

function issuesText(issues: readonly FieldIssue[], language: Language): string {
  return issues
    .map((issue) => {
      const text = issueText(issue, language);
      return issue.field === 'reading' ? text : `${importFieldLabel(issue.field, language)}${labelSeparator(language)}${text}`;
    })
    .join(' ');
}

/**
 * Why a web value is kept aside, in words (Web-Erfassung, Hinweise, the change log): a value
 * the rules refused at the sync with each issue and its counter.
 */
export function heldReasonText(reason: string, language: Language): string {
  const { kind, issues } = heldReason(reason);
  const reasons: Record<string, string> = translations[language].web.reasons;
  const text = reasons[kind] ?? kind;
  return issues.length === 0 ? text : `${text}${labelSeparator(language)}${issuesText(issues, language)}`;
}
