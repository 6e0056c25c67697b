import type { FieldIssue } from '../shared/errors';
import { issueText } from '../shared/i18n/issue-text';
import type { Language } from '../shared/models';

/** A field issue in words, as the command line says it too. */
export function describeIssue(issue: FieldIssue, language: Language): string {
  return issueText(issue, language);
}
