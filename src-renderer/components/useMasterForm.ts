import { useRef, useState } from 'react';
import { ApiError, type FieldIssue } from '../../shared/errors';
import { useLanguage } from '../i18n';
import { describeIssue } from '../issues';
import { useSaveKeys } from './useSaveKeys';
import { useUnsavedGuard } from './useUnsavedGuard';
import { whileSaving } from '../useHashRoute';

export interface MasterFormOptions<Fields> {
  initial: Fields;
  /** The shared field rules, run as the clerk types (shown after the first save attempt). */
  check: (fields: Fields) => FieldIssue[];
  /** Writes the record; throws the core's ApiError when it refuses. */
  save: (fields: Fields) => Promise<void>;
  /**
   * What only the core knows (a number already taken), asked when the form's own rules refuse
   * a save: every error shows in one round, not the core's after the others are mended.
   */
  conflicts?: (fields: Fields) => Promise<FieldIssue[]>;
  /** Esc on an unchanged form: leave it. */
  leave: () => void;
}

/**
 * The master-data forms' common behaviour: F2 saves, Esc discards changes (and a second Esc
 * leaves), errors next to their fields from the shared rules and from the core, one write at
 * a time.
 */
export function useMasterForm<Fields extends object>({ initial, check, save, leave, conflicts }: MasterFormOptions<Fields>) {
  const { t, language } = useLanguage();
  const [fields, setFields] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const busy = useRef(false);
  const issues = check(fields);
  // Changes made to the fields: an answer about fields since changed is dropped.
  const edits = useRef(0);

  const issueFor = (field: string) =>
    serverIssues.find((issue) => issue.field === field) ??
    (submitted ? issues.find((issue) => issue.field === field) : undefined);

  // A refused save takes the keyboard to the first field it marks (it stayed where F2 was pressed).
  const focusFirstError = () =>
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.master-form [aria-invalid="true"]')?.focus());

  const run = async (action: () => Promise<void>): Promise<void> => {
    if (busy.current) return;
    busy.current = true;
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setServerIssues(error.issues);
      focusFirstError();
      const general = error.issues.find((issue) => !issue.field.includes('.') && !(issue.field in fields));
      setBanner(
        error.code === 'conflict'
          ? t('customers.conflict')
          : general
            ? describeIssue(general, language)
            : error.issues.length > 0
              ? t('customers.notSaved')
              : t('app.error', { message: error.message }),
      );
    } finally {
      busy.current = false;
    }
  };

  const submit = () => {
    setSubmitted(true);
    if (issues.length > 0) {
      setBanner(t('customers.notSaved'));
      focusFirstError();
      const asked = edits.current;
      conflicts?.(fields).then(
        (found) => {
          if (found.length > 0 && edits.current === asked) setServerIssues(found);
        },
        // Not known now: the core says it at the save, as without this question.
        () => undefined,
      );
      return;
    }
    // Going on to the saved record (a new one's page) is no leaving of the form.
    void run(() => whileSaving(() => save(fields)));
  };

  const dirty = JSON.stringify(fields) !== JSON.stringify(initial);
  const cancel = () => {
    if (!dirty) return leave();
    edits.current += 1;
    setFields(initial);
    setServerIssues([]);
    setBanner(null);
    setSubmitted(false);
  };
  useSaveKeys({ save: submit, cancel });
  useUnsavedGuard(dirty, t('app.unsavedLeave'));

  return {
    fields,
    set: <K extends keyof Fields>(key: K, value: Fields[K]) => {
      edits.current += 1;
      setServerIssues([]);
      setBanner(null);
      setFields((previous) => ({ ...previous, [key]: value }));
    },
    errorFor: (field: string) => {
      const issue = issueFor(field);
      return issue && describeIssue(issue, language);
    },
    banner,
    run,
    submit,
    cancel,
  };
}
