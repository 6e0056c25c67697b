/**
 * Field rules of the master data (issue 7), shared by the forms and the core: the forms show
 * them as the clerk types, the core refuses what breaks them.
 */
import type { FieldIssue } from '../errors';
import { LANGUAGES, type Language } from '../models';

export const MAX_NAME = 200;
export const MAX_NOTE = 2000;
export const MAX_CUSTOMER_NUMBER = 20;

/** Deliberately loose: one @, something on both sides, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Addresses as people paste them: separated by commas, semicolons, spaces or lines. */
export function splitEmails(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((email) => email.trim().toLowerCase()).filter(Boolean))];
}

export interface CustomerInput {
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string[];
  note: string;
}

export function checkCustomer(input: CustomerInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const number = input.number.trim();
  if (number === '') issues.push({ field: 'number', code: 'required' });
  else if (!/^\d+$/.test(number)) issues.push({ field: 'number', code: 'not-digits' });
  else if (number.length > MAX_CUSTOMER_NUMBER) {
    issues.push({ field: 'number', code: 'too-long', params: { max: MAX_CUSTOMER_NUMBER } });
  }
  if (input.name.trim() === '') issues.push({ field: 'name', code: 'required' });
  else if (input.name.length > MAX_NAME) issues.push({ field: 'name', code: 'too-long', params: { max: MAX_NAME } });
  if (!LANGUAGES.includes(input.language)) issues.push({ field: 'language', code: 'required' });
  const invalid = input.emails.find((email) => !EMAIL.test(email));
  if (invalid !== undefined) issues.push({ field: 'emails', code: 'email-invalid', params: { value: invalid } });
  else if (input.webReading && input.emails.length === 0) issues.push({ field: 'emails', code: 'emails-required' });
  if (input.note.length > MAX_NOTE) issues.push({ field: 'note', code: 'too-long', params: { max: MAX_NOTE } });
  return issues;
}
